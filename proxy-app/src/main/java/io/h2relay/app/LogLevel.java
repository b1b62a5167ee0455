package io.h2relay.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-level}: the root logger's level in logback, and the same threshold for Pekko's event stream so that
 * Pekko does not build log events logback would drop (Pekko filters first, then {@code Slf4jLoggingFilter} asks
 * logback).
 */
enum LogLevel {
    TRACE("DEBUG"),
    DEBUG("DEBUG"),
    INFO("INFO"),
    WARN("WARNING"),
    ERROR("ERROR"),
    OFF("OFF");

    /** Pekko knows no TRACE and spells WARN as WARNING. */
    private final String pekkoLevel;

    LogLevel(String pekkoLevel) {
        this.pekkoLevel = pekkoLevel;
    }

    /** The value for {@code pekko.loglevel}. */
    String pekkoLevel() {
        return pekkoLevel;
    }

    /** Sets logback's root logger; the appenders and pattern stay as {@code logback.xml} has them. */
    void applyToLogback() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(name()));
        }
    }
}
