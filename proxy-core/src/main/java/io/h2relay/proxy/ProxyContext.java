package io.h2relay.proxy;

import io.h2relay.config.FlowControlConfig;
import io.h2relay.config.ProxyConfig;
import io.h2relay.config.TimeoutsConfig;
import io.h2relay.engine.H2Configuration;
import io.h2relay.io.Transport;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every actor of one proxy shares: immutable settings, the router, the pools by cluster name, the metrics and
 * the socket layer.
 *
 * @param retainLimit request body bytes a Stream keeps (and does not credit the client for) until the response
 *     head, so that a request the backend refuses unprocessed can be sent again (RFC 9113 §8.7). Bounded so that
 *     every stream's retained bytes together take at most half the connection window and half a stream window:
 *     the rest of the window always flows, so retention can never deadlock an upload.
 */
record ProxyContext(
        Router router,
        Map<String, ActorRef<Exchange.ToPool>> pools,
        ForwardingHeaders forwarding,
        FlowControlConfig flow,
        TimeoutsConfig timeouts,
        H2Configuration serverEngine,
        H2Configuration clientEngine,
        int retainLimit,
        ProxyMetrics metrics,
        Transport transport) {

    static final int MAX_RETAIN = 64 * 1024;

    static int retainLimit(ProxyConfig config) {
        long streams = Math.max(1, config.limits().maxConcurrentStreams());
        long perStream = config.flowControl().connectionWindow() / (2 * streams);
        return (int) Math.min(MAX_RETAIN, Math.min(perStream, config.flowControl().streamWindow() / 2));
    }
}
