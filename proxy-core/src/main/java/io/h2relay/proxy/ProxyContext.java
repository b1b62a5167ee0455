package io.h2relay.proxy;

import io.h2relay.config.FlowControlConfig;
import io.h2relay.config.ProxyConfig;
import io.h2relay.config.TimeoutsConfig;
import io.h2relay.engine.H2Configuration;
import io.h2relay.io.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every actor of one proxy shares: settings, the routing (router and pools, replaced whole by a reload), the
 * metrics, the exchange observers and the socket layer.
 *
 * @param routing read once per request ({@link #routingNow()}), so a request sees one router and the pools of that
 *     same configuration even while a reload swaps them
 * @param retainLimit request body bytes a Stream keeps (and does not credit the client for) until the response
 *     head, so that a request the backend refuses unprocessed can be sent again (RFC 9113 §8.7). Bounded so that
 *     every stream's retained bytes together take at most half the connection window and half a stream window:
 *     the rest of the window always flows, so retention can never deadlock an upload.
 */
record ProxyContext(
        AtomicReference<Routing> routing,
        ForwardingHeaders forwarding,
        FlowControlConfig flow,
        TimeoutsConfig timeouts,
        H2Configuration serverEngine,
        H2Configuration clientEngine,
        int retainLimit,
        ProxyMetrics metrics,
        Transport transport,
        List<ExchangeObserver> observers) {

    static final int MAX_RETAIN = 64 * 1024;

    /** The routes and the pool of each cluster they name, from one configuration. */
    record Routing(Router router, Map<String, ActorRef<Exchange.ToPool>> pools) {}

    /** A context with fixed routing and no observers. */
    ProxyContext(Router router, Map<String, ActorRef<Exchange.ToPool>> pools, ForwardingHeaders forwarding,
            FlowControlConfig flow, TimeoutsConfig timeouts, H2Configuration serverEngine,
            H2Configuration clientEngine, int retainLimit, ProxyMetrics metrics, Transport transport) {
        this(new AtomicReference<>(new Routing(router, Map.copyOf(pools))), forwarding, flow, timeouts, serverEngine,
                clientEngine, retainLimit, metrics, transport, List.of());
    }

    ProxyContext {
        observers = List.copyOf(observers);
    }

    Routing routingNow() {
        return routing.get();
    }

    static int retainLimit(ProxyConfig config) {
        long streams = Math.max(1, config.limits().maxConcurrentStreams());
        long perStream = config.flowControl().connectionWindow() / (2 * streams);
        return (int) Math.min(MAX_RETAIN, Math.min(perStream, config.flowControl().streamWindow() / 2));
    }
}
