package io.h2relay.io;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * Implementation A: Pekko Streams {@code Tcp}. Each connection runs a small stream between the TCP stage and the
 * connection actor (see {@link StreamSocket}); the stage reads only on demand and coalesces writes itself
 * ({@code pekko.stream.materializer.io.tcp.coalesce-writes}, {@code write-buffer-size}).
 */
final class StreamsTransport implements Transport {

    private final ActorSystem<?> system;

    StreamsTransport(ActorSystem<?> system) {
        this.system = system;
    }

    @Override
    public Kind kind() {
        return Kind.STREAMS;
    }

    @Override
    public CompletionStage<Binding> bind(InetSocketAddress address, ActorRef<Accepted> acceptor) {
        // halfClose: a client's FIN must not cut off the answer still being written.
        return Tcp.get(system)
                .bind(address.getHostString(), address.getPort(), ClassicTransport.BACKLOG, ClassicTransport.OPTIONS,
                        true, Optional.empty())
                .to(Sink.foreach(connection -> acceptor.tell(new Incoming(connection))))
                .run(system)
                .thenApply(b -> new Binding(b.localAddress(), () -> b.unbind().thenApply(unit -> Done.getInstance())));
    }

    @Override
    public <T> Socket connect(ActorContext<T> ctx, InetSocketAddress remote, Duration timeout, Function<SocketEvent, T> wrap) {
        return StreamSocket.connect(ctx, remote, timeout, wrap);
    }

    record Incoming(Tcp.IncomingConnection connection) implements Accepted {

        @Override
        public InetSocketAddress remoteAddress() {
            return connection.remoteAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return connection.localAddress();
        }

        @Override
        public <T> Socket attach(ActorContext<T> ctx, Function<SocketEvent, T> wrap) {
            return StreamSocket.attach(ctx, connection, wrap);
        }
    }
}
