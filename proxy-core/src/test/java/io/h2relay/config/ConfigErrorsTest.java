package io.h2relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of mistake names the source, the line and the full key, and says what is wrong. */
class ConfigErrorsTest {

    /** A valid cluster and route to build on. */
    private static final String BASE = """
            h2relay.clusters.api.endpoints = ["h2c://127.0.0.1:9000"]
            h2relay.routes.api.cluster = api
            """;

    private static List<InvalidConfigException.Problem> problems(String hocon) {
        return assertThrows(InvalidConfigException.class, () -> ConfigLoader.parse(hocon, "test.conf")).problems();
    }

    private static String problem(String hocon) {
        List<InvalidConfigException.Problem> p = problems(hocon);
        assertEquals(1, p.size(), "one problem expected: " + p);
        return p.get(0).toString();
    }

    @Test
    void unknownKeyIsAnErrorWithASuggestion() {
        assertEquals("test.conf:3: h2relay.clusters.api.max-conections-per-endpoint: unknown key "
                + "'max-conections-per-endpoint' (did you mean 'max-connections-per-endpoint'?)",
                problem(BASE + "h2relay.clusters.api.max-conections-per-endpoint = 4\n"));
    }

    @Test
    void unknownKeyFarFromAnyListsTheKnownOnes() {
        assertEquals("test.conf:1: h2relay.listeners.main.tls: unknown key 'tls' (known here: address, protocols)",
                problem("h2relay.listeners.main { address = \"127.0.0.1:1\", tls { cert = x } }"));
    }

    @Test
    void everyUnknownKeyIsReportedAtOnceInLineOrder() {
        List<InvalidConfigException.Problem> p = problems("""
                h2relay {
                  limits.max-frame-sise = 1
                  timeouts { idel = 1s }
                  routez {}
                }
                """);
        assertEquals(List.of("h2relay.limits.max-frame-sise", "h2relay.timeouts.idel", "h2relay.routez"),
                p.stream().map(InvalidConfigException.Problem::path).toList());
        assertEquals(List.of(2, 3, 4), p.stream().map(InvalidConfigException.Problem::line).toList());
    }

    @Test
    void unknownKeysInsideHeaderEditsAndRatesAreCaught() {
        assertEquals("test.conf:3: h2relay.routes.api.request-headers.append: unknown key 'append' "
                + "(known here: add, remove, set)",
                problem(BASE + "h2relay.routes.api.request-headers.append { x = y }\n"));
        assertEquals("test.conf:1: h2relay.limits.pings.rate: unknown key 'rate' (known here: burst, per-second)",
                problem("h2relay.limits.pings.rate = 5"));
        assertEquals("test.conf:1: h2relay.defaults.cluster.retries: unknown key 'retries' (known here: "
                + "connect-timeout, endpoints, idle-timeout, load-balancing, max-concurrent-streams, "
                + "max-connections-per-endpoint, max-pending-requests, request-timeout, tls)",
                problem("h2relay.defaults.cluster.retries = 5"));
    }

    @Test
    void wrongTypeNamesWhatWasExpectedAndWhatCame() {
        assertEquals("test.conf:3: h2relay.clusters.api.max-concurrent-streams: expected a whole number, got string 'many'",
                problem(BASE + "h2relay.clusters.api.max-concurrent-streams = many\n"));
        assertEquals("test.conf:1: h2relay.limits.max-header-count: expected a whole number, got number 1.5",
                problem("h2relay.limits.max-header-count = 1.5"));
        assertEquals("test.conf:1: h2relay.forwarding.via: expected true or false, got string 'sometimes'",
                problem("h2relay.forwarding.via = sometimes"));
        assertEquals("test.conf:1: h2relay.timeouts.idle: expected a duration such as 30s or 500ms, got string 'soon'",
                problem("h2relay.timeouts.idle = soon"));
        assertEquals("test.conf:1: h2relay.flow-control.stream-window: expected a size such as 65536 or 64 KiB, "
                + "got string 'big'", problem("h2relay.flow-control.stream-window = big"));
        assertEquals("test.conf:1: h2relay.clusters: expected an object { ... }, got a list",
                problem("h2relay.clusters = [a, b]"));
        assertEquals("test.conf:2: h2relay.routes.api.cluster: expected a string, got a list",
                problem("h2relay.clusters.api.endpoints = [\"h2c://a:1\"]\nh2relay.routes.api.cluster = [api]"));
        assertEquals("test.conf:1: h2relay: expected an object { ... }, got number 5", problem("h2relay = 5"));
    }

