package io.h2relay.io;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import org.apache.pekko.util.ByteString;

/**
 * What a {@link Socket} tells the actor that owns it. The actor receives these wrapped in its own message type (the
 * {@code wrap} function given to {@link Accepted#attach} or {@link Transport#connect}), one message per signal, in
 * order, on the actor's own thread.
 *
 * <p>Terminal events are {@link Closed}, {@link Failed} and {@link ConnectFailed}; after one of them nothing else
 * arrives and the actor may stop. Stopping the actor earlier resets the connection.
 */
public sealed interface SocketEvent {

    Writable WRITABLE = new Writable();
    PeerClosed PEER_CLOSED = new PeerClosed();
    Closed CLOSED = new Closed();

    /**
     * Client sockets only, once: the TCP handshake completed. Writes made before this were held and now go out; like
     * {@link Writable}, it is a moment to hand over bytes held back while {@link Socket#writing()} was true.
     */
    record Connected(InetSocketAddress remote, InetSocketAddress local) implements SocketEvent {}

    /** Client sockets only, terminal: the connection was never established. */
    record ConnectFailed(Throwable cause, boolean timedOut) implements SocketEvent {

        /** Pekko IO reports its own connect timeout as a {@link ConnectException} with this wording. */
        static ConnectFailed of(Throwable cause) {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof ConnectException && String.valueOf(t.getMessage()).startsWith("Connect timeout")) {
                    return new ConnectFailed(cause, true);
                }
            }
            return new ConnectFailed(cause, false);
        }
    }

    /**
     * One socket read, as the transport delivered it (a view, not a copy). No further read happens until the actor
     * calls {@link Socket#resumeReading()}: that is the backpressure. After {@link Socket#close()} reads are
     * acknowledged automatically and may be ignored.
     */
    record Received(ByteString bytes) implements SocketEvent {}

    /**
     * A hint for producers that hold bytes back: the transport finished a write (or has just started) and bytes
     * written now go out with the next socket write. Writes are accepted at any time; {@link Socket#writing()} and
     * {@link Socket#pendingBytes()} tell how much is still queued.
     */
    record Writable() implements SocketEvent {}

    /** The peer sent FIN: no more input will come. Writing still works until {@link Socket#close()}. */
    record PeerClosed() implements SocketEvent {}

    /** Terminal: both directions are finished (after close, shutdownOutput + peer FIN, or abort). */
    record Closed() implements SocketEvent {}

    /** Terminal: the connection broke (reset by the peer, I/O error). */
    record Failed(Throwable cause) implements SocketEvent {}
}
