package dev.ergometer.agent;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code LOG_LEVEL} to the agent's logging: logback's root logger, with Jetty, Javalin and the Kafka and
 * MongoDB clients held at WARN unless
 * DEBUG or TRACE is asked for (their start-up INFO lines say nothing about energy).
 */
final class AgentLogging {

    /** The libraries whose INFO lines say nothing about energy. */
    private static final String[] LIBRARIES = {"org.eclipse.jetty", "io.javalin", "org.apache.kafka",
        "org.mongodb.driver"};

    private AgentLogging() {
    }

    /** Sets the root log level; a no-op when another slf4j binding than logback is on the class path. */
    static void apply(String level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            Level wanted = Level.toLevel(level, Level.INFO);
            root.setLevel(wanted);
            Level libraries = wanted.isGreaterOrEqual(Level.INFO) && !wanted.isGreaterOrEqual(Level.WARN)
                    ? Level.WARN : wanted;
            for (String name : LIBRARIES) {
                ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(libraries);
            }
        }
    }
}
