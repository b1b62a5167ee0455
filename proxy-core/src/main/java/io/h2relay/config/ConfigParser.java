package io.h2relay.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Reads a resolved {@code h2relay} object (defaults merged in) into a {@link ProxyConfig}; fails on the first problem. */
final class ConfigParser {

    private static final int MAX_INT = Integer.MAX_VALUE;

    private final Section root;

    ConfigParser(ConfigObject h2relay) {
        this.root = new Section(h2relay, h2relay.origin(), "h2relay");
    }

    ProxyConfig parse() {
        Section defaults = root.section("defaults");
        Map<String, ClusterConfig> clusters = clusters(defaults.section("cluster"));
        RecordConfig record = record();
        List<RouteConfig> routes = routes(defaults.section("route"), clusters, record);
        List<Bound> bound = new ArrayList<>();
        List<ListenerConfig> listeners = listeners(defaults.section("listener"), bound);
        OriginConfig origin = origin(bound);
        AdminConfig admin = admin(bound);
        checkDistinctAddresses(bound);
        return new ProxyConfig(listeners, routes, clusters, timeouts(), flowControl(), limits(), forwarding(), origin,
                admin, TlsSectionParser.stateDirectory(root, System.getenv()), accessLog(), record);
    }

    /** {@code h2relay.record}. */
    private RecordConfig record() {
        Section s = root.section("record");
        return new RecordConfig(s.string("file"), s.bool("all-routes"), s.bytesInt("max-body-size", 0, 64 << 20),
                s.bool("include-sensitive-headers"), s.integer("queue-size", 1, 10_000_000));
    }

    private AccessLogConfig accessLog() {
        Section s = root.section("access-log");
        Section.Item output = s.item("output");
        AccessLogConfig.Output o = AccessLogConfig.Output.byConfigName(Section.string(output));
        if (o == null) {
            throw Section.fail(output, "expected off, stdout or file, got '" + Section.string(output) + "'");
        }
        Section.Item format = s.item("format");
        AccessLogConfig.Format f = AccessLogConfig.Format.byConfigName(Section.string(format));
        if (f == null) {
            throw Section.fail(format, "expected json or pattern, got '" + Section.string(format) + "'");
        }
        Section.Item pattern = s.item("pattern");
        String unknown = AccessLogConfig.unknownVariable(Section.string(pattern));
        if (unknown != null) {
            throw Section.fail(pattern, "unknown variable $" + unknown + " (use $http_<field> or one of "
                    + new TreeMap<>(AccessLogConfig.VARIABLES.stream().collect(Collectors.toMap(v -> v, v -> v)))
                            .keySet() + ")");
        }
        Section.Item file = s.item("file");
        if (o == AccessLogConfig.Output.FILE && Section.string(file).isBlank()) {
            throw Section.fail(file, "output = file needs a file name");
        }
        return new AccessLogConfig(o, f, Section.string(pattern), Section.string(file),
                s.bytes("max-file-size", 1024, Long.MAX_VALUE), s.integer("max-files", 0, 1000),
                s.integer("queue-size", 1, 1 << 24));
    }

    // ---- listeners, the built-in origin, admin

    /** An address something will bind, kept to report a clash where it was written. */
    private record Bound(String owner, String host, int port, Section.Item item) {}

    private List<ListenerConfig> listeners(Section defaults, List<Bound> bound) {
        List<ListenerConfig> out = new ArrayList<>();
        for (Section.Member m : root.members("listeners")) {
            Section s = Section.of(m, defaults);
            Section.Item address = s.item("address");
            Addresses.HostPort hp = Section.convert(address, a -> Addresses.parse(a, true, 0));
            bound.add(new Bound(m.path(), hp.host(), hp.port(), address));
            out.add(new ListenerConfig(m.name(), hp.host(), hp.port(), protocols(s),
                    TlsSectionParser.parse(s.section("tls"))));
        }
        return out;
    }

