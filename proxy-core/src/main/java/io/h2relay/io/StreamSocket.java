package io.h2relay.io;

import io.h2relay.io.SocketEvent.Connected;
import io.h2relay.io.SocketEvent.Failed;
import io.h2relay.io.SocketEvent.Received;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * A socket over Pekko Streams {@code Tcp}: one small stream per connection (STYLE_AND_PEKKO §2.2).
 *
 * <pre>
 *   ActorSource (acks each element) ─ kill switch ─▶ TCP stage ─▶ kill switch ─ ++FIN marker ++never ─ ActorSink
 * </pre>
 *
 * The two halves are not coupled, so a peer's FIN ends only the input and we can still answer (half-close); the
 * input never completes into the sink (the FIN becomes an element, then {@code Source.never}), so the sink ends only
 * when the owning actor stops, and that stop aborts both halves through the shared kill switch. The sink buffers one
 * element, so at most one read waits beside the one the actor holds.
 */
final class StreamSocket<T> extends OutboxSocket {

    /** Non-payload signals from the stream ends, all delivered through the owner's message adapter. */
    sealed interface Signal {}

    record Init(ActorRef<ReadAck> ackTo) implements Signal {}

    /** Client only: the first inbound element, once the TCP handshake is done. */
    record Opened(InetSocketAddress remote, InetSocketAddress local) implements Signal {}

    record InputFailed(Throwable cause) implements Signal {}

    enum Marker implements Signal { END_OF_INPUT, WRITE_ACK, TERMINATE }

    enum ReadAck { INSTANCE }

    /** Completes the ActorSource after draining; compared by identity, never written. */
    private static final ByteString CLOSE = ByteString.fromArrayUnsafe(new byte[0]);

    private final Function<SocketEvent, T> wrap;
    private final InetSocketAddress remote;
    private final boolean client;
    private final ActorRef<Signal> self;
    private final SharedKillSwitch killSwitch = KillSwitches.shared("h2relay-socket");
    private ActorRef<ByteString> writer;
    private ActorRef<ReadAck> readAck;
    private boolean readOwed;
    private boolean discardInput;
    private boolean inputDone;
    private boolean outputDone;
    private boolean connected;
    private boolean aborted;
    private boolean finished;

    private StreamSocket(ActorContext<T> ctx, InetSocketAddress remote, Function<SocketEvent, T> wrap, boolean client) {
        super(new Outbox(false));
        this.wrap = wrap;
        this.remote = remote;
        this.client = client;
        // Both adapters share the actor's one adapter ref; payload gets its own class so a read is not re-wrapped.
        ctx.messageAdapter(ByteString.class, bytes -> wrap.apply(onBytes(bytes)));
        this.self = ctx.messageAdapter(Signal.class, signal -> wrap.apply(onSignal(signal)));
    }

    static <T> StreamSocket<T> attach(ActorContext<T> ctx, Tcp.IncomingConnection connection, Function<SocketEvent, T> wrap) {
        StreamSocket<T> socket = new StreamSocket<>(ctx, connection.remoteAddress(), wrap, false);
        Flow<ByteString, ByteString, Pair<ActorRef<ByteString>, CompletionStage<Done>>> handler =
                Flow.fromSinkAndSourceMat(socket.inbound(Flow.of(ByteString.class).map(b -> b)), socket.outbound(),
                        (inputEnded, writer) -> Pair.create(writer, inputEnded));
        socket.started(connection.handleWith(handler, ctx.getSystem()));
        return socket;
    }

    static <T> StreamSocket<T> connect(ActorContext<T> ctx, InetSocketAddress remote, Duration timeout,
            Function<SocketEvent, T> wrap) {
        StreamSocket<T> socket = new StreamSocket<>(ctx, remote, wrap, true);
        CompletableFuture<Object> opened = new CompletableFuture<>();
        Flow<ByteString, ByteString, NotUsed> tcp = Tcp.get(ctx.getSystem())
                .outgoingConnection(remote, Optional.empty(), ClassicTransport.OPTIONS, true, Optional.of(timeout),
                        Optional.empty())
                .mapMaterializedValue(connection -> {
                    connection.whenComplete((c, e) -> {
                        if (e != null) {
                            opened.completeExceptionally(e);
                        } else {
                            opened.complete(new Opened(c.remoteAddress(), c.localAddress()));
                        }
                    });
                    return NotUsed.getInstance();
                });
        Flow<ByteString, Object, NotUsed> head =
                Flow.of(ByteString.class).<Object>map(b -> b).prepend(Source.completionStage(opened));
        socket.started(socket.outbound().viaMat(tcp, Keep.left())
                .toMat(socket.inbound(head), (writer, inputEnded) -> Pair.create(writer, inputEnded))
                .run(ctx.getSystem()));
        return socket;
    }

