package dev.ergometer.service;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code LOG_LEVEL}: logback's root logger, with Jetty, Javalin, JobRunr and the database drivers held at
 * WARN unless DEBUG or TRACE is asked for.
 */
final class ServiceLogging {

    private static final String[] LIBRARIES = {"org.eclipse.jetty", "io.javalin", "org.jobrunr", "org.h2",
        "org.postgresql"};

    private ServiceLogging() {
    }

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
