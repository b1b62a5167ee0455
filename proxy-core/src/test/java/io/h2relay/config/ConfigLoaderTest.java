package io.h2relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.ClusterConfig.LoadBalancing;
import io.h2relay.config.Endpoint.Scheme;
import io.h2relay.config.ForwardingConfig.Node;
import io.h2relay.config.ListenerConfig.Protocol;
import io.h2relay.hpack.Header;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    /** The repository root: the module's parent. */
    static Path repo() {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
        assertTrue(Files.isDirectory(root.resolve("conf")), "repository root with conf/ not found at " + root);
        return root;
    }

    static Path resource(String name) {
        try {
            return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test resource /config/" + name + " missing", e);
        }
    }

    @Test
    void everyKeyOfAFullFileParsesIntoTheExpectedRecords() {
        ProxyConfig c = ConfigLoader.load(resource("full.conf"));

        assertEquals(List.of(
                new ListenerConfig("local", "::1", 0, Set.of(Protocol.H2C)),
                new ListenerConfig("public", "0.0.0.0", 8080, Set.of(Protocol.H2C, Protocol.HTTP_1_1))),
                c.listeners());

        assertEquals(List.of(
                new RouteConfig("api",
                        List.of(new AuthorityPattern("api.example.com", 8443), new AuthorityPattern("*.example.org", -1)),
                        "/api/", Optional.of("/v2"),
                        new HeaderEdits(List.of("cookie", "x-debug"), List.of(Header.of("x-env", "prod")),
                                List.of(Header.of("x-tag", "a"), Header.of("x-tag", "b"))),
                        new HeaderEdits(List.of("server"), List.of(Header.of("cache-control", "no-store")),
                                List.of(Header.of("x-served-by", "h2relay"))),
                        "api", Optional.of(Duration.ofMillis(2500))),
                new RouteConfig("fallback", List.of(AuthorityPattern.ANY), "/", Optional.empty(), HeaderEdits.NONE,
                        HeaderEdits.NONE, "legacy", Optional.of(Duration.ofSeconds(7)))),
                c.routes());

        assertEquals(Map.of(
                "api", new ClusterConfig("api", List.of(
                        new Endpoint(Scheme.H2C, "10.0.0.1", 9000),
                        new Endpoint(Scheme.H2, "api.internal", 443),
                        new Endpoint(Scheme.HTTPS, "2001:db8::7", 8443)),
                        LoadBalancing.ROUND_ROBIN, 2, 50, 0, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO),
                "legacy", new ClusterConfig("legacy", List.of(new Endpoint(Scheme.HTTP, "legacy.internal", 8000)),
                        LoadBalancing.ROUND_ROBIN, 3, 10, 5, Duration.ofSeconds(4), Duration.ofSeconds(40),
                        Duration.ofSeconds(20))),
                c.clusters());

        assertEquals(new TimeoutsConfig(Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ZERO), c.timeouts());
        assertEquals(new FlowControlConfig(65536, 65535, 131072, 524288), c.flowControl());
        assertEquals(new EngineLimits(4294967295L, 16384, 0, 16777215, 50, 32768, 0,
                new EngineLimits.Rate(10, 1), new EngineLimits.Rate(20, 2), new EngineLimits.Rate(30, 3),
                new EngineLimits.Rate(40, 0), 8, 0, 3, 4, 500, 262144, 1000, 16), c.limits());
        assertEquals(new ForwardingConfig(true, false, false, false, new Node.Ip(true), new Node.Obfuscated("_edge-1"),
                false, "edge.example", true), c.forwarding());
        assertEquals(new OriginConfig(true, "127.0.0.1", 18081), c.origin());
        assertEquals(new AdminConfig(true, "::1", 19901), c.admin());
    }

    @Test
    void referenceConfAloneParsesToTheDocumentedDefaults() {
        ProxyConfig c = ConfigLoader.defaults();
        assertEquals(List.of(), c.listeners());
        assertEquals(List.of(), c.routes());
        assertEquals(Map.of(), c.clusters());
        assertEquals(new TimeoutsConfig(Duration.ofMinutes(3), Duration.ofSeconds(15), Duration.ofSeconds(30)),
                c.timeouts());
        assertEquals(new FlowControlConfig(1 << 20, 4 << 20, 1 << 20, 4 << 20), c.flowControl());
        // The engine's own defaults (nghttp2 and Envoy figures), so the engine behaves the same configured or not.
        assertEquals(new EngineLimits(100, 65536, 4096, 16384, 100, 131072, 8,
                new EngineLimits.Rate(1000, 33), new EngineLimits.Rate(1000, 33), new EngineLimits.Rate(1000, 100),
                new EngineLimits.Rate(1000, 100), 32, 1, 10, 100, 1000, 1 << 20, 65536, 256), c.limits());
        assertEquals(new ForwardingConfig(false, true, true, true, new Node.Ip(false), new Node.Omitted(), true,
                "h2relay", false), c.forwarding());
        assertEquals(new OriginConfig(false, "127.0.0.1", 8081), c.origin());
        assertEquals(new AdminConfig(false, "127.0.0.1", 9901), c.admin());
    }

    @Test
    void theDefaultConfFileListensOn8080And8443WithTlsAndRoutesEverythingToTheBuiltInOrigin() {
        ProxyConfig c = ConfigLoader.load(repo().resolve("conf/h2relay.conf"));
        TlsListenerConfig selfSigned = new TlsListenerConfig(List.of(), true, TlsListenerConfig.OFF.protocols(),
                TlsListenerConfig.OFF.alpn(), List.of(), TlsListenerConfig.ClientAuth.NONE, null,
                TlsListenerConfig.OFF.reloadInterval());
        assertEquals(List.of(new ListenerConfig("main", "127.0.0.1", 8080, ListenerConfig.allProtocols()),
                new ListenerConfig("secure", "127.0.0.1", 8443, ListenerConfig.allProtocols(), selfSigned)),
                c.listeners());
        assertEquals(new OriginConfig(true, "127.0.0.1", 8081), c.origin());
        assertEquals(new AdminConfig(true, "127.0.0.1", 9901), c.admin());
        assertEquals(List.of(RouteConfig.catchAll("default", "origin")), c.routes());
        assertEquals(List.of(new Endpoint(Scheme.H2C, "127.0.0.1", 8081)), c.clusters().get("origin").endpoints());
    }

    @Test
    void everyExampleConfigurationParses() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(repo().resolve("conf/examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertFalse(examples.isEmpty(), "no examples in conf/examples");
        for (Path example : examples) {
            ProxyConfig c = ConfigLoader.load(example);
            assertTrue(c.listeners().size() >= 2 && c.routes().size() >= 2 && c.clusters().size() >= 2,
                    example + " should show several listeners, routes and clusters");
        }
    }

    @Test
    void multiSiteExampleOverridesClusterDefaultsForEveryCluster() {
        ProxyConfig c = ConfigLoader.load(repo().resolve("conf/examples/multi-site.conf"));
        for (ClusterConfig cluster : c.clusters().values()) {
            assertEquals(256, cluster.maxPendingRequests(), cluster.name());
        }
        assertEquals(Duration.ofSeconds(5), c.clusters().get("partner").connectTimeout());
        assertEquals(Duration.ofSeconds(2), c.clusters().get("api").connectTimeout());
    }

    @Test
    void substitutionsAndEnvironmentFallbacksResolve() {
        ProxyConfig c = ConfigLoader.parse("""
                port = 9100
                h2relay.listeners.a.address = "127.0.0.1:"${port}
                h2relay.origin.address = ${?H2RELAY_TEST_SURELY_UNSET}"127.0.0.1:9200"
                """, "test.conf");
        assertEquals(9100, c.listeners().get(0).port());
        assertEquals(9200, c.origin().port());
    }

    @Test
    void keysOutsideH2relayAreLeftAlone() {
        ProxyConfig c = ConfigLoader.parse("pekko.loglevel = DEBUG\nsomething-else { x = 1 }", "test.conf");
        assertEquals(List.of(), c.listeners());
    }

    @Test
    void headerNamesInEditsAreLowercasedAndAListSetsSeveralValues() {
        ProxyConfig c = ConfigLoader.parse("""
                h2relay.clusters.c.endpoints = ["h2c://b:1"]
                h2relay.routes.r {
                  cluster = c
                  request-headers.set { X-Env = ["a", "b"] }
                  request-headers.remove = X-Debug
                }
                """, "test.conf");
        HeaderEdits e = c.routes().get(0).requestHeaders();
        assertEquals(List.of(Header.of("x-env", "a"), Header.of("x-env", "b")), e.set());
        assertEquals(List.of("x-debug"), e.remove());
    }

    @Test
    void recordingIsOffByDefaultAndARouteCanAskForIt() {
        assertEquals(RecordConfig.OFF, ConfigLoader.parse("", "test.conf").record());
        ProxyConfig c = ConfigLoader.parse("""
                h2relay.clusters.c.endpoints = ["h2c://b:1"]
                h2relay.routes.api { cluster = c, path-prefix = "/api", record = true }
                h2relay.routes.rest.cluster = c
                h2relay.record { file = "t.har", max-body-size = 1KiB, queue-size = 5 }
                """, "test.conf");
        assertEquals(new RecordConfig("t.har", false, 1024, false, 5), c.record());
        assertEquals(List.of(true, false), c.routes().stream().map(RouteConfig::record).toList());
    }

    @Test
    void recordedRouteWithoutAFileIsAnErrorAtTheRoutesKey() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.parse("""
                h2relay.clusters.c.endpoints = ["h2c://b:1"]
                h2relay.routes.api {
                  cluster = c
                  record = true
                }
                """, "test.conf"));
        assertEquals("test.conf:4: h2relay.routes.api.record: route 'api' is recorded but h2relay.record.file is "
                + "empty", e.getMessage());
    }

    @Test
    void errorsInAFileNameThatFileAndTheLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "h2relay {\n  listeners.main.address = \"127.0.0.1:99999\"\n}\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ConfigLoader.load(file));
        assertEquals(file.toString() + ":2: h2relay.listeners.main.address: '127.0.0.1:99999': port 99999 out of "
                + "range 0..65535", e.getMessage());
    }
}
