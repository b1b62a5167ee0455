package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.frame.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The meters read back after real traffic through a real proxy. */
class ProxyMetricsTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();

    /** Metrics move when the Stream or connection actor ends, a moment after the client saw its answer. */
    static void await(double expected, DoubleSupplier value, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(expected, value.getAsDouble(), what);
    }

    static double counter(MeterRegistry r, String name, String... tags) {
        Counter c = r.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    static long timerCount(MeterRegistry r, String name, String... tags) {
        Timer t = r.find(name).tags(tags).timer();
        return t == null ? 0 : t.count();
    }

    static double gauge(MeterRegistry r, String name, String... tags) {
        Gauge g = r.find(name).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }

    private static String routes(String extra) {
        return """
                clusters.origin.endpoints = ["h2c://127.0.0.1:%d"]
                routes.bytes { path-prefix = "/bytes", cluster = origin }
                routes.status { path-prefix = "/status", cluster = origin }
                """.formatted(ORIGIN.address().getPort()) + extra;
    }

    @Test
    void requestsAreTimedByRouteClusterAndStatusClass() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, routes(""));
        MeterRegistry r = proxy.metrics().registry();
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals("200", ProxyFixture.status(base(proxy) + "/bytes/100"));
            }
            assertEquals("503", ProxyFixture.status(base(proxy) + "/status/503"));
            assertEquals("404", ProxyFixture.status(base(proxy) + "/nowhere"));
            await(5, () -> proxy.metrics().exchanges(), "exchanges");

            String[] ok = {"route", "bytes", "cluster", "origin", "status", "2xx"};
            assertEquals(3, timerCount(r, "h2relay.requests", ok));
            Timer t = r.find("h2relay.requests").tags(ok).timer();
            assertTrue(t.totalTime(TimeUnit.NANOSECONDS) > 0);
            CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
            assertEquals(ProxyMetrics.BUCKETS.length, buckets.length, "SLO buckets");
            assertEquals(3, buckets[buckets.length - 1].count(), "all three within the last bucket");
            assertEquals(1, timerCount(r, "h2relay.requests", "route", "status", "status", "5xx"));
            assertEquals(1, timerCount(r, "h2relay.requests", "route", "none", "cluster", "none", "status", "4xx"));
            assertEquals(4, timerCount(r, "h2relay.upstream.time", "cluster", "origin"));
            assertEquals(4, counter(r, "h2relay.exchanges", "outcome", "completed"));
            assertEquals(1, counter(r, "h2relay.exchanges", "outcome", "local_response"));
            assertEquals(5, counter(r, "h2relay.streams"));
            await(0, () -> gauge(r, "h2relay.streams.open"), "open streams");
            assertTrue(counter(r, "h2relay.response.body") >= 300, "three bodies of 100 bytes at least");
            assertEquals(5, counter(r, "h2relay.downstream.connections.accepted", "protocol", "h2c", "tls", "none",
                    "alpn", "none"), "one curl, one connection");
            await(0, () -> gauge(r, "h2relay.downstream.connections.open", "protocol", "h2c"), "curl closed them");
            assertTrue(counter(r, "h2relay.upstream.connections.opened", "cluster", "origin") >= 1);
            assertEquals(1, gauge(r, "h2relay.upstream.connections.open", "cluster", "origin"),
                    "one backend connection carries everything");
            assertEquals(0, gauge(r, "h2relay.pool.pending", "cluster", "origin"));
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void resetsAreCountedBySideDirectionAndCode() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend((conn, e) -> { })) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            MeterRegistry r = proxy.metrics().registry();
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("x", "/upload"), false);
                client.send(id, new byte[5000], false);
                backend.await(Event.DataReceived.class, d -> true);
                client.act(c -> c.resetStream(id, ErrorCode.CANCEL.code()));
                await(1, () -> counter(r, "h2relay.stream.resets", "side", "client", "direction", "received",
                        "code", "CANCEL"), "the client's reset");
                await(1, () -> counter(r, "h2relay.stream.resets", "side", "backend", "direction", "sent",
                        "code", "CANCEL"), "passed on to the backend");
                await(1, () -> counter(r, "h2relay.exchanges", "outcome", "client_reset"), "the exchange");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void connectFailuresAndRetriesAreCountedPerCluster() throws Exception {
        int dead = ProxyFixture.deadPort();
        ProxyServer proxy = ProxyFixture.proxy(KIT, """
                clusters.mixed.endpoints = ["h2c://127.0.0.1:%d", "h2c://127.0.0.1:%d"]
                routes.default.cluster = mixed
                """.formatted(dead, ORIGIN.address().getPort()));
        MeterRegistry r = proxy.metrics().registry();
        try {
            assertEquals("200", ProxyFixture.status(base(proxy) + "/bytes/1"));
            assertEquals(1, counter(r, "h2relay.upstream.connect.failures", "cluster", "mixed"));
            assertEquals(1, counter(r, "h2relay.retries", "cluster", "mixed"));
            assertEquals(1, proxy.metrics().retries());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void anAbuseTripIsCountedByKind() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, routes("limits.pings { burst = 2, per-second = 0 }\n"));
        MeterRegistry r = proxy.metrics().registry();
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            // One write: the proxy closes after the third PING, so separate writes could meet a closed socket.
            client.act(c -> {
                for (long i = 0; i < 5; i++) {
                    c.ping(i);
                }
            });
            Event.ConnectionTerminated goAway = client.await(Event.ConnectionTerminated.class, t -> true);
            assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), goAway.errorCode());
        } finally {
            await(1, () -> counter(r, "h2relay.abuse.trips", "side", "client", "kind", "ping_flood"),
                    "the PING flood, once the connection ended");
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aClientThatDoesNotReadStallsItsStreamWindow() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, routes(""));
        MeterRegistry r = proxy.metrics().registry();
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            client.autoAcknowledge(false);
            client.request(H2TestClient.get("x", "/bytes/200000"), true);
            await(1, () -> Math.min(1, counter(r, "h2relay.flow.control.stalls", "side", "client", "window",
                    "stream")), "65535 bytes of window for 200000 bytes");
            assertTrue(proxy.metrics().bufferedBytes() > 0, "the backend's bytes wait in the proxy");
            assertNotNull(r.find("h2relay.buffered").gauge());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void metricsCanLiveInTheApplicationsRegistry() throws Exception {
        MeterRegistry mine = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ProxyServer proxy = ProxyServer.start(KIT.system(), ProxyFixture.config(routes("")), List.of(),
                new ProxyMetrics(mine)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            assertEquals("200", ProxyFixture.status(base(proxy) + "/bytes/1"));
            await(1, () -> timerCount(mine, "h2relay.requests", "route", "bytes"), "in the registry given");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }
}
