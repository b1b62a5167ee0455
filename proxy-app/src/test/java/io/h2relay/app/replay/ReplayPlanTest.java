package io.h2relay.app.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarRedaction;
import io.h2relay.client.Headers;
import io.h2relay.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

    private static final long S = 1_000_000_000L;

    @Test
    void fixedRateSpacesRequestsEvenly() {
        Schedule.OpenRate r = new Schedule.OpenRate(2000, 0, 0);
        assertEquals(0, r.dueNanos(0));
        assertEquals(500_000, r.dueNanos(1));
        assertEquals(S, r.dueNanos(2000));
    }

    @Test
    void linearRampReachesTheRateAtTheEndOfTheRamp() {
        // 100/s after a 10 s ramp: 500 requests during the ramp (the triangle), then 100 per second.
        Schedule.OpenRate r = new Schedule.OpenRate(100, 10 * S, 0);
        assertEquals(10 * S, r.dueNanos(500), 1000);
        assertEquals(11 * S, r.dueNanos(600), 1000);
        assertEquals(5 * S, r.dueNanos(125), 1000, "a quarter of the ramp's requests by half its time");
        assertTrue(r.dueNanos(1) > r.dueNanos(0));
    }

    @Test
    void steppedRampHoldsEachStepsRate() {
        // 2 steps over 10 s to 100/s: 50/s for 5 s (250 requests), 100/s for 5 s (500), then 100/s.
        Schedule.OpenRate r = new Schedule.OpenRate(100, 10 * S, 2);
        assertEquals(S / 50, r.dueNanos(1), 10);
        assertEquals(5 * S, r.dueNanos(250), 1000);
        assertEquals(5 * S + S / 100, r.dueNanos(251), 1000);
        assertEquals(10 * S, r.dueNanos(750), 1000);
        assertEquals(11 * S, r.dueNanos(850), 1000);
    }

    @Test
    void recordedTimingIsScaledAndRepeats() {
        long[] offsets = Schedule.Recorded.offsets(List.of(Instant.parse("2026-01-01T00:00:10Z"),
                Instant.parse("2026-01-01T00:00:11Z"), Instant.parse("2026-01-01T00:00:13Z")));
        assertArrayEquals(new long[] {0, S, 3 * S}, offsets);
        Schedule.Recorded twice = new Schedule.Recorded(2, offsets);
        assertEquals(S / 2, twice.dueNanos(1));
        assertEquals(3 * S / 2, twice.dueNanos(2));
        // The next pass starts one mean gap (1.5 s) after the last entry: at 4.5 s, halved.
        assertEquals(9 * S / 4, twice.dueNanos(3));
    }

    @Test
    void shardsPartitionTheEntriesByPosition() {
        int[] seen = new int[10];
        for (int i = 0; i < 3; i++) {
            Shard s = new Shard(i, 3);
            for (int e = 0; e < 10; e++) {
                if (s.includes(e)) {
                    seen[e]++;
                    assertEquals(i, e % 3);
                }
            }
        }
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, seen);
        assertEquals(new Shard(2, 8), Shard.parse("2/8"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("8/8"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("x"));
    }

    @Test
    void recordedRequestLosesPseudoAndConnectionFieldsAndRedactedCredentials() {
        Har.Request request = new Har.Request("POST", "https://shop.example.test:8443/echo?a=1#frag", "http/2.0",
                null, List.of(Har.NameValue.of(":authority", "shop.example.test:8443"),
                        Har.NameValue.of(":path", "/echo?a=1"), Har.NameValue.of("Host", "shop.example.test"),
                        Har.NameValue.of("Connection", "keep-alive"), Har.NameValue.of("Content-Length", "2"),
                        Har.NameValue.of("TE", "gzip"), Har.NameValue.of("Cookie", HarRedaction.REDACTED),
                        Har.NameValue.of("Authorization", "Bearer kept"), Har.NameValue.of("X-Trace", "7")),
                null, new Har.PostData("text/plain", null, "hi", null, null), -1L, 2L, null);
        ReplayRequest r = ReplayRequest.of(4, new Har.Entry(null, null, null, request, null, null, null, null, null,
                null));
        assertEquals("/echo?a=1", r.path());
        assertEquals("shop.example.test:8443", r.authority());
        assertEquals(Headers.of("authorization", "Bearer kept", "x-trace", "7"), r.headers());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), r.body());
        assertNull(r.started());
    }

    @Test
    void formPostWithParamsOnlyIsRebuiltUrlencoded() {
        byte[] body = ReplayRequest.body(new Har.PostData("application/x-www-form-urlencoded",
                List.of(new Har.Param("q", "a b", null, null), new Har.Param("n", "1", null, null)), null, null,
                null));
        assertEquals("q=a+b&n=1", new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void rewriteRemovesThenSetsHeadersAndPicksTheAuthority() {
        ReplayRequest recorded = new ReplayRequest(0, "GET", "/", "old.example", Headers.of("x-a", "1", "x-b", "2"),
                new byte[0], null);
        Rewrite rewrite = new Rewrite("staging:8443", false, List.of(Rewrite.Header.parse("X-B: new")),
                List.of("X-A"));
        Request r = rewrite.apply(recorded);
        assertEquals(Headers.of("x-b", "new"), r.headers());
        assertEquals("staging:8443", r.authority());
        assertEquals("old.example", new Rewrite(null, true, List.of(), List.of()).apply(recorded).authority());
        assertNull(Rewrite.none().apply(recorded).authority(), "null: the connection's authority");
        assertThrows(IllegalArgumentException.class, () -> Rewrite.Header.parse("novalue"));
    }

    @Test
    void failuresAreNamedByKind() {
        assertEquals("timeout", Replayer.kind(new CompletionException(new TimeoutException())));
        assertEquals("io", Replayer.kind(new java.io.IOException("x")));
        assertEquals("connect-refused", Replayer.kind(new java.net.ConnectException("refused")));
        List<String> kinds = new ArrayList<>();
        kinds.add(Replayer.kind(new IllegalStateException()));
        assertEquals(List.of("illegalstateexception"), kinds);
    }
}
