package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2relay.config.AuthorityPattern;
import io.h2relay.config.ClusterConfig;
import io.h2relay.config.HeaderEdits;
import io.h2relay.config.RouteConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The compiled router (hash probes during one pass over the path) against the matching rules written out the slow
 * way, over random route sets and requests. Fixed seeds: a failure reproduces.
 */
class RouterEquivalenceTest {

    private static final String[] SEGMENTS = {"a", "b", "ab", "%2F", "A", "a.b"};
    private static final String[] PATTERNS = {"*", "*:8080", "x.test", "x.test:8080", "*.test", "*.y.test",
        "[::1]", "*.test:8080"};
    private static final String[] AUTHORITIES = {"x.test", "X.TEST:8080", "z.y.test", "y.test:8080", "w.x.test",
        "other", "[::1]", "[::1]:8080", "test", "x.test.", null};

    @Test
    void compiledRouterAgreesWithTheRulesSpelledOut() {
        Map<String, ClusterConfig> clusters = Map.of("c", RouterTest.cluster("c"));
        for (int seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            List<RouteConfig> routes = randomRoutes(random);
            Router router = Router.of(routes, clusters);
            for (int i = 0; i < 60; i++) {
                String authority = AUTHORITIES[random.nextInt(AUTHORITIES.length)];
                String path = randomPath(random);
                String expected = slowMatch(routes, authority, path);
                String actual = router.route(authority, path).map(m -> m.route().name()).orElse(null);
                assertEquals(expected, actual, "seed " + seed + ": " + authority + " " + path + " over "
                        + routes.stream().map(r -> r.name() + "=" + r.authorities() + r.pathPrefix()).toList());
            }
        }
    }

    private static List<RouteConfig> randomRoutes(Random random) {
        List<RouteConfig> routes = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        int n = 1 + random.nextInt(20);
        for (int i = 0; i < n; i++) {
            AuthorityPattern p = AuthorityPattern.parse(PATTERNS[random.nextInt(PATTERNS.length)]);
            StringBuilder prefix = new StringBuilder();
            int segments = random.nextInt(4);
            for (int s = 0; s < segments; s++) {
                prefix.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
            }
            if (prefix.length() == 0 || random.nextInt(4) == 0) {
                prefix.append('/');
            }
            String key = p + " " + prefix.toString().replaceAll("/+$", "");
            if (taken.add(key)) {
                routes.add(new RouteConfig("r" + i, List.of(p), prefix.toString(), Optional.empty(), HeaderEdits.NONE,
                        HeaderEdits.NONE, "c", Optional.empty()));
            }
        }
        return routes;
    }

    private static String randomPath(Random random) {
        StringBuilder path = new StringBuilder();
        int segments = random.nextInt(5);
        for (int s = 0; s < segments; s++) {
            path.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
        }
        if (path.length() == 0 || random.nextInt(3) == 0) {
            path.append('/');
        }
        if (random.nextInt(3) == 0) {
            path.append("?q=/a/b");
        }
        return path.toString();
    }

    /** The rules in Router's javadoc, with no cleverness. */
    private static String slowMatch(List<RouteConfig> routes, String authority, String path) {
        String host = "";
        int port = -1;
        if (authority != null) {
            String a = authority.toLowerCase();
            int colon = a.startsWith("[") ? a.indexOf(']') + 1 : a.lastIndexOf(':');
            if (colon > 0 && colon < a.length()) {
                host = a.substring(0, colon);
                port = Integer.parseInt(a.substring(colon + 1));
            } else {
                host = a;
            }
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
        }
        List<String> hosts = new ArrayList<>();
        if (!host.isEmpty()) {
            hosts.add(host);
        }
        for (int dot = host.indexOf('.'); dot > 0; dot = host.indexOf('.', dot + 1)) {
            hosts.add("*" + host.substring(dot));
        }
        hosts.add("*");
        for (String h : hosts) {
            for (int p : port >= 0 ? new int[] {port, -1} : new int[] {-1}) {
                AuthorityPattern pattern = new AuthorityPattern(h, p);
                RouteConfig best = null;
                for (RouteConfig r : routes) {
                    if (r.authorities().contains(pattern) && takes(r.matchPrefix(), path)
                            && (best == null || r.matchPrefix().length() > best.matchPrefix().length())) {
                        best = r;
                    }
                }
                if (best != null) {
                    return best.name();
                }
            }
        }
        return null;
    }

    private static boolean takes(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        return path.length() == prefix.length() || path.charAt(prefix.length()) == '/'
                || path.charAt(prefix.length()) == '?';
    }
}
