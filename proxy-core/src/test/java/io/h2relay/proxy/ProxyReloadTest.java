package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static io.h2relay.proxy.ProxyMetricsTest.await;
import static io.h2relay.proxy.ProxyMetricsTest.counter;
import static io.h2relay.proxy.ProxyMetricsTest.gauge;
import static io.h2relay.proxy.ProxyMetricsTest.timerCount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.ProxyConfig;
import io.h2relay.origin.OriginServer;
import io.h2relay.origin.Tools;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ProxyServer#reload}: routes and clusters change under load without a failed request. */
class ProxyReloadTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static OriginServer one;
    private static OriginServer two;

    @BeforeAll
    static void start() throws Exception {
        one = ProxyFixture.origin(KIT);
        two = ProxyFixture.origin(KIT);
    }

    @AfterAll
    static void stop() throws Exception {
        one.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        two.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        KIT.shutdownTestKit();
    }

    /** Clusters "one" and "two" (one origin each); the catch-all route goes to {@code cluster}, tagged {@code gen}. */
    private static String config(String cluster, int gen) {
        return """
                clusters.one.endpoints = ["h2c://127.0.0.1:%d"]
                clusters.two.endpoints = ["h2c://127.0.0.1:%d"]
                routes.default { cluster = %s, response-headers.set { x-gen = "%d" } }
                """.formatted(one.address().getPort(), two.address().getPort(), cluster, gen);
    }

    private static String gen(ProxyServer proxy) throws Exception {
        Tools.Result r = ProxyFixture.curlOk("-s", "-o", "/dev/null", "-D", "-", base(proxy) + "/bytes/1");
        for (String line : r.out().split("\r\n")) {
            if (line.startsWith("x-gen: ")) {
                return line.substring(7);
            }
        }
        throw new AssertionError("no x-gen in " + r.out());
    }

    @Test
    void aRouteChangedUnderH2loadTakesEffectWithoutAFailedRequest() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, config("one", 1));
        MeterRegistry r = proxy.metrics().registry();
        try {
            assertEquals("1", gen(proxy));
            int n = 60_000;
            CompletableFuture<Tools.Result> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return Tools.run(300, "h2load", "-n", Integer.toString(n), "-c", "4", "-m", "10",
                            base(proxy) + "/bytes/256");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (proxy.metrics().exchanges() < 3000 && !load.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(!load.isDone(), () -> "h2load ended before the reload: " + load.join().out());
            List<String> notes = proxy.reload(ProxyFixture.config(config("two", 2)));
            assertEquals(List.of(), notes, "only routes changed");
            Tools.Result result = load.get(300, TimeUnit.SECONDS);
            assertEquals(0, result.exit(), result.stderr());
            assertTrue(result.out().contains(n + " succeeded, 0 failed, 0 errored"), result.out());

            assertEquals("2", gen(proxy), "the new route answers");
            long before = timerCount(r, "h2relay.requests", "cluster", "one", "status", "2xx");
            long after = timerCount(r, "h2relay.requests", "cluster", "two", "status", "2xx");
            assertTrue(before >= 3000, "cluster one served before the reload: " + before);
            assertTrue(after > 1000, "cluster two served after it: " + after);
            assertEquals(0, counter(r, "h2relay.exchanges", "outcome", "local_response"), "no 5xx of our own");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void anUnchangedClusterKeepsItsPoolAndAChangedOneGetsANewPoolWhileTheOldCloses() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, config("one", 1));
        MeterRegistry r = proxy.metrics().registry();
        try {
            assertEquals("1", gen(proxy));
            assertEquals(1, counter(r, "h2relay.upstream.connections.opened", "cluster", "one"));

            proxy.reload(ProxyFixture.config(config("one", 3)));
            assertEquals("3", gen(proxy), "a new response header edit");
            assertEquals(1, counter(r, "h2relay.upstream.connections.opened", "cluster", "one"),
                    "cluster one did not change: its pool and connection carry on");

            // Cluster one now points at the other origin: a changed cluster, a new pool.
            proxy.reload(ProxyFixture.config("""
                    clusters.one.endpoints = ["h2c://127.0.0.1:%d"]
                    routes.default { cluster = one, response-headers.set { x-gen = "4" } }
                    """.formatted(two.address().getPort())));
            assertEquals("4", gen(proxy));
            assertEquals(2, counter(r, "h2relay.upstream.connections.opened", "cluster", "one"));
            await(1, () -> gauge(r, "h2relay.upstream.connections.open", "cluster", "one"),
                    "the retired pool closed its idle connection");
            assertEquals(1, proxy.config().clusters().size(), "cluster two is gone from the configuration");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aConfigurationTheProxyCannotServeIsRefusedAndTheOldOneStays() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, config("one", 1));
        try {
            // A CA bundle that exists but holds no certificate: the cluster's TLS cannot be built.
            java.nio.file.Path notACaBundle = java.nio.file.Files.createTempFile("not-a-ca", ".pem");
            java.nio.file.Files.writeString(notACaBundle, "this is not a certificate\n");
            ProxyConfig unservable = ProxyFixture.config("""
                    clusters.tls.endpoints = ["h2://127.0.0.1:1"]
                    clusters.tls.tls.ca-file = "%s"
                    routes.default.cluster = tls
                    """.formatted(notACaBundle));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> proxy.reload(unservable));
            assertTrue(e.getMessage().contains("cluster tls"), e.getMessage());
            assertEquals("1", gen(proxy), "the old routes still serve");
            assertEquals(2, proxy.config().clusters().size());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void settingsFixedAtStartAreNamedInTheNotes() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, config("one", 1));
        try {
            List<String> notes = proxy.reload(ProxyFixture.config(config("one", 1) + "timeouts.idle = 1m\n"));
            assertEquals(List.of("h2relay.timeouts changed: it takes effect at the next start, not on reload"), notes);
            assertEquals(ProxyFixture.config(config("one", 1)).timeouts(), proxy.config().timeouts(),
                    "the running timeouts stay");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }
}
