package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.AuthorityPattern;
import io.h2relay.config.ClusterConfig;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.Endpoint;
import io.h2relay.config.HeaderEdits;
import io.h2relay.config.ProxyConfig;
import io.h2relay.config.RouteConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

    private static final Router ROUTER = Router.of(ConfigLoader.parse("""
            h2relay {
              clusters {
                main.endpoints = ["h2c://10.0.0.1:1"]
                other.endpoints = ["h2c://10.0.0.2:1"]
              }
              routes {
                root      { cluster = main }
                api       { path-prefix = /api, rewrite-prefix = /v2, cluster = main }
                api-v1    { path-prefix = /api/v1/, cluster = main }
                www       { authority = www.example.com, cluster = other }
                www-tls   { authority = "www.example.com:8443", cluster = other }
                static    { authority = "*.example.com", path-prefix = /static, rewrite-prefix = /, cluster = other }
                eu        { authority = "*.eu.example.com", cluster = other }
                internal  { authority = "*:9080", cluster = other }
                loopback6 { authority = "[::1]:8080", cluster = other }
                only-x    { authority = only.example.net, path-prefix = /x, cluster = other }
              }
            }
            """, "router-test.conf"));

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(nullValues = "NULL", value = {
        // any authority: longest segment-wise prefix
        "anything,             /,                    root,      /",
        "NULL,                 /x,                   root,      /x",
        "a,                    /api,                 api,       /v2",
        "a,                    /api/,                api,       /v2/",
        "a,                    /api/users?id=1,      api,       /v2/users?id=1",
        "a,                    /api?x=1,             api,       /v2?x=1",
        "a,                    /apix,                root,      /apix",
        "a,                    /api/v1,              api-v1,    /api/v1",
        "a,                    /api/v1/x?y=/z,       api-v1,    /api/v1/x?y=/z",
        "a,                    /api/v10,             api,       /v2/v10",
        "a,                    /api?q=/api/v1/,      api,       /v2?q=/api/v1/",
        // percent-encoding and odd paths are compared and forwarded byte for byte
        "a,                    /api%2Fv1/x,          root,      /api%2Fv1/x",
        "a,                    /api/%2e%2e/admin,    api,       /v2/%2e%2e/admin",
        "a,                    /%61pi/x,             root,      /%61pi/x",
        "a,                    //api,                root,      //api",
        "a,                    /API,                 root,      /API",
        "a,                    *,                    root,      *",
        "a,                    NULL,                 root,      NULL",
        // exact host, case-insensitive, absolute form, with and without port
        "www.example.com,      /api,                 www,       /api",
        "WWW.Example.COM,      /,                    www,       /",
        "www.example.com.,     /,                    www,       /",
        "www.example.com:8443, /,                    www-tls,   /",
        "www.example.com:80,   /,                    www,       /",
        "www.example.com:,     /,                    www,       /",
        // wildcard suffixes: at least one label, longest suffix first
        "img.example.com,      /static/a.png,        static,    /a.png",
        "img.example.com,      /static,              static,    /",
        "img.example.com:443,  /static/a,            static,    /a",
        "a.b.example.com,      /static/x,            static,    /x",
        "example.com,          /static/x,            root,      /static/x",
        "x.eu.example.com,     /static/x,            eu,        /static/x",
        "badexample.com,       /static/x,            root,      /static/x",
        // a pattern's prefixes that do not take the path fall through to less exact patterns
        "img.example.com,      /other,               root,      /other",
        "only.example.net,     /x/y,                 only-x,    /x/y",
        "only.example.net,     /y,                   root,      /y",
        // "*:port" before "*"
        "host:9080,            /api,                 internal,  /api",
        "host:9081,            /api,                 api,       /v2",
        // IPv6 literal authorities keep their brackets
        "[::1]:8080,           /,                    loopback6, /",
        "[::1]:9090,           /api,                 api,       /v2",
        "[::1,                 /,                    root,      /",
    })
    void picksTheMostExactAuthorityThenTheLongestPrefix(String authority, String path, String route, String upstreamPath) {
        RouteMatch m = ROUTER.route(authority, path).orElseThrow();
        assertEquals(route, m.route().name());
        assertEquals(upstreamPath, m.path());
    }

    @ParameterizedTest(name = "{0} -> {1}: {2} becomes {3}")
    @CsvSource({
        "/api,   /,     /api/x,       /x",
        "/api,   /,     /api,         /",
        "/api,   /,     /api?q=1,     /?q=1",
        "/api,   /,     /api/,        /",
        "/api/,  /v2/,  /api/x,       /v2/x",
        "/api/,  /v2/,  /api/,        /v2/",
        "/api/,  /v2/,  /api,         /v2",
        "/api,   /v2,   /api/,        /v2/",
        "/,      /base, /x,           /base/x",
        "/,      /base, /,            /base/",
        "/,      /,     /x/y,         /x/y",
        "/a/b,   /c,    /a/b/d%20e,   /c/d%20e",
        "/a//,   /c,    /a/x,         /c/x",
    })
    void rewriteReplacesTheMatchedSegmentsOnly(String prefix, String rewrite, String path, String expected) {
        Router r = Router.of(List.of(new RouteConfig("r", List.of(AuthorityPattern.ANY), prefix, Optional.of(rewrite),
                HeaderEdits.NONE, HeaderEdits.NONE, "c", Optional.empty())), Map.of("c", cluster("c")));
        assertEquals(expected, r.route("h", path).orElseThrow().path());
    }

    @Test
    void withoutACatchAllAnUnmatchedRequestHasNoRoute() {
        Router r = Router.of(List.of(route("api", "api.example.com", "/api")), Map.of("c", cluster("c")));
        assertTrue(r.route("api.example.com", "/api/x").isPresent());
        assertEquals(Optional.empty(), r.route("api.example.com", "/other"));
        assertEquals(Optional.empty(), r.route("www.example.com", "/api"));
        assertEquals(Optional.empty(), r.route(null, "/api"));
        assertEquals(Optional.empty(), r.route("api.example.com", "*"));
    }

    @Test
    void theRouteTimeoutOverridesTheClusterRequestTimeout() {
        RouteConfig own = new RouteConfig("own", List.of(AuthorityPattern.ANY), "/a", Optional.empty(),
                HeaderEdits.NONE, HeaderEdits.NONE, "c", Optional.of(Duration.ofSeconds(3)));
        RouteConfig inherited = route("inherited", "*", "/b");
        Router r = Router.of(List.of(own, inherited), Map.of("c", cluster("c")));
        assertEquals(Duration.ofSeconds(3), r.route("h", "/a").orElseThrow().route().timeout());
        assertEquals(Duration.ofSeconds(30), r.route("h", "/b").orElseThrow().route().timeout());
        assertEquals("c", r.route("h", "/b").orElseThrow().route().cluster().name());
    }

    @Test
    void routesThatClashOrNameAMissingClusterAreRefused() {
        Map<String, ClusterConfig> clusters = Map.of("c", cluster("c"));
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class, () -> Router.of(
                List.of(route("a", "x.example", "/api"), route("b", "x.example", "/api/")), clusters));
        assertEquals("routes a and b both take authority x.example and path prefix /api/", clash.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Router.of(List.of(route("a", "*", "/")), Map.of()));
    }

    @Test
    void theDefaultConfigurationRoutesEverythingToTheBuiltInOrigin() {
        ProxyConfig c = ConfigLoader.load(Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent()
                .resolve("conf/h2relay.conf"));
        RouteMatch m = Router.of(c).route("127.0.0.1:8080", "/bytes/1024").orElseThrow();
        assertEquals("origin", m.route().cluster().name());
        assertEquals("/bytes/1024", m.path());
    }

    static ClusterConfig cluster(String name) {
        return new ClusterConfig(name, List.of(new Endpoint(Endpoint.Scheme.H2C, "127.0.0.1", 9000)),
                ClusterConfig.LoadBalancing.ROUND_ROBIN, 1, 1, 0, Duration.ofSeconds(1), Duration.ZERO,
                Duration.ofSeconds(30));
    }

    static RouteConfig route(String name, String authority, String prefix) {
        return new RouteConfig(name, List.of(AuthorityPattern.parse(authority)), prefix, Optional.empty(),
                HeaderEdits.NONE, HeaderEdits.NONE, "c", Optional.empty());
    }
}
