package io.h2relay.io;

import io.h2relay.io.SocketEvent.Connected;
import io.h2relay.io.SocketEvent.Failed;
import io.h2relay.io.SocketEvent.Received;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.io.Tcp;
import org.apache.pekko.io.TcpMessage;
import org.apache.pekko.util.ByteString;

/**
 * A socket over classic Pekko IO. Pekko's TCP connection actor talks straight to the owning actor's message adapter
 * (registered for {@link Tcp.Event}), so the translation below runs on the owner's thread and may keep plain fields.
 */
final class ClassicSocket<T> extends OutboxSocket {

    /** The ack Pekko echoes when a {@code Write} has been handed to the kernel. */
    enum WriteAck implements Tcp.Event { INSTANCE }

    /** From the {@link ClassicTransport.Connector}: the connection actor that Pekko named as the sender. */
    record Attached(ActorRef connection, InetSocketAddress remote, InetSocketAddress local) implements Tcp.Event {}

    private final Function<SocketEvent, T> wrap;
    private final InetSocketAddress remote;
    private final ActorRef handler;
    private final org.apache.pekko.actor.ActorContext classicContext;
    private ActorRef connection;
    private ActorRef connector;
    private boolean readRequested;
    private boolean discardInput;
    private boolean aborted;
    private boolean finished;

    private ClassicSocket(ActorContext<T> ctx, InetSocketAddress remote, Function<SocketEvent, T> wrap, boolean held) {
        super(new Outbox(held));
        this.wrap = wrap;
        this.remote = remote;
        this.classicContext = Adapter.toClassic(ctx);
        this.handler = Adapter.toClassic(ctx.messageAdapter(Tcp.Event.class, this::adapt));
    }

    static <T> ClassicSocket<T> attached(ActorContext<T> ctx, Function<SocketEvent, T> wrap, ActorRef connection,
            InetSocketAddress remote) {
        ClassicSocket<T> socket = new ClassicSocket<>(ctx, remote, wrap, false);
        socket.register(connection);
        return socket;
    }

    /** A client socket: writes are held (as if one write were in flight) until the connection is up. */
    static <T> ClassicSocket<T> connecting(ActorContext<T> ctx, InetSocketAddress remote, Function<SocketEvent, T> wrap) {
        return new ClassicSocket<>(ctx, remote, wrap, true);
    }

    ActorRef handler() {
        return handler;
    }

    void connector(ActorRef connector) {
        this.connector = connector;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void resumeReading() {
        if (!readRequested && connection != null && !finished) {
            readRequested = true;
            connection.tell(TcpMessage.resumeReading(), handler);
        }
    }

    @Override
    public void close() {
        discardInput = true;
        resumeReading(); // keep reading, or the peer's FIN would never be seen
        shutdownOutput();
    }

    @Override
    public void abort() {
        if (aborted || finished) {
            return;
        }
        aborted = true;
        out.drop();
        if (connection != null) {
            connection.tell(TcpMessage.abort(), handler);
        } else {
            // Still connecting: Pekko IO aborts the attempt when the connector (its commander) dies.
            classicContext.stop(connector);
            handler.tell(Tcp.Aborted$.MODULE$, ActorRef.noSender());
        }
    }

    private void register(ActorRef connection) {
        this.connection = connection;
        // keepOpenOnPeerClosed: a FIN from the peer ends its side only; we may still answer (RFC 9293 half-close).
        connection.tell(TcpMessage.register(handler, true, false), handler);
        resumeReading();
    }

    @Override
    void send(ByteString bytes) {
        if (bytes != null) {
            connection.tell(TcpMessage.write(bytes, WriteAck.INSTANCE), handler);
        }
    }

    @Override
    void closeIfDue() {
        if (connection != null && out.closeDue()) {
            // FIN after the queued bytes; Pekko keeps reading (if asked) until the peer's FIN: ConfirmedClosed.
            connection.tell(TcpMessage.confirmedClose(), handler);
        }
    }

    private T adapt(Tcp.Event event) {
        return wrap.apply(translate(event));
    }

    /** Every signal becomes exactly one event; signals with nothing to tell become the harmless Writable hint. */
    private SocketEvent translate(Tcp.Event event) {
        if (finished) {
            return SocketEvent.WRITABLE;
        }
        if (event instanceof Tcp.Received received) {
            readRequested = false;
            if (discardInput) {
                resumeReading();
            }
            return new Received(received.data());
        }
        if (event == WriteAck.INSTANCE) {
            send(out.acked());
            closeIfDue();
            return SocketEvent.WRITABLE;
        }
        if (event instanceof Attached attached) {
            if (aborted) {
                attached.connection().tell(TcpMessage.abort(), handler);
                return SocketEvent.WRITABLE;
            }
            register(attached.connection());
            send(out.acked()); // what was written while connecting
            closeIfDue();
            return new Connected(attached.remote(), attached.local());
        }
        if (event instanceof Tcp.ConnectionClosed closed) {
            if (closed.isPeerClosed()) {
                return SocketEvent.PEER_CLOSED;
            }
            finished = true;
            if (closed.isErrorClosed() && !aborted) {
                return new Failed(new IOException(closed.getErrorCause()));
            }
            return SocketEvent.CLOSED;
        }
        if (event instanceof Tcp.CommandFailed failed) {
            finished = true;
            if (aborted) {
                return SocketEvent.CLOSED;
            }
            Throwable cause = failed.cause().isDefined()
                    ? failed.cause().get()
                    : new IOException("Pekko IO refused " + failed.cmd());
            return failed.cmd() instanceof Tcp.Connect ? SocketEvent.ConnectFailed.of(cause) : new Failed(cause);
        }
        return SocketEvent.WRITABLE;
    }
}
