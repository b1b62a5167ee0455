package io.h2relay.engine;

/**
 * A token-bucket budget: {@code burst} events at once, refilled at {@code perSecond} (nghttp2's reset-rate and glitch
 * limiters have this shape). The engine has no clock: tokens refill only as far as the caller passes time in
 * ({@link H2Connection#receiveData(java.nio.ByteBuffer, long)}).
 */
public record RateLimit(int burst, int perSecond) {

    public RateLimit {
        if (burst < 1 || perSecond < 0) {
            throw new IllegalArgumentException("burst must be >= 1 and perSecond >= 0: " + burst + ", " + perSecond);
        }
    }
}