    private static Set<ListenerConfig.Protocol> protocols(Section s) {
        List<Section.Item> items = s.items("protocols", true);
        if (items.isEmpty()) {
            throw Section.fail(s.item("protocols"), "a listener accepts at least one protocol");
        }
        Set<ListenerConfig.Protocol> protocols = new HashSet<>();
        for (Section.Item it : items) {
            ListenerConfig.Protocol p = ListenerConfig.Protocol.byConfigName(Section.string(it));
            if (p == null) {
                throw Section.fail(it, "unknown protocol '" + Section.string(it) + "' (use "
                        + Arrays.stream(ListenerConfig.Protocol.values()).map(ListenerConfig.Protocol::configName)
                                .collect(Collectors.joining(", ")) + ")");
            }
            protocols.add(p);
        }
        if (protocols.contains(ListenerConfig.Protocol.H2C_UPGRADE)
                && !protocols.contains(ListenerConfig.Protocol.HTTP_1_1)) {
            throw Section.fail(s.item("protocols"), "h2c-upgrade needs http/1.1: the upgrade is an HTTP/1.1 request");
        }
        return protocols;
    }

    private OriginConfig origin(List<Bound> bound) {
        Section s = root.section("origin");
        boolean enabled = s.bool("enabled");
        Section.Item address = s.item("address");
        Addresses.HostPort hp = Section.convert(address, a -> Addresses.parse(a, true, 0));
        if (enabled) {
            bound.add(new Bound(s.path(), hp.host(), hp.port(), address));
        }
        return new OriginConfig(enabled, hp.host(), hp.port());
    }

    private AdminConfig admin(List<Bound> bound) {
        Section s = root.section("admin");
        boolean enabled = s.bool("enabled");
        Section.Item address = s.item("address");
        Addresses.HostPort hp = Section.convert(address, a -> Addresses.parse(a, true, 0));
        if (enabled) {
            bound.add(new Bound(s.path(), hp.host(), hp.port(), address));
        }
        return new AdminConfig(enabled, hp.host(), hp.port());
    }

