package io.h2relay.proxy;

import io.h2relay.proxy.Exchange.ForStream;
import io.h2relay.proxy.Exchange.ToDownstream;
import io.h2relay.proxy.Exchange.ToStream;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * How the pool and the upstream connections reach a {@link Stream}, which is not an actor: messages go to the client
 * connection actor that hosts it, as {@link ForStream}, and that actor hands them to the Stream on its own thread.
 * Compared by identity: one per Stream.
 */
final class StreamRef {

    private final ActorRef<ToDownstream> host;
    /** Touched only on the host's thread (the host delivers {@link ForStream} to it); others only carry the ref. */
    final Stream stream;
    /**
     * Set once the exchange is over: an upstream connection skips a queued request whose Stream is gone, so a client
     * that left before the backend connection came up costs the backend nothing. Read from other actors, hence
     * volatile; a stale read costs at most a request that is then cancelled.
     */
    private volatile boolean gone;

    StreamRef(ActorRef<ToDownstream> host, Stream stream) {
        this.host = host;
        this.stream = stream;
    }

    ActorRef<ToDownstream> host() {
        return host;
    }

    void tell(ToStream message) {
        host.tell(new ForStream(this, message));
    }

    boolean gone() {
        return gone;
    }

    void markGone() {
        gone = true;
    }

    @Override
    public String toString() {
        return "StreamRef(" + host.path() + ")";
    }
}