    @Test
    void unsupportedUpstreamSchemeListsTheSupportedOnes() {
        assertEquals("test.conf:2: h2relay.clusters.api.endpoints[1]: unsupported scheme 'ftp' "
                + "(use h2c://, http://, h2:// or https://)", problem("""
                h2relay.clusters.api.endpoints = [
                  "h2c://127.0.0.1:9000", "ftp://files.example.com"
                ]
                """));
    }

    @Test
    void endpointsAreBareOriginsWithoutPathsOrDuplicates() {
        assertEquals("test.conf:1: h2relay.clusters.a.endpoints[0]: 'h2c://b:1/api': an endpoint is "
                + "scheme://host:port only, without a path or query (rewrite paths with a route's rewrite-prefix)",
                problem("h2relay.clusters.a.endpoints = [\"h2c://b:1/api\"]"));
        assertEquals("test.conf:1: h2relay.clusters.a.endpoints[1]: h2c://b:80 is listed twice",
                problem("h2relay.clusters.a.endpoints = [\"h2c://b:80\", \"h2c://b\"]"));
        assertEquals("test.conf:1: h2relay.clusters.a.endpoints: a cluster needs at least one endpoint, such as "
                + "\"h2c://127.0.0.1:9000\"", problem("h2relay.clusters.a.endpoints = []"));
        assertEquals("test.conf:1: h2relay.clusters.a.endpoints[0]: '127.0.0.1:9000' is not a URL (use h2c://, "
                + "http://, h2:// or https://)", problem("h2relay.clusters.a.endpoints = [\"127.0.0.1:9000\"]"));
        assertEquals("test.conf:1: h2relay.clusters.a.endpoints[0]: 'b:0': port 0 out of range 1..65535",
                problem("h2relay.clusters.a.endpoints = [\"h2c://b:0\"]"));
    }

    @Test
    void portOutOfRange() {
        assertEquals("test.conf:1: h2relay.listeners.main.address: '127.0.0.1:65536': port 65536 out of range 0..65535",
                problem("h2relay.listeners.main.address = \"127.0.0.1:65536\""));
        assertEquals("test.conf:1: h2relay.admin.address: '127.0.0.1:http': port 'http' is not a number",
                problem("h2relay.admin.address = \"127.0.0.1:http\""));
        assertEquals("test.conf:1: h2relay.listeners.main.address: '::1:8080': write an IPv6 address in brackets, "
                + "as [::1]:8080", problem("h2relay.listeners.main.address = \"::1:8080\""));
        assertEquals("test.conf:1: h2relay.listeners.main.address: '127.0.0.1': missing ':port'",
                problem("h2relay.listeners.main.address = \"127.0.0.1\""));
    }

    @Test
    void routeToAnUnknownClusterListsTheDefinedOnes() {
        assertEquals("test.conf:3: h2relay.routes.web.cluster: unknown cluster 'apii' (defined: api)",
                problem(BASE + "h2relay.routes.web { path-prefix = /web, cluster = apii }\n"));
    }

    @Test
    void duplicateListenerAddressNamesBothPlaces() {
        assertEquals("test.conf:2: h2relay.listeners.b.address: 127.0.0.1:8080 is already used by "
                + "h2relay.listeners.a (test.conf:1)", problem("""
                h2relay.listeners.a.address = "127.0.0.1:8080"
                h2relay.listeners.b.address = "127.0.0.1:8080"
                """));
        assertEquals("test.conf:2: h2relay.listeners.b.address: [::]:8080 is already used by h2relay.listeners.a "
                + "(test.conf:1)", problem("""
                h2relay.listeners.a.address = "127.0.0.1:8080"
                h2relay.listeners.b.address = "[::]:8080"
                """));
        assertEquals("test.conf:2: h2relay.origin.address: 127.0.0.1:8080 is already used by h2relay.listeners.a "
                + "(test.conf:1)", problem("""
                h2relay.listeners.a.address = "127.0.0.1:8080"
                h2relay.origin { enabled = true, address = "127.0.0.1:8080" }
                """));
    }

