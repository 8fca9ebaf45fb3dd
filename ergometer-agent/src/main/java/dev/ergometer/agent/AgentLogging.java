package dev.ergometer.agent;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code LOG_LEVEL} to the agent's logging (logback's root logger, Jetty and Javalin included). */
final class AgentLogging {

    private AgentLogging() {
    }

    /** Sets the root log level; a no-op when another slf4j binding than logback is on the class path. */
    static void apply(String level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
