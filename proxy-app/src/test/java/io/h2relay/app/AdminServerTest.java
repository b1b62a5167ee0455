package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.origin.OriginServer;
import io.h2relay.proxy.ProxyMetrics;
import io.h2relay.proxy.ProxyServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin listener in front of a real proxy, origin and Prometheus registry: what an operator's Prometheus and
 * kubelet see after real traffic.
 */
class AdminServerTest {

    private static ActorSystem<Void> system;
    private static OriginServer origin;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "admin-test");
        ProxyConfig defaults = ConfigLoader.defaults();
        origin = OriginServer.start(system, new java.net.InetSocketAddress("127.0.0.1", 0), defaults.flowControl(),
                defaults.limits()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    /** A proxy on a fresh registry with its admin listener; {@code extra} inside {@code h2relay { }}. */
    private record Rig(ProxyServer proxy, AdminServer admin, PrometheusMeterRegistry registry) implements
            AutoCloseable {

        static Rig start(String extra) throws Exception {
            ProxyConfig config = ConfigLoader.parse("""
                    h2relay {
                      listeners.main.address = "127.0.0.1:0"
                      admin { enabled = true, address = "127.0.0.1:0" }
                      clusters.origin.endpoints = ["h2c://127.0.0.1:%d"]
                      routes.bytes { path-prefix = "/bytes", cluster = origin }
                    %s
                    }
                    """.formatted(origin.address().getPort(), extra), "admin-test.conf");
            PrometheusMeterRegistry registry = Metrics.registry();
            ProxyServer proxy = ProxyServer.start(system, config, List.of(), new ProxyMetrics(registry))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            AdminServer admin = AdminServer.start(config.admin(), new AdminServer.Sources(registry, proxy::unready,
                    () -> EffectiveConfig.masked(proxy.config())));
            return new Rig(proxy, admin, registry);
        }

        String proxyUrl(String path) {
            return "http://127.0.0.1:" + proxy.address("main").getPort() + path;
        }

        HttpResponse<String> admin(String method, String path) throws Exception {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build();
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws Exception {
            admin.stop();
            proxy.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            registry.close();
        }
    }

    static String curlStatus(String url) throws Exception {
        return Proc.run(Path.of("."), Proc.program("curl", "curl"), "--http2-prior-knowledge", "-sS", "-o",
                "/dev/null", "-w", "%{http_code}", "--max-time", "30", url).strip();
    }

    /** The value of the one sample line starting with {@code series} (name and labels as Prometheus prints them). */
    static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), "no sample " + series + " in\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    /** Metrics move when the exchange's actor stops, a moment after curl saw the answer. */
    static String scrapeUntil(Rig rig, String series, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String scrape = rig.admin("GET", "/metrics").body();
            boolean there = Pattern.compile("(?m)^" + Pattern.quote(series) + " ").matcher(scrape).find();
            if (there && sample(scrape, series) == expected || System.nanoTime() > deadline) {
                assertEquals(expected, sample(scrape, series), series);
                return scrape;
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void metricsAfterRealTrafficPassPromtool() throws Exception {
        try (Rig rig = Rig.start("")) {
            for (int i = 0; i < 5; i++) {
                assertEquals("200", curlStatus(rig.proxyUrl("/bytes/1000")));
            }
            assertEquals("404", curlStatus(rig.proxyUrl("/nowhere")));
            String scrape = scrapeUntil(rig, "h2relay_requests_seconds_count{cluster=\"origin\",route=\"bytes\","
                    + "status=\"2xx\"}", 5);
            assertEquals(5, sample(scrape, "h2relay_requests_seconds_bucket{cluster=\"origin\",route=\"bytes\","
                    + "status=\"2xx\",le=\"+Inf\"}"));
            assertEquals(1, sample(scrape, "h2relay_requests_seconds_count{cluster=\"none\",route=\"none\","
                    + "status=\"4xx\"}"));
            assertEquals(5000, sample(scrape, "h2relay_response_body_bytes_total") - 26 /* the 404's text */);
            assertEquals(6, sample(scrape, "h2relay_downstream_connections_accepted_total{alpn=\"none\","
                    + "protocol=\"h2c\",tls=\"none\"}"));
            assertEquals(1, sample(scrape, "h2relay_cluster_endpoints_healthy{cluster=\"origin\"}"));
            assertTrue(scrape.contains("jvm_memory_used_bytes"), "JVM meters too");

            HttpResponse<String> metrics = rig.admin("GET", "/metrics");
            assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
            Proc promtool = Proc.start(Path.of("."), List.of(Proc.program("promtool", "prometheus"), "check",
                    "metrics"));
            try (var in = promtool.stdin()) {
                in.write(metrics.body().getBytes(StandardCharsets.UTF_8));
            }
            int status = promtool.await();
            assertEquals(0, status, "promtool check metrics:\n" + promtool.out() + promtool.err());
        }
    }

    @Test
    void healthzAnswersWhileReadyzFollowsClustersAndDraining() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort(); // closed again: connections are refused
        }
        try (Rig rig = Rig.start("""
                  clusters.dead.endpoints = ["h2c://127.0.0.1:%d"]
                  routes.dead { path-prefix = "/dead", cluster = dead }
                """.formatted(dead))) {
            assertEquals("ok\n", rig.admin("GET", "/healthz").body());
            HttpResponse<String> ready = rig.admin("GET", "/readyz");
            assertEquals(200, ready.statusCode(), ready.body());

            assertEquals("502", curlStatus(rig.proxyUrl("/dead/x")));
            HttpResponse<String> unready = rig.admin("GET", "/readyz");
            assertEquals(503, unready.statusCode());
            assertEquals("cluster dead has no healthy endpoint\n", unready.body());
            assertEquals(200, rig.admin("GET", "/healthz").statusCode(), "alive all the same");

            rig.proxy().drain(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpResponse<String> draining = rig.admin("GET", "/readyz");
            assertEquals(503, draining.statusCode());
            assertTrue(draining.body().startsWith("draining\n"), draining.body());
        }
    }

    @Test
    void configShowsTheEffectiveConfigurationWithSecretsMasked() throws Exception {
        try (Rig rig = Rig.start("""
                  routes.bytes.request-headers.set { authorization = "Bearer s3cr3t", x-env = prod }
                """)) {
            HttpResponse<String> config = rig.admin("GET", "/config");
            assertEquals(200, config.statusCode());
            assertTrue(config.body().startsWith("h2relay {\n"), config.body());
            assertTrue(config.body().contains("path-prefix = \"/bytes\""), config.body());
            assertTrue(config.body().contains("x-env = [\"prod\"]"), config.body());
            assertTrue(config.body().contains("authorization = \"" + EffectiveConfig.MASK + "\""), config.body());
            assertFalse(config.body().contains("s3cr3t"), "the secret must not be shown");
        }
    }

    @Test
    void onlyGetAndHeadOnKnownPaths() throws Exception {
        try (Rig rig = Rig.start("")) {
            HttpResponse<String> post = rig.admin("POST", "/metrics");
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("allow").orElse(""));
            assertEquals(404, rig.admin("GET", "/stats").statusCode());
            HttpResponse<String> head = rig.admin("HEAD", "/healthz");
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }
}
