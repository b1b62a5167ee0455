package io.h2relay.proxy;

import io.h2relay.config.ClusterConfig;
import io.h2relay.config.RouteConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * A route ready for requests: its configuration, the cluster it sends to, the timeout in force and its compiled
 * header edits.
 *
 * <p>A request crosses in this order: {@link ForwardingHeaders#request} (connection-specific fields out, forwarding
 * fields in), then {@link #requestHeaders()}, with {@link RouteMatch#path()} as the upstream {@code :path}. A
 * response: {@link ForwardingHeaders#response}, then {@link #responseHeaders()}; trailers both ways:
 * {@link ForwardingHeaders#withoutConnectionSpecific}.
 *
 * @param timeout the route's own timeout, else the cluster's request-timeout; {@link Duration#ZERO} waits forever
 */
public record Route(
        RouteConfig config,
        ClusterConfig cluster,
        Duration timeout,
        HeaderRewriter requestHeaders,
        HeaderRewriter responseHeaders) {

    public Route {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
    }

    static Route of(RouteConfig config, ClusterConfig cluster) {
        if (!config.cluster().equals(cluster.name())) {
            throw new IllegalArgumentException("route " + config.name() + " sends to " + config.cluster()
                    + ", not " + cluster.name());
        }
        return new Route(config, cluster, config.timeout().orElse(cluster.requestTimeout()),
                HeaderRewriter.of(config.requestHeaders()), HeaderRewriter.of(config.responseHeaders()));
    }

    public String name() {
        return config.name();
    }
}
