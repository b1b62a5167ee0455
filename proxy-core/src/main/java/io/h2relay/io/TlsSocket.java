package io.h2relay.io;

import io.h2relay.io.SocketEvent.Connected;
import io.h2relay.io.SocketEvent.Failed;
import io.h2relay.io.SocketEvent.Received;
import io.h2relay.tls.TlsException;
import io.h2relay.tls.TlsSession;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.util.ByteString;

/**
 * TLS over a transport socket: a decorator that drives a sans-IO {@link TlsSession}. The owner sees plaintext only,
 * and the same contract as on cleartext (one actor, its thread, events in order):
 *
 * <ul>
 *   <li>Reads: {@link #inbound} decrypts each raw read into at most one {@link Received} (so one acknowledgement per
 *       raw read still holds: {@link #resumeReading()} asks the transport for the next one). A read that completes
 *       no plaintext (handshake records, a partial record, a session ticket) yields no Received and the next read
 *       is requested here.</li>
 *   <li>Handshake: a client sees {@link Connected} only once the handshake finished (ALPN and the peer's certificate
 *       are known then); a server sees a {@link SocketEvent.Writable} at that moment. Until then {@link #writing()}
 *       is true, like a client socket that is still connecting, so owners hold their bytes; whatever they wrote
 *       anyway waits inside the session and leaves with the first flight after the handshake.</li>
 *   <li>Writes: each write is encrypted at once and handed to the raw socket, whose outbox joins everything written
 *       while a raw write is in flight into the next one, so coalescing is kept. {@link #pendingBytes()} counts
 *       ciphertext waiting there (a record adds 22 to 29 bytes per 16 KiB).</li>
 *   <li>Endings: {@link #close()} and {@link #shutdownOutput()} send close_notify (RFC 8446 §6.1) before FIN (when
 *       plaintext written early still waits for the handshake, after the handshake and that plaintext). The
 *       peer's close_notify is {@link SocketEvent.PeerClosed} (after any plaintext of the same read); a FIN without it
 *       after the handshake is PeerClosed too (a truncation, which the protocol above notices by its own framing);
 *       a FIN during the handshake, a failed handshake or a fatal alert is {@link Failed} with the cause. On a TLS
 *       failure the alert goes out and the connection closes gracefully first; Failed arrives when the transport
 *       finished, so stopping then does not reset the alert away.</li>
 * </ul>
 */
public final class TlsSocket implements Socket {

    private final Socket raw;
    private final TlsSession session;
    private final boolean client;
    /** Client side: the transport's Connected, held back until the handshake finished. */
    private Connected connected;
    private boolean handshakeSignalled;
    private boolean peerClosedSignalled;
    /** After close(), abort() or a TLS failure: reads are no longer decrypted. */
    private boolean discarding;
    private boolean outputClosed;
    /** Plaintext was written before the handshake finished (it waits inside the session). */
    private boolean heldPlaintext;
    /** A close ({@link #CLOSE}) or half-close ({@link #SHUTDOWN}) asked for before the handshake finished. */
    private int deferredClose;
    private static final int SHUTDOWN = 1;
    private static final int CLOSE = 2;
    /** A TLS failure waiting to be reported when the transport finishes. */
    private Throwable failure;
    private boolean finished;

    private TlsSocket(Socket raw, TlsSession session, boolean client) {
        this.raw = Objects.requireNonNull(raw, "raw");
        this.session = Objects.requireNonNull(session, "session");
        this.client = client;
    }

    /** The server side of an accepted connection; {@code session} from {@code ServerTls.newSession()}. */
    public static TlsSocket server(Socket raw, TlsSession session) {
        return new TlsSocket(raw, session, false);
    }

    /**
     * The client side of a connection being opened; {@code session} from {@code ClientTls.newSession(host, port)}.
     * The ClientHello is written now: the transport holds it until the TCP connection is up.
     */
    public static TlsSocket client(Socket raw, TlsSession session) {
        TlsSocket socket = new TlsSocket(raw, session, true);
        socket.writeOutput();
        return socket;
    }

    @Override
    public void inbound(SocketEvent event, Consumer<SocketEvent> handler) {
        if (finished) {
            return;
        }
        if (event instanceof Received r) {
            received(r.bytes(), handler);
        } else if (event instanceof Connected c) {
            connected = c; // reported once the handshake finished
        } else if (event instanceof SocketEvent.PeerClosed) {
            peerClosed(handler);
        } else if (event instanceof SocketEvent.Closed) {
            finished = true;
            handler.accept(failure != null ? new Failed(failure) : event);
        } else if (event instanceof Failed f) {
            finished = true;
            if (failure != null && failure != f.cause()) {
                failure.addSuppressed(f.cause());
            }
            handler.accept(failure != null ? new Failed(failure) : f);
        } else if (event instanceof SocketEvent.ConnectFailed) {
            finished = true;
            handler.accept(event);
        } else if (failure == null) {
            handler.accept(event); // Writable
        }
    }