    @Test
    void sameAddressIsFineWhenTheOtherUserIsDisabledOrThePortIsEphemeral() {
        ConfigLoader.parse("""
                h2relay.listeners.a.address = "127.0.0.1:9901"
                h2relay.listeners.b.address = "127.0.0.1:0"
                h2relay.listeners.c.address = "127.0.0.1:0"
                h2relay.listeners.d.address = "127.0.0.2:9901"
                h2relay.admin { enabled = false, address = "127.0.0.1:9901" }
                """, "test.conf");
    }

    @Test
    void twoRoutesWithTheSameAuthorityAndPrefixClash() {
        assertEquals("test.conf:3: h2relay.routes.b.path-prefix: route 'b' takes the same authority 'x.example' and "
                + "path prefix as route 'a'", problem("""
                h2relay.clusters.c.endpoints = ["h2c://b:1"]
                h2relay.routes.a { authority = "X.example", path-prefix = "/api", cluster = c }
                h2relay.routes.b { authority = ["y.example", "x.example"], path-prefix = "/api/", cluster = c }
                """));
    }

    @Test
    void missingRequiredKeysBlameTheObjectThatLacksThem() {
        assertEquals("test.conf:2: h2relay.routes.r.cluster: missing; this setting has no default",
                problem("h2relay.clusters.api.endpoints = [\"h2c://a:1\"]\nh2relay.routes.r { path-prefix = /x }"));
        assertEquals("test.conf:1: h2relay.listeners.main.address: missing; this setting has no default",
                problem("h2relay.listeners.main { protocols = [h2c] }"));
    }

    @Test
    void listenerProtocolsAreCheckedAsASet() {
        assertEquals("test.conf:1: h2relay.listeners.m.protocols: h2c-upgrade needs http/1.1: the upgrade is an "
                + "HTTP/1.1 request", problem("h2relay.listeners.m { address = \"127.0.0.1:1\", protocols = [h2c, h2c-upgrade] }"));
        assertEquals("test.conf:1: h2relay.listeners.m.protocols[1]: unknown protocol 'h3' (use h2c, http/1.1, "
                + "h2c-upgrade)", problem("h2relay.listeners.m { address = \"127.0.0.1:1\", protocols = [h2c, h3] }"));
        assertEquals("test.conf:1: h2relay.listeners.m.protocols: a listener accepts at least one protocol",
                problem("h2relay.listeners.m { address = \"127.0.0.1:1\", protocols = [] }"));
    }

    @Test
    void badNamesPrefixesAndAuthoritiesAreRefused() {
        assertEquals("test.conf:1: h2relay.clusters.\"a b\": names are letters, digits, '-' and '_'",
                problem("h2relay.clusters.\"a b\".endpoints = [\"h2c://a:1\"]"));
        assertEquals("test.conf:3: h2relay.routes.api.path-prefix: 'api' must begin with '/'",
                problem(BASE + "h2relay.routes.api.path-prefix = api\n"));
        assertEquals("test.conf:3: h2relay.routes.api.rewrite-prefix: '/v2?x': a prefix is a path, without '?'",
                problem(BASE + "h2relay.routes.api.rewrite-prefix = \"/v2?x\"\n"));
        assertEquals("test.conf:3: h2relay.routes.api.authority[0]: 'api.*.com': a wildcard is only allowed as the "
                + "whole first label, as in *.example.com", problem(BASE + "h2relay.routes.api.authority = [\"api.*.com\"]\n"));
        assertEquals("test.conf:3: h2relay.routes.api.timeout: must be 0 (off) or positive, got -1s",
                problem(BASE + "h2relay.routes.api.timeout = -1s\n"));
    }

