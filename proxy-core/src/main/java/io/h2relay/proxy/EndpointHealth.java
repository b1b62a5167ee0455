package io.h2relay.proxy;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which endpoints of one cluster its pool counts as healthy, readable from any thread (the readiness check, the
 * gauge): the pool writes, per endpoint, 0 while healthy or the {@link System#nanoTime()} its back-off after a
 * failed connection ends. Passive health: an endpoint never tried is healthy.
 */
final class EndpointHealth {

    private final AtomicLongArray unhealthyUntil;

    EndpointHealth(int endpoints) {
        this.unhealthyUntil = new AtomicLongArray(endpoints);
    }

    void healthy(int endpoint) {
        unhealthyUntil.set(endpoint, 0);
    }

    void backOff(int endpoint, long untilNanos) {
        unhealthyUntil.set(endpoint, untilNanos == 0 ? 1 : untilNanos);
    }

    int healthyCount() {
        long now = System.nanoTime();
        int n = 0;
        for (int i = 0; i < unhealthyUntil.length(); i++) {
            long until = unhealthyUntil.get(i);
            if (until == 0 || now - until >= 0) {
                n++;
            }
        }
        return n;
    }
}
