package io.h2relay.proxy;

import io.h2relay.config.AuthorityPattern;
import io.h2relay.config.ClusterConfig;
import io.h2relay.config.ProxyConfig;
import io.h2relay.config.RouteConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the route for a request from its authority and path; compiled once from the configuration, then read-only
 * and safe to share between actors.
 *
 * <p>Order, most exact first: the exact host, then {@code *.suffix} patterns from the longest suffix, then {@code *};
 * at each, a pattern naming the request's port before one without a port. Within a pattern the longest matching
 * path prefix wins (segment-wise: {@code /api} takes {@code /api/x}, never {@code /apix}). When none of a pattern's
 * prefixes takes the path, the next less exact pattern is tried (as Go's ServeMux and nghttpx do), so a catch-all
 * route still serves hosts that have routes of their own. No match at all: the proxy answers 404.
 *
 * <p>Cost per request: one hash probe per applicable pattern (two for a host with a port, one per label of the host
 * when wildcard patterns exist) and one pass over the path up to the longest prefix, probing at each '/'.
 */
public final class Router {

    /** The prefix tables of one host (or suffix, or "*"), for any port and per port. */
    private static final class HostRoutes {
        PrefixTable anyPort;
        int[] ports = new int[0];
        PrefixTable[] byPort = new PrefixTable[0];

        PrefixTable forPort(int port) {
            for (int i = 0; i < ports.length; i++) {
                if (ports[i] == port) {
                    return byPort[i];
                }
            }
            return null;
        }
    }

    private final List<Route> routes;
    private final Map<String, HostRoutes> exact = new HashMap<>();
    /** Keyed by the suffix with its leading dot: {@code *.example.com} is {@code .example.com}. */
    private final Map<String, HostRoutes> wildcard = new HashMap<>();
    private final HostRoutes any;

    private Router(List<Route> routes, Map<AuthorityPattern, Map<String, PrefixTable.Entry>> tables) {
        this.routes = List.copyOf(routes);
        HostRoutes anyRoutes = null;
        for (Map.Entry<AuthorityPattern, Map<String, PrefixTable.Entry>> e : tables.entrySet()) {
            AuthorityPattern p = e.getKey();
            HostRoutes h;
            if (p.isAny()) {
                h = anyRoutes == null ? anyRoutes = new HostRoutes() : anyRoutes;
            } else if (p.isWildcard()) {
                h = wildcard.computeIfAbsent(p.host().substring(1), k -> new HostRoutes());
            } else {
                h = exact.computeIfAbsent(p.host(), k -> new HostRoutes());
            }
            PrefixTable table = new PrefixTable(e.getValue());
            if (p.port() < 0) {
                h.anyPort = table;
            } else {
                int n = h.ports.length;
                h.ports = Arrays.copyOf(h.ports, n + 1);
                h.byPort = Arrays.copyOf(h.byPort, n + 1);
                h.ports[n] = p.port();
                h.byPort[n] = table;
            }
        }
        this.any = anyRoutes;
    }

    public static Router of(ProxyConfig config) {
        return of(config.routes(), config.clusters());
    }

    /**
     * @throws IllegalArgumentException when a route names a cluster not given, or two routes share an authority
     *     pattern and path prefix ({@link io.h2relay.config.ConfigLoader} reports both with their lines first)
     */
    public static Router of(List<RouteConfig> routeConfigs, Map<String, ClusterConfig> clusters) {
        List<Route> routes = new ArrayList<>();
        Map<AuthorityPattern, Map<String, PrefixTable.Entry>> tables = new LinkedHashMap<>();
        for (RouteConfig rc : routeConfigs) {
            ClusterConfig cluster = clusters.get(rc.cluster());
            if (cluster == null) {
                throw new IllegalArgumentException("route " + rc.name() + " names unknown cluster " + rc.cluster());
            }
            Route route = Route.of(rc, cluster);
            routes.add(route);
            String prefix = rc.matchPrefix();
            String rewrite = rc.rewritePrefix().map(Router::trimSlashes).orElse(null);
            for (AuthorityPattern p : rc.authorities()) {
                PrefixTable.Entry clash = tables.computeIfAbsent(p, k -> new HashMap<>())
                        .putIfAbsent(prefix, new PrefixTable.Entry(prefix, rewrite, route));
                if (clash != null) {
                    throw new IllegalArgumentException("routes " + clash.route().name() + " and " + rc.name()
                            + " both take authority " + p + " and path prefix " + rc.pathPrefix());
                }
            }
        }
        return new Router(routes, tables);
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * @param authority the request's {@code :authority}, or its {@code Host} for HTTP/1.1; null when it has none
     *     (then only {@code *} patterns apply)
     * @param path the request's {@code :path} as received, query included; compared byte for byte. A path that does
     *     not begin with '/' ({@code *}, or null for CONNECT) only matches a route with prefix "/", unrewritten
     * @return the route and the path to send upstream, or empty when no route takes the request (404)
     */
    public Optional<RouteMatch> route(String authority, String path) {
        String host = "";
        int port = -1;
        if (authority != null && !authority.isEmpty()) {
            String a = authority.toLowerCase(Locale.ROOT);
            int hostEnd = a.startsWith("[") ? a.indexOf(']') + 1 : a.lastIndexOf(':') < 0 ? a.length() : a.lastIndexOf(':');
            if (hostEnd <= 0) {
                hostEnd = a.length(); // '[' without ']': no pattern can match it, treat it all as the host
            }
            host = hostEnd == a.length() ? a : a.substring(0, hostEnd);
            port = hostEnd < a.length() && a.charAt(hostEnd) == ':' ? parsePort(a, hostEnd + 1) : -1;
            if (host.endsWith(".") && host.length() > 1) {
                host = host.substring(0, host.length() - 1); // the absolute form names the same host
            }
        }
        PrefixTable.Entry e = host.isEmpty() ? null : match(exact.get(host), port, path);
        if (e == null && !wildcard.isEmpty() && !host.startsWith("[")) {
            for (int dot = host.indexOf('.'); e == null && dot >= 0; dot = host.indexOf('.', dot + 1)) {
                if (dot > 0) { // "*.example.com" needs at least one character before ".example.com"
                    e = match(wildcard.get(host.substring(dot)), port, path);
                }
            }
        }
        if (e == null) {
            e = match(any, port, path);
        }
        return e == null ? Optional.empty() : Optional.of(new RouteMatch(e.route(), e.rewrite(path)));
    }

    private static PrefixTable.Entry match(HostRoutes h, int port, String path) {
        if (h == null) {
            return null;
        }
        PrefixTable.Entry e = null;
        if (port >= 0) {
            PrefixTable byPort = h.forPort(port);
            e = byPort == null ? null : byPort.match(path);
        }
        if (e == null && h.anyPort != null) {
            e = h.anyPort.match(path);
        }
        return e;
    }

    /** The decimal port from {@code start}, or -1 when it is empty, not a number or out of range. */
    private static int parsePort(String s, int start) {
        int n = s.length() - start;
        if (n < 1 || n > 5) {
            return -1;
        }
        int port = 0;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65535 ? port : -1;
    }

    private static String trimSlashes(String prefix) {
        int end = prefix.length();
        while (end > 0 && prefix.charAt(end - 1) == '/') {
            end--;
        }
        return prefix.substring(0, end);
    }
}
