package io.h2relay.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@code h2relay.*} says, parsed once at start-up ({@link ConfigLoader}) and immutable after. A parsed
 * configuration has been checked as a whole: routes name existing clusters, no route repeats another's authority
 * and prefix, no two enabled listeners share an address.
 *
 * @param listeners sorted by name; may be empty (an origin-only or admin-only process)
 * @param routes sorted by name; requests no route takes are answered 404
 * @param clusters by name
 * @param stateDirectory where h2relay keeps what it makes itself (the self-signed certificate)
 * @param accessLog where and how a line per exchange is written
 */
public record ProxyConfig(
        List<ListenerConfig> listeners,
        List<RouteConfig> routes,
        Map<String, ClusterConfig> clusters,
        TimeoutsConfig timeouts,
        FlowControlConfig flowControl,
        EngineLimits limits,
        ForwardingConfig forwarding,
        OriginConfig origin,
        AdminConfig admin,
        Path stateDirectory,
        AccessLogConfig accessLog,
        RecordConfig record) {

    public ProxyConfig {
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
        clusters = Map.copyOf(clusters);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(record, "record");
        unique("listener", listeners.stream().map(ListenerConfig::name).toList());
        unique("route", routes.stream().map(RouteConfig::name).toList());
        for (Map.Entry<String, ClusterConfig> e : clusters.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException("cluster " + e.getValue().name() + " filed under " + e.getKey());
            }
        }
        for (RouteConfig r : routes) {
            if (!clusters.containsKey(r.cluster())) {
                throw new IllegalArgumentException("route " + r.name() + " names unknown cluster " + r.cluster());
            }
        }
    }

    /** Without recording ({@link RecordConfig#OFF}). */
    public ProxyConfig(List<ListenerConfig> listeners, List<RouteConfig> routes, Map<String, ClusterConfig> clusters,
            TimeoutsConfig timeouts, FlowControlConfig flowControl, EngineLimits limits, ForwardingConfig forwarding,
            OriginConfig origin, AdminConfig admin, Path stateDirectory, AccessLogConfig accessLog) {
        this(listeners, routes, clusters, timeouts, flowControl, limits, forwarding, origin, admin, stateDirectory,
                accessLog, RecordConfig.OFF);
    }

    /** The same configuration with other recording settings ({@code serve --record}). */
    public ProxyConfig withRecord(RecordConfig newRecord) {
        return new ProxyConfig(listeners, routes, clusters, timeouts, flowControl, limits, forwarding, origin, admin,
                stateDirectory, accessLog, newRecord);
    }

    public Optional<ClusterConfig> cluster(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    public Optional<ListenerConfig> listener(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    private static void unique(String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("two " + what + "s named " + n);
            }
        }
    }
}