    /** Two sockets on one port clash when the hosts are equal or either is a wildcard address. Port 0 never clashes. */
    private static void checkDistinctAddresses(List<Bound> bound) {
        for (int i = 0; i < bound.size(); i++) {
            for (int j = 0; j < i; j++) {
                Bound a = bound.get(j);
                Bound b = bound.get(i);
                boolean clash = a.port() == b.port() && a.port() != 0 && (a.host().equalsIgnoreCase(b.host())
                        || isWildcard(a.host()) || isWildcard(b.host()));
                if (clash) {
                    throw Section.fail(b.item(), Addresses.format(b.host(), b.port()) + " is already used by "
                            + a.owner() + " (" + Section.problem(a.item().value().origin(), "", "").location() + ")");
                }
            }
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    // ---- clusters and routes

    private Map<String, ClusterConfig> clusters(Section defaults) {
        Map<String, ClusterConfig> out = new TreeMap<>();
        for (Section.Member m : root.members("clusters")) {
            Section s = Section.of(m, defaults);
            out.put(m.name(), new ClusterConfig(m.name(), endpoints(s), loadBalancing(s),
                    s.integer("max-connections-per-endpoint", 1, MAX_INT),
                    s.integer("max-concurrent-streams", 1, MAX_INT),
                    s.integer("max-pending-requests", 0, MAX_INT),
                    s.duration("connect-timeout", false),
                    s.duration("idle-timeout", true),
                    s.duration("request-timeout", true),
                    upstreamTls(s.section("tls"))));
        }
        return out;
    }

    private static UpstreamTlsConfig upstreamTls(Section s) {
        Optional<Section.Item> ca = s.optionalItem("ca-file");
        Optional<Section.Item> certificate = s.optionalItem("certificate-file");
        Optional<Section.Item> key = s.optionalItem("key-file");
        Optional<String> serverName = s.optionalString("server-name");
        boolean insecure = s.bool("insecure");
        if (insecure && ca.isPresent()) {
            throw Section.fail(s.item("insecure"), "insecure trusts every certificate: remove ca-file or insecure");
        }
        if (certificate.isPresent() != key.isPresent()) {
            throw Section.fail(certificate.orElseGet(() -> key.get()),
                    "a client certificate needs both certificate-file and key-file");
        }
        if (serverName.isPresent() && (serverName.get().isBlank() || serverName.get().contains(":"))) {
            throw Section.fail(s.item("server-name"), "expected a host name, got '" + serverName.get() + "'");
        }
        return new UpstreamTlsConfig(ca.map(ConfigParser::readablePath).orElse(null), serverName.orElse(null),
                insecure, certificate.map(ConfigParser::readablePath).orElse(null),
                key.map(ConfigParser::readablePath).orElse(null));
    }

    private static java.nio.file.Path readablePath(Section.Item it) {
        java.nio.file.Path p = Section.convert(it, java.nio.file.Path::of);
        if (!java.nio.file.Files.isReadable(p)) {
            throw Section.fail(it, "cannot read " + p.toAbsolutePath());
        }
        return p;
    }

    private static List<Endpoint> endpoints(Section s) {
        List<Section.Item> items = s.items("endpoints", true);
        if (items.isEmpty()) {
            throw Section.fail(s.item("endpoints"), "a cluster needs at least one endpoint, such as \"h2c://127.0.0.1:9000\"");
        }
        List<Endpoint> out = new ArrayList<>();
        for (Section.Item it : items) {
            Endpoint e = Section.convert(it, Endpoint::parse);
            if (out.contains(e)) {
                throw Section.fail(it, e.url() + " is listed twice");
            }
            out.add(e);
        }
        return out;
    }

    private static ClusterConfig.LoadBalancing loadBalancing(Section s) {
        Section.Item it = s.item("load-balancing");
        String name = Section.string(it);
        return Arrays.stream(ClusterConfig.LoadBalancing.values()).filter(lb -> lb.configName().equals(name))
                .findFirst().orElseThrow(() -> Section.fail(it, "unknown policy '" + name + "' (use "
                        + Arrays.stream(ClusterConfig.LoadBalancing.values())
                                .map(ClusterConfig.LoadBalancing::configName).collect(Collectors.joining(", ")) + ")"));
    }

    private List<RouteConfig> routes(Section defaults, Map<String, ClusterConfig> clusters, RecordConfig record) {
        List<RouteConfig> out = new ArrayList<>();
        Map<String, String> taken = new HashMap<>(); // "authority prefix" -> route name
        for (Section.Member m : root.members("routes")) {
            Section s = Section.of(m, defaults);
            List<AuthorityPattern> authorities = new ArrayList<>();
            for (Section.Item it : s.items("authority", true)) {
                AuthorityPattern p = Section.convert(it, AuthorityPattern::parse);
                if (!authorities.contains(p)) {
                    authorities.add(p);
                }
            }
            if (authorities.isEmpty()) {
                throw Section.fail(s.item("authority"), "a route matches at least one authority (\"*\" for any)");
            }
            Section.Item prefixItem = s.item("path-prefix");
            String prefix = Section.convert(prefixItem, p -> {
                RouteConfig.checkPrefix(p);
                return p;
            });
            Optional<String> rewrite = s.optionalItem("rewrite-prefix").map(it -> Section.convert(it, p -> {
                RouteConfig.checkPrefix(p);
                return p;
            }));
            Section.Item clusterItem = s.item("cluster");
            String cluster = Section.string(clusterItem);
            if (!clusters.containsKey(cluster)) {
                throw Section.fail(clusterItem, "unknown cluster '" + cluster + "' ("
                        + (clusters.isEmpty() ? "no clusters are defined" : "defined: " + String.join(", ", clusters.keySet()))
                        + ")");
            }
            for (AuthorityPattern a : authorities) {
                String key = a + " " + RouteConfig.trimSlashes(prefix);
                String other = taken.putIfAbsent(key, m.name());
                if (other != null) {
                    throw Section.fail(prefixItem, "route '" + m.name() + "' takes the same authority '" + a
                            + "' and path prefix as route '" + other + "'");
                }
            }
            boolean recorded = s.bool("record");
            if (recorded && !record.enabled()) {
                // A route asking to be recorded needs a file to record to.
                throw Section.fail(s.item("record"), "route '" + m.name() + "' is recorded but h2relay.record.file"
                        + " is empty");
            }
            out.add(new RouteConfig(m.name(), authorities, prefix, rewrite, headerEdits(s.section("request-headers")),
                    headerEdits(s.section("response-headers")), cluster, s.optionalDuration("timeout", true),
                    recorded));
        }
        return out;
    }

    private static HeaderEdits headerEdits(Section s) {
        List<String> remove = new ArrayList<>();
        for (Section.Item it : s.items("remove", true)) {
            remove.add(Section.convert(it, n -> {
                String name = n.toLowerCase(Locale.ROOT);
                HeaderEdits.checkName(name);
                return name;
            }));
        }
        return new HeaderEdits(remove, fields(s.section("set")), fields(s.section("add")));
    }

    /** {@code name = value} or {@code name = [value, ...]}; names are lowercased (RFC 9110 §5.1). */
    private static List<Header> fields(Section s) {
        List<Header> out = new ArrayList<>();
        Map<String, ConfigValue> sorted = new TreeMap<>(s.object());
        for (String key : sorted.keySet()) {
            String name = key.toLowerCase(Locale.ROOT);
            for (Section.Item it : s.items(key, true)) {
                if (it.value().valueType() != ConfigValueType.STRING) {
                    throw Section.fail(it, "expected a field value string, got " + Section.describe(it.value()));
                }
                out.add(Section.convert(it, v -> {
                    Header h = Header.of(name, v);
                    HeaderEdits.checkWritable(h);
                    return h;
                }));
            }
        }
        return out;
    }

    // ---- connection-wide settings

    private TimeoutsConfig timeouts() {
        Section s = root.section("timeouts");
        return new TimeoutsConfig(s.duration("idle", true), s.duration("abort", false), s.duration("drain", true));
    }

    private FlowControlConfig flowControl() {
        Section s = root.section("flow-control");
        int stream = s.bytesInt("stream-window", 1, FlowControlConfig.MAX_WINDOW);
        int connection = s.bytesInt("connection-window", FlowControlConfig.INITIAL_CONNECTION_WINDOW,
                FlowControlConfig.MAX_WINDOW);
        long streamBuffer = s.bytes("max-stream-buffer", 1, Long.MAX_VALUE);
        long connectionBuffer = s.bytes("max-connection-buffer", 1, Long.MAX_VALUE);
        // The proxy grants credit only for bytes it can hold: a peer may always send a full window.
        if (streamBuffer < stream) {
            throw Section.fail(s.item("max-stream-buffer"), streamBuffer + " bytes cannot hold stream-window ("
                    + stream + " bytes)");
        }
        if (connectionBuffer < Math.max(connection, streamBuffer)) {
            throw Section.fail(s.item("max-connection-buffer"), connectionBuffer + " bytes cannot hold "
                    + (connection >= streamBuffer ? "connection-window (" + connection : "max-stream-buffer ("
                    + streamBuffer) + " bytes)");
        }
        return new FlowControlConfig(stream, connection, streamBuffer, connectionBuffer);
    }

    private EngineLimits limits() {
        Section s = root.section("limits");
        return new EngineLimits(
                s.whole("max-concurrent-streams", 0, 0xffff_ffffL),
                s.bytesInt("max-header-list-size", 0, MAX_INT),
                s.bytesInt("header-table-size", 0, MAX_INT),
                s.bytesInt("max-frame-size", EngineLimits.MIN_FRAME_SIZE, EngineLimits.MAX_FRAME_SIZE),
                s.integer("max-header-count", 1, MAX_INT),
                s.bytesInt("max-header-block-bytes", 1, MAX_INT),
                s.integer("max-continuation-frames", 0, MAX_INT),
                rate(s.section("peer-resets")),
                rate(s.section("local-resets")),
                rate(s.section("pings")),
                rate(s.section("settings-frames")),
                s.integer("max-settings-per-frame", 1, MAX_INT),
                s.integer("max-consecutive-empty-frames", 0, MAX_INT),
                s.integer("window-updates-per-data-frame", 1, MAX_INT),
                s.integer("priority-frames-per-stream", 1, MAX_INT),
                s.integer("max-queued-control-frames", 1, MAX_INT),
                s.bytesInt("max-outbound-buffer-bytes", 1, MAX_INT),
                s.integer("max-closed-streams", 1, MAX_INT),
                s.integer("max-tracked-priorities", 1, MAX_INT));
    }

    private static EngineLimits.Rate rate(Section s) {
        return new EngineLimits.Rate(s.integer("burst", 1, MAX_INT), s.integer("per-second", 0, MAX_INT));
    }

    private ForwardingConfig forwarding() {
        Section s = root.section("forwarding");
        return new ForwardingConfig(
                s.bool("trust-incoming"),
                s.bool("x-forwarded-for"),
                s.bool("x-forwarded-proto"),
                s.bool("forwarded"),
                Section.convert(s.item("forwarded-for"), ForwardingConfig.Node::parse),
                Section.convert(s.item("forwarded-by"), ForwardingConfig.Node::parse),
                s.bool("via"),
                Section.convert(s.item("via-pseudonym"), p -> {
                    if (p.isEmpty() || !p.chars().allMatch(c -> HeaderEdits.isTokenChar((char) c))) {
                        throw new IllegalArgumentException("'" + p + "' is not a token (RFC 9110 §7.6.3 pseudonym)");
                    }
                    return p;
                }),
                s.bool("relay-proxy-authorization"));
    }
}