    private Sink<ByteString, CompletionStage<Done>> inbound(Flow<ByteString, ? extends Object, NotUsed> head) {
        Sink<Object, NotUsed> toActor = ActorSink.<Object, Object, ReadAck>actorRefWithBackpressure(
                        self.unsafeUpcast(), (ackTo, element) -> element, Init::new, ReadAck.INSTANCE,
                        Marker.END_OF_INPUT, InputFailed::new)
                .addAttributes(Attributes.inputBuffer(1, 1));
        return head.<Object>map(e -> e)
                .via(killSwitch.flow())
                .concat(Source.<Object>single(Marker.END_OF_INPUT))
                .concat(Source.never())
                .watchTermination(Keep.right())
                .to(toActor);
    }

    private Source<ByteString, ActorRef<ByteString>> outbound() {
        return ActorSource.<ByteString, Signal>actorRefWithBackpressure(self, Marker.WRITE_ACK,
                        m -> m == CLOSE ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
                        m -> Optional.empty())
                .via(killSwitch.flow());
    }

    private void started(Pair<ActorRef<ByteString>, CompletionStage<Done>> materialized) {
        writer = materialized.first();
        // The sink side ends only by failure or because the owner stopped; either way nothing may stay half open.
        materialized.second().whenComplete((done, failure) ->
                killSwitch.abort(new IOException("connection actor stopped")));
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void resumeReading() {
        if (readOwed && !finished) {
            readOwed = false;
            readAck.tell(ReadAck.INSTANCE);
        }
    }

    @Override
    public void close() {
        discardInput = true;
        resumeReading();
        shutdownOutput();
    }

    @Override
    public void abort() {
        if (aborted || finished) {
            return;
        }
        aborted = true;
        out.drop();
        killSwitch.abort(new IOException("aborted by the connection actor"));
        if (inputDone) {
            self.tell(Marker.TERMINATE); // the input already ended, so no failure will come to say we are done
        }
    }

    @Override
    void send(ByteString bytes) {
        if (bytes != null) {
            writer.tell(bytes);
        }
    }

    @Override
    void closeIfDue() {
        if (out.closeDue()) {
            // The TCP stage sends FIN after its buffer drains (or closes fully when the input has ended).
            writer.tell(CLOSE);
            outputDone = true;
            if (inputDone) {
                self.tell(Marker.TERMINATE);
            }
        }
    }

    private SocketEvent onBytes(ByteString bytes) {
        if (finished) {
            return SocketEvent.WRITABLE;
        }
        readOwed = true;
        if (discardInput) {
            resumeReading();
        }
        return new Received(bytes);
    }

    /** Every signal becomes exactly one event; signals with nothing to tell become the harmless Writable hint. */
    private SocketEvent onSignal(Signal signal) {
        if (finished) {
            return SocketEvent.WRITABLE;
        }
        if (signal == Marker.WRITE_ACK) {
            send(out.acked());
            closeIfDue();
            return SocketEvent.WRITABLE;
        }
        if (signal instanceof Init init) {
            readAck = init.ackTo();
            readAck.tell(ReadAck.INSTANCE);
            return SocketEvent.WRITABLE;
        }
        if (signal instanceof Opened opened) {
            if (aborted) {
                return SocketEvent.WRITABLE; // the failure from the abort follows and ends it
            }
            connected = true;
            readAck.tell(ReadAck.INSTANCE);
            return new Connected(opened.remote(), opened.local());
        }
        if (signal == Marker.END_OF_INPUT) {
            inputDone = true;
            if (outputDone || aborted) {
                finished = true;
                return SocketEvent.CLOSED;
            }
            return SocketEvent.PEER_CLOSED;
        }
        if (signal == Marker.TERMINATE) {
            finished = true;
            return SocketEvent.CLOSED;
        }
        InputFailed failed = (InputFailed) signal;
        finished = true;
        if (aborted) {
            return SocketEvent.CLOSED;
        }
        if (client && !connected) {
            return SocketEvent.ConnectFailed.of(failed.cause());
        }
        return new Failed(failed.cause());
    }
}