    @Test
    void headerEditsCannotTouchPseudoOrConnectionFields() {
        assertEquals("test.conf:3: h2relay.routes.api.request-headers.set.connection: 'connection' is "
                + "connection-specific or framing: the proxy sets it",
                problem(BASE + "h2relay.routes.api.request-headers.set { connection = close }\n"));
        assertEquals("test.conf:3: h2relay.routes.api.response-headers.remove[0]: ':status': pseudo-header fields "
                + "cannot be edited", problem(BASE + "h2relay.routes.api.response-headers.remove = [\":status\"]\n"));
        assertEquals("test.conf:3: h2relay.routes.api.request-headers.add.x-a: 'x-a': value starts or ends with "
                + "whitespace", problem(BASE + "h2relay.routes.api.request-headers.add { x-a = \" v\" }\n"));
        assertEquals("test.conf:3: h2relay.routes.api.request-headers.add.x-a: expected a field value string, got "
                + "number 5", problem(BASE + "h2relay.routes.api.request-headers.add { x-a = 5 }\n"));
    }

    @Test
    void boundsThatDependOnEachOtherAreChecked() {
        assertEquals("test.conf:1: h2relay.flow-control.max-stream-buffer: 65536 bytes cannot hold stream-window "
                + "(1048576 bytes)", problem("h2relay.flow-control.max-stream-buffer = 64 KiB"));
        assertEquals("test.conf:1: h2relay.flow-control.max-connection-buffer: 2097152 bytes cannot hold "
                + "connection-window (4194304 bytes)", problem("h2relay.flow-control.max-connection-buffer = 2 MiB"));
        assertEquals("test.conf:2: h2relay.flow-control.max-connection-buffer: 5242880 bytes cannot hold "
                + "max-stream-buffer (8388608 bytes)", problem("""
                h2relay.flow-control { stream-window = 8 MiB, max-stream-buffer = 8 MiB
                  max-connection-buffer = 5 MiB }
                """));
        assertEquals("test.conf:1: h2relay.limits.max-frame-size: 1024 bytes out of range 16384..16777215",
                problem("h2relay.limits.max-frame-size = 1 KiB"));
        assertEquals("test.conf:1: h2relay.flow-control.connection-window: 1000 bytes out of range 65535..2147483647",
                problem("h2relay.flow-control.connection-window = 1000"));
    }

    @Test
    void forwardingNodesAndPseudonymAreValidated() {
        assertEquals("test.conf:1: h2relay.forwarding.forwarded-by: 'proxy1': use none, ip, ip-and-port, unknown or "
                + "an obfuscated identifier starting with '_' (RFC 7239 §6.3)",
                problem("h2relay.forwarding.forwarded-by = proxy1"));
        assertEquals("test.conf:1: h2relay.forwarding.forwarded-for: '_a b': an obfuscated identifier is '_' followed "
                + "by letters, digits, '.', '_' or '-' (RFC 7239 §6.3)",
                problem("h2relay.forwarding.forwarded-for = \"_a b\""));
        assertEquals("test.conf:1: h2relay.forwarding.via-pseudonym: 'my proxy' is not a token (RFC 9110 §7.6.3 "
                + "pseudonym)", problem("h2relay.forwarding.via-pseudonym = \"my proxy\""));
    }

    @Test
    void syntaxErrorsAndUnresolvedSubstitutionsAreLocated() {
        InvalidConfigException.Problem p = problems("h2relay {\n  a = ]\n}\n").get(0);
        assertEquals("test.conf", p.source());
        assertEquals(2, p.line());
        InvalidConfigException.Problem s = problems("h2relay.timeouts.idle = ${nowhere}").get(0);
        assertEquals(1, s.line());
        assertEquals(true, s.message().contains("nowhere"), s.message());
    }

    @Test
    void aMissingFileIsReportedByItsPath() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ConfigLoader.load(Path.of("target/no-such-dir/h2relay.conf")));
        assertEquals("target/no-such-dir/h2relay.conf: no such file, or it cannot be read", e.getMessage());
    }
}
