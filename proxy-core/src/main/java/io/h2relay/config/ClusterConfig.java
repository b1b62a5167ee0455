package io.h2relay.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A set of interchangeable backends ({@code h2relay.clusters.<name>}) and how the upstream pool treats them.
 *
 * @param maxConnectionsPerEndpoint connections the pool may open to one endpoint
 * @param maxConcurrentStreams streams per HTTP/2 upstream connection: the smaller of this and the backend's
 *     SETTINGS_MAX_CONCURRENT_STREAMS (HTTP/1.1 connections carry one request at a time)
 * @param maxPendingRequests requests queued while every connection is at its stream limit and no more may be opened;
 *     one more is answered 503. 0 queues nothing
 * @param connectTimeout TCP (and TLS) connect; past it the attempt fails over, then 502
 * @param idleTimeout an upstream connection with no stream for this long is closed; {@link Duration#ZERO} keeps it
 * @param requestTimeout from the end of the request to the response head; past it the client gets 504.
 *     {@link Duration#ZERO} waits forever. A route's {@code timeout} overrides it
 * @param tls how {@code h2://} and {@code https://} endpoints are verified and named
 */
public record ClusterConfig(
        String name,
        List<Endpoint> endpoints,
        LoadBalancing loadBalancing,
        int maxConnectionsPerEndpoint,
        int maxConcurrentStreams,
        int maxPendingRequests,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration requestTimeout,
        UpstreamTlsConfig tls) {

    /** How a request picks an endpoint. */
    public enum LoadBalancing {
        /** Each new request goes to the next endpoint in turn. */
        ROUND_ROBIN("round-robin");

        private final String configName;

        LoadBalancing(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /** A cluster with the default TLS settings. */
    public ClusterConfig(String name, List<Endpoint> endpoints, LoadBalancing loadBalancing,
            int maxConnectionsPerEndpoint, int maxConcurrentStreams, int maxPendingRequests, Duration connectTimeout,
            Duration idleTimeout, Duration requestTimeout) {
        this(name, endpoints, loadBalancing, maxConnectionsPerEndpoint, maxConcurrentStreams, maxPendingRequests,
                connectTimeout, idleTimeout, requestTimeout, UpstreamTlsConfig.DEFAULT);
    }

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(loadBalancing, "loadBalancing");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(tls, "tls");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("cluster " + name + " has no endpoints");
        }
        if (new HashSet<>(endpoints).size() != endpoints.size()) {
            throw new IllegalArgumentException("cluster " + name + " lists an endpoint twice");
        }
        if (maxConnectionsPerEndpoint < 1 || maxConcurrentStreams < 1 || maxPendingRequests < 0) {
            throw new IllegalArgumentException("cluster " + name + ": connection and stream limits must be positive");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || idleTimeout.isNegative()
                || requestTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "cluster " + name + ": timeouts must not be negative and connect-timeout must be positive");
        }
    }
}
