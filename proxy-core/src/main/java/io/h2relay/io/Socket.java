package io.h2relay.io;

import java.net.InetSocketAddress;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import org.apache.pekko.util.ByteString;

/**
 * One TCP connection, owned by exactly one actor (the one whose context attached or connected it) and used only on
 * that actor's thread. One socket per actor: the transport delivers its signals through the actor's message adapters,
 * which are keyed by class.
 *
 * <p>Reading: each socket read becomes one {@link SocketEvent.Received}; the next read waits for
 * {@link #resumeReading()}, so an actor that stops acknowledging stops the socket and the kernel buffers fill.
 *
 * <p>Writing: at most one write is in flight; everything written meanwhile is coalesced into the next one.
 */
public sealed interface Socket permits OutboxSocket, TlsSocket {

    /**
     * Passes one event from the transport through this socket's layers to {@code handler}: the owner calls it first
     * thing for every event it receives. Plain TCP hands the event on as it is; a TLS socket turns ciphertext reads
     * into zero or more plaintext events (handshake records yield none) and may report {@link SocketEvent.Connected}
     * only once its handshake completed.
     */
    default void inbound(SocketEvent event, Consumer<SocketEvent> handler) {
        handler.accept(event);
    }

    /**
     * The protocol ALPN selected ({@code "h2"}, {@code "http/1.1"}), or {@code ""} on cleartext or when the peer did
     * not negotiate one. Known once the first plaintext event arrived.
     */
    default String applicationProtocol() {
        return "";
    }

    /** The TLS session once the handshake completed; null on cleartext. */
    default SSLSession tlsSession() {
        return null;
    }

    /** The peer's address (for client sockets, the address connected to). */
    InetSocketAddress remoteAddress();

    /** Acknowledges the last {@link SocketEvent.Received}: the transport may read again. Extra calls do nothing. */
    void resumeReading();

    /**
     * Queues bytes for the peer. Never blocks and never fails; a broken connection shows as an event instead. Bytes
     * written after {@link #shutdownOutput()}, {@link #close()} or {@link #abort()} are dropped.
     */
    void write(ByteString bytes);

    /** Whether a write is under way. */
    boolean writing();

    /** Bytes written but waiting behind the write under way. */
    long pendingBytes();

    /** Writes handed to the transport so far: with coalescing this is far below the number of {@link #write} calls. */
    long socketWrites();

    /**
     * Half-close: after the queued bytes, send FIN. Reading goes on; {@link SocketEvent.Closed} follows the peer's FIN.
     */
    void shutdownOutput();

    /**
     * Graceful close: like {@link #shutdownOutput()}, and further input is acknowledged automatically. Closing the
     * read side too would make the kernel answer late peer data with a reset that can destroy our last bytes in
     * flight (the "lingering close" of HTTP servers), so {@link SocketEvent.Closed} waits for the peer's FIN; bound
     * that wait with a timer and {@link #abort()}.
     */
    void close();

    /** Resets the connection now (RST); queued bytes are dropped. {@link SocketEvent.Closed} follows. */
    void abort();
}
