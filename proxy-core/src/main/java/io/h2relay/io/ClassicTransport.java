package io.h2relay.io;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.Tcp;
import org.apache.pekko.io.TcpMessage;
import org.apache.pekko.io.TcpSO;

/**
 * Implementation B: classic {@code org.apache.pekko.io.Tcp}. The connection actor itself is the handler of Pekko's
 * TCP connection actor (through its message adapter), so a read costs one message and a write one message plus its
 * ack, with no stream to materialise per connection. Everything is in pull mode: Pekko reads (and accepts) only when
 * asked with {@code ResumeReading} ({@code ResumeAccepting}).
 */
final class ClassicTransport implements Transport {

    /** Pekko turns Nagle off itself; saying it keeps the intent visible. */
    static final List<Inet.SocketOption> OPTIONS = List.of(TcpSO.tcpNoDelay(true));
    /** Pending connections the kernel queues for us; bursts of new clients should not see refusals. */
    static final int BACKLOG = 1024;
    private static final int ACCEPT_BATCH = 16;
    private static final AtomicLong LISTENERS = new AtomicLong();

    private final ActorSystem<?> system;
    private final ActorRef manager;

    ClassicTransport(ActorSystem<?> system) {
        this.system = system;
        this.manager = Tcp.get(Adapter.toClassic(system)).getManager();
    }

    @Override
    public Kind kind() {
        return Kind.CLASSIC;
    }

    @Override
    public CompletionStage<Binding> bind(InetSocketAddress address, org.apache.pekko.actor.typed.ActorRef<Accepted> acceptor) {
        CompletableFuture<Binding> bound = new CompletableFuture<>();
        // A typed system has no classic user guardian to spawn under; the listener lives under /system.
        ExtendedActorSystem classic = (ExtendedActorSystem) Adapter.toClassic(system);
        classic.systemActorOf(Props.create(Listener.class, () -> new Listener(manager, address, acceptor, bound)),
                "h2relay-listener-" + LISTENERS.incrementAndGet());
        return bound;
    }

    @Override
    public <T> Socket connect(ActorContext<T> ctx, InetSocketAddress remote, Duration timeout, Function<SocketEvent, T> wrap) {
        ClassicSocket<T> socket = ClassicSocket.connecting(ctx, remote, wrap);
        ActorRef connector = Adapter.actorOf(ctx,
                Props.create(Connector.class, () -> new Connector(manager, remote, timeout, socket.handler())));
        socket.connector(connector);
        return socket;
    }

    record Incoming(ActorRef connection, InetSocketAddress remoteAddress, InetSocketAddress localAddress)
            implements Accepted {

        @Override
        public <T> Socket attach(ActorContext<T> ctx, Function<SocketEvent, T> wrap) {
            return ClassicSocket.attached(ctx, wrap, connection, remoteAddress);
        }
    }

    /** Owns one listening socket; passes accepted connections to the acceptor and asks for more in batches. */
    static final class Listener extends AbstractActor {

        private record Unbind(CompletableFuture<Done> done) {}

        private final ActorRef manager;
        private final InetSocketAddress address;
        private final org.apache.pekko.actor.typed.ActorRef<Accepted> acceptor;
        private final CompletableFuture<Binding> bound;
        private ActorRef tcpListener;
        private CompletableFuture<Done> unbound;
        private int acceptedInBatch;

        Listener(ActorRef manager, InetSocketAddress address, org.apache.pekko.actor.typed.ActorRef<Accepted> acceptor,
                CompletableFuture<Binding> bound) {
            this.manager = manager;
            this.address = address;
            this.acceptor = acceptor;
            this.bound = bound;
        }

        @Override
        public void preStart() {
            manager.tell(TcpMessage.bind(self(), address, BACKLOG, OPTIONS, true), self());
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(Tcp.Bound.class, b -> {
                        tcpListener = sender();
                        ActorRef me = self();
                        bound.complete(new Binding(b.localAddress(), () -> {
                            CompletableFuture<Done> done = new CompletableFuture<>();
                            me.tell(new Unbind(done), ActorRef.noSender());
                            return done;
                        }));
                        tcpListener.tell(TcpMessage.resumeAccepting(ACCEPT_BATCH), self());
                    })
                    .match(Tcp.Connected.class, c -> {
                        acceptor.tell(new Incoming(sender(), c.remoteAddress(), c.localAddress()));
                        if (++acceptedInBatch == ACCEPT_BATCH) {
                            acceptedInBatch = 0;
                            tcpListener.tell(TcpMessage.resumeAccepting(ACCEPT_BATCH), self());
                        }
                    })
                    .match(Tcp.CommandFailed.class, f -> {
                        BindException e = new BindException("cannot bind " + address + f.causedByString());
                        if (f.cause().isDefined()) {
                            e.initCause(f.cause().get());
                        }
                        bound.completeExceptionally(e);
                        getContext().stop(self());
                    })
                    .match(Unbind.class, u -> {
                        unbound = u.done();
                        tcpListener.tell(TcpMessage.unbind(), self());
                    })
                    .match(Tcp.Unbound.class, u -> {
                        unbound.complete(Done.getInstance());
                        getContext().stop(self());
                    })
                    .build();
        }
    }

    /**
     * Issues the Connect for a client socket. It exists only because Pekko names the new connection actor as the
     * sender of {@code Connected}, which a typed message adapter cannot see; it relays it and then idles (Pekko IO
     * watches it until the socket registers its own handler), stopping with its parent.
     */
    static final class Connector extends AbstractActor {

        private final ActorRef manager;
        private final InetSocketAddress remote;
        private final Duration timeout;
        private final ActorRef handler;

        Connector(ActorRef manager, InetSocketAddress remote, Duration timeout, ActorRef handler) {
            this.manager = manager;
            this.remote = remote;
            this.timeout = timeout;
            this.handler = handler;
        }

        @Override
        public void preStart() {
            manager.tell(TcpMessage.connect(remote, null, OPTIONS, timeout, true), self());
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(Tcp.Connected.class, c -> handler.tell(
                            new ClassicSocket.Attached(sender(), c.remoteAddress(), c.localAddress()), self()))
                    .match(Tcp.CommandFailed.class, f -> handler.tell(f, self()))
                    .build();
        }
    }
}