    private void received(ByteString bytes, Consumer<SocketEvent> handler) {
        if (discarding) {
            raw.resumeReading();
            return;
        }
        ByteBuffer plain;
        try {
            // The JDK may decrypt in place, so it needs a writable buffer: the read's own array (Pekko hands each
            // read over as a fresh array nobody else holds, so this is no copy).
            plain = session.unwrap(ByteBuffer.wrap(bytes.toArrayUnsafe()));
        } catch (TlsException e) {
            fail(e);
            return;
        }
        writeOutput(); // handshake flights, session tickets, key update answers
        if (!handshakeSignalled && session.handshakeComplete()) {
            handshakeSignalled = true;
            if (deferredClose != 0) {
                // The held plaintext left with the handshake's end (above); now the close asked for meanwhile.
                int how = deferredClose;
                deferredClose = 0;
                if (how == CLOSE) {
                    close();
                } else {
                    shutdownOutput();
                }
            }
            handler.accept(client ? connected : SocketEvent.WRITABLE);
        }
        boolean delivered = false;
        if (plain.hasRemaining()) {
            delivered = true;
            handler.accept(new Received(
                    ByteString.fromArrayUnsafe(plain.array(), plain.arrayOffset() + plain.position(), plain.remaining())));
        }
        if (session.inboundClosed() && !peerClosedSignalled) {
            peerClosedSignalled = true;
            handler.accept(SocketEvent.PEER_CLOSED);
        }
        if (!delivered && !finished) {
            raw.resumeReading(); // nobody else will acknowledge a read that yielded nothing
        }
    }

    private void peerClosed(Consumer<SocketEvent> handler) {
        session.endOfInput();
        if (failure != null || discarding) {
            return;
        }
        if (!session.handshakeComplete()) {
            fail(new SSLHandshakeException("the peer closed the connection during the TLS handshake"));
            return;
        }
        if (!peerClosedSignalled) {
            peerClosedSignalled = true;
            handler.accept(SocketEvent.PEER_CLOSED);
        }
    }

    /** Sends what the session has (an alert), closes gracefully, and keeps the cause for the transport's end. */
    private void fail(Throwable cause) {
        failure = cause;
        discarding = true;
        outputClosed = true;
        writeOutput();
        raw.close();
    }

    private void writeOutput() {
        if (session.hasOutput()) {
            raw.write(bytes(session.takeOutput()));
        }
    }

    private static ByteString bytes(ByteBuffer b) {
        return ByteString.fromArrayUnsafe(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }

    /** The protocol ALPN selected, "" before the handshake finished or without ALPN. */
    @Override
    public String applicationProtocol() {
        return session.applicationProtocol();
    }

    @Override
    public SSLSession tlsSession() {
        return session.handshakeComplete() ? session.session() : null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public void resumeReading() {
        raw.resumeReading();
    }

    @Override
    public void write(ByteString bytes) {
        if (outputClosed || deferredClose != 0 || bytes.isEmpty()) {
            return;
        }
        if (!session.handshakeComplete()) {
            heldPlaintext = true;
        }
        ByteBuffer ciphertext;
        try {
            // A compact ByteString is viewed, not copied; a rope is joined once, so records stay full-sized.
            ciphertext = session.wrap(bytes.asByteBuffer());
        } catch (TlsException e) {
            fail(e);
            return;
        }
        if (ciphertext.hasRemaining()) {
            raw.write(bytes(ciphertext));
        }
    }

    /** True while a raw write is under way, and until the handshake finished (then a Writable or Connected). */
    @Override
    public boolean writing() {
        return raw.writing() || !session.handshakeComplete();
    }

    @Override
    public long pendingBytes() {
        return raw.pendingBytes();
    }

    @Override
    public long socketWrites() {
        return raw.socketWrites();
    }

    @Override
    public void shutdownOutput() {
        if (deferUntilHandshake(SHUTDOWN)) {
            return;
        }
        if (!outputClosed) {
            outputClosed = true;
            session.closeOutbound();
            writeOutput();
        }
        raw.shutdownOutput();
    }

    @Override
    public void close() {
        if (deferUntilHandshake(CLOSE)) {
            return;
        }
        discarding = true;
        shutdownOutput();
        raw.close();
    }

    /**
     * Plaintext written before the handshake finished can only be encrypted after it: a close asked for meanwhile
     * waits for the handshake (bounded by the owner's close timer and {@link #abort()}), so those bytes are not lost.
     */
    private boolean deferUntilHandshake(int how) {
        if (session.handshakeComplete() || !heldPlaintext || failure != null || outputClosed) {
            return false;
        }
        deferredClose = Math.max(deferredClose, how);
        return true;
    }

    @Override
    public void abort() {
        discarding = true;
        outputClosed = true;
        raw.abort();
    }
}
