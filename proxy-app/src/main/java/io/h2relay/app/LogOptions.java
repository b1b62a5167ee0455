package io.h2relay.app;

import picocli.CommandLine.Option;

/** {@code --log-level}, for the commands that run servers. */
final class LogOptions {

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "Log threshold: TRACE, DEBUG, INFO, WARN, ERROR or OFF (any case). Logs go to standard "
                    + "error. Default: ${DEFAULT-VALUE}.")
    LogLevel level;
}
