package io.h2relay.io;

import java.net.InetSocketAddress;
import java.util.function.Function;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A connection a listener accepted, waiting for its connection actor. Pass it to the actor, which calls
 * {@link #attach} once, in its own setup; the transport gives up on a connection nobody attaches within Pekko's
 * {@code pekko.io.tcp.register-timeout}.
 */
public sealed interface Accepted permits ClassicTransport.Incoming, StreamsTransport.Incoming {

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /**
     * Makes the actor owning {@code ctx} the owner of this connection: from now on it receives the connection's
     * {@link SocketEvent}s wrapped by {@code wrap}, and reading starts.
     */
    <T> Socket attach(ActorContext<T> ctx, Function<SocketEvent, T> wrap);
}
