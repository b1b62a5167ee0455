package io.h2relay.proxy;

import java.util.Objects;

/**
 * The route a request takes and the {@code :path} to send upstream: the request's own, or with the matched prefix
 * replaced when the route rewrites it. The path is null only for a request that had none (CONNECT).
 */
public record RouteMatch(Route route, String path) {

    public RouteMatch {
        Objects.requireNonNull(route, "route");
    }
}
