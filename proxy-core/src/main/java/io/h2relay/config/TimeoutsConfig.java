package io.h2relay.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Client-side connection timers ({@code h2relay.timeouts}); the upstream ones are per cluster. Each runs as an actor
 * timer: the engine has no clock.
 *
 * @param idle a client connection with no open stream for this long gets GOAWAY and is closed; {@link Duration#ZERO}
 *     never
 * @param abort once the proxy closes a connection, how long the peer has to read what is left before the socket is
 *     aborted (Twisted's {@code abortTimeout})
 * @param drain on SIGTERM, how long in-flight exchanges may run after GOAWAY before the process exits
 */
public record TimeoutsConfig(Duration idle, Duration abort, Duration drain) {

    public TimeoutsConfig {
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(abort, "abort");
        Objects.requireNonNull(drain, "drain");
        if (idle.isNegative() || abort.isNegative() || abort.isZero() || drain.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative and abort must be positive");
        }
    }
}
