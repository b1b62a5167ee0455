package io.h2relay.io;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Opens TCP sockets for connection actors. Two implementations sit behind this contract and were measured against
 * each other ({@code proxy-bench/scripts/io-transport-bench.sh}); {@link Kind#DEFAULT} is the cheaper one. Both read
 * in pull mode (one read per acknowledgement), coalesce writes, and turn Nagle off.
 */
public sealed interface Transport permits ClassicTransport, StreamsTransport {

    /** Configuration key choosing the implementation: {@code classic} or {@code streams}. */
    String CONFIG_KEY = "h2relay.io.transport";

    enum Kind {
        /** Classic {@code org.apache.pekko.io.Tcp}: the connection actor talks to Pekko's TCP connection actor. */
        CLASSIC,
        /** Pekko Streams {@code Tcp} with {@code ActorSink}/{@code ActorSource}: one stream per connection. */
        STREAMS;

        /**
         * Classic: an HTTP/1.1 keep-alive responder under h2load (100 connections x 10 pipelined, 1 KiB answers,
         * 2 cores) cost 10-30% less server CPU per request than on streams in every dispatcher setting tried, since
         * a read or a write crosses one actor fewer and no stream is materialised per connection.
         */
        public static final Kind DEFAULT = CLASSIC;

        public static Kind parse(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    static Transport create(ActorSystem<?> system, Kind kind) {
        return kind == Kind.CLASSIC ? new ClassicTransport(system) : new StreamsTransport(system);
    }

    /** The implementation named by {@value #CONFIG_KEY} in the system's configuration, else {@link Kind#DEFAULT}. */
    static Transport fromConfig(ActorSystem<?> system) {
        var config = system.settings().config();
        Kind kind = config.hasPath(CONFIG_KEY) ? Kind.parse(config.getString(CONFIG_KEY)) : Kind.DEFAULT;
        return create(system, kind);
    }

    Kind kind();

    /**
     * Listens on {@code address} (port 0 picks a free port; see {@link Binding#localAddress()}). Every accepted
     * connection is sent to {@code acceptor}, which hands it to a new connection actor that calls
     * {@link Accepted#attach}. The binding lives until {@link Binding#unbind()}.
     */
    CompletionStage<Binding> bind(InetSocketAddress address, ActorRef<Accepted> acceptor);

    /**
     * Connects to {@code remote} on behalf of the actor owning {@code ctx}; call it on that actor's thread. The actor
     * then receives {@link SocketEvent.Connected} or {@link SocketEvent.ConnectFailed} (with {@code timedOut} when
     * {@code timeout} expired), wrapped by {@code wrap}. Bytes written before the connection is up are held.
     */
    <T> Socket connect(ActorContext<T> ctx, InetSocketAddress remote, Duration timeout, Function<SocketEvent, T> wrap);
}
