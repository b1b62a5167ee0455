package io.h2relay.tls;

import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A sans-IO TLS connection around a JDK {@link SSLEngine}: ciphertext in, plaintext out; plaintext in, ciphertext
 * out. No sockets, threads or clocks; the engine's delegated tasks run inline. Not thread-safe: one owner (the
 * connection actor) calls it.
 *
 * <p>Use: after construction, after every {@link #unwrap} and after {@link #closeOutbound()}, write
 * {@link #takeOutput()} when {@link #hasOutput()} (handshake flights, session tickets, key updates, alerts,
 * close_notify). {@link #wrap} returns everything to write, pending output first. Plaintext written before the
 * handshake completes waits inside and leaves with the first write after it.
 *
 * <p>Buffers: ciphertext is unwrapped straight from the caller's buffer; only the tail of a record cut by a read
 * is copied aside (into a buffer made on first need, about 16 KiB, then kept). Plaintext is decrypted straight
 * into a fresh heap buffer the caller owns (slices of it may live on). Ciphertext collects in one reused buffer
 * (the JDK wants a whole packet's room, about 16 KiB, per wrap) and leaves as one fresh, exact array per call,
 * ready for {@code ByteString.fromArrayUnsafe}; a buffer grown past 256 KiB by a large write is dropped after it.
 *
 * <p>Renegotiation (TLS 1.2) is refused before the engine sees it (RFC 9113 §9.2.1): a handshake record after the
 * handshake raises {@link TlsException.Kind#RENEGOTIATION_REFUSED}. TLS 1.3 post-handshake messages (session
 * tickets, key updates) are handled; the JDK never sends post-handshake certificate requests (§9.2.3).
 */
public final class TlsSession {

    private static final int RECORD_HEADER = 5;
    private static final byte CHANGE_CIPHER_SPEC = 20;
    private static final byte HEARTBEAT = 24;
    private static final byte HANDSHAKE = 22;
    /** Output buffer capacity kept between writes; a larger one (after a big write) is dropped. */
    private static final int RETAINED_OUTPUT = 256 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    /** Write mode: at most one record whose end has not arrived yet. */
    private ByteBuffer stash;
    /** Write mode: ciphertext waiting for {@link #takeOutput()}. */
    private ByteBuffer output;
    /** Write mode: handshake-time plaintext (the JDK does not size-check it before the handshake is done). */
    private ByteBuffer scratch;
    /** Write mode: plaintext written before the handshake finished, or while the engine could not take it. */
    private ByteBuffer pending;

    private boolean complete;
    private boolean renegotiable;
    private String applicationProtocol = "";
    private TlsException failure;
    private boolean inputRefused;
    private boolean inboundClosed;
    private boolean closeRequested;

    /**
     * Starts the handshake; a client's ClientHello is then waiting in {@link #takeOutput()}.
     *
     * @param engine a configured engine (client or server mode set), not yet used; {@link ServerTls} and
     *     {@link ClientTls} make them
     */
    public TlsSession(SSLEngine engine) throws TlsException {
        this.engine = engine;
        SSLSession initial = engine.getSession();
        stash = ByteBuffer.allocate(0); // made on the first record cut by a read
        output = ByteBuffer.allocate(initial.getPacketBufferSize());
        scratch = ByteBuffer.allocate(initial.getApplicationBufferSize());
        try {
            engine.beginHandshake();
            step();
        } catch (SSLException e) {
            throw fail(e);
        }
    }

    /**
     * Consumes all of {@code ciphertext} (a partial record is kept for the next call) and returns the plaintext it
     * completed: a fresh heap buffer, position 0, the caller's to keep; empty when the bytes were handshake, a
     * partial record, or anything after the peer's close_notify.
     *
     * @throws TlsException the connection is over (see {@link TlsException#kind()}); write {@link #takeOutput()}
     */
    public ByteBuffer unwrap(ByteBuffer ciphertext) throws TlsException {
        if (failure != null) {
            throw new TlsException(TlsException.Kind.CLOSED, "the TLS session failed earlier: " + failure.getMessage(),
                    failure);
        }
        if (inputRefused) {
            throw new TlsException(TlsException.Kind.CLOSED, "reading stopped after a refused renegotiation", null);
        }
        ByteBuffer plain = null;
        try {
            int stalls = 0;
            while (!inboundClosed) {
                ByteBuffer source = nextRecord(ciphertext);
                if (source == null) {
                    break;
                }
                if (complete && renegotiable && source.remaining() > 0 && source.get(source.position()) == HANDSHAKE) {
                    throw refuseRenegotiation(ciphertext);
                }
                ByteBuffer target;
                if (complete) {
                    plain = room(plain, source, ciphertext);
                    target = plain;
                } else {
                    target = scratch;
                }
                SSLEngineResult result = engine.unwrap(source, target);
                if (source == stash) {
                    stash.compact();
                }
                if (scratch.position() > 0) {
                    plain = takeScratch(plain, ciphertext);
                }
                Status status = result.getStatus();
                if (status == Status.BUFFER_UNDERFLOW) {
                    if (source == ciphertext) {
                        keep(ciphertext);
                    } else if (!moreForStash(ciphertext)) {
                        break;
                    }
                    continue;
                }
                if (status == Status.BUFFER_OVERFLOW) {
                    // Not expected (plaintext is never longer than its record), but the JDK decides.
                    if (complete) {
                        plain = grow(plain, engine.getSession().getApplicationBufferSize());
                    } else {
                        scratch = grow(scratch, engine.getSession().getApplicationBufferSize());
                    }
                    continue;
                }
                if (status == Status.CLOSED) {
                    inboundClosed = true;
                }
                afterResult(result);
                if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && ++stalls > 2) {
                    break;
                }
            }
            if (inboundClosed) {
                // Bytes after close_notify mean nothing (RFC 8446 §6.1).
                ciphertext.position(ciphertext.limit());
                stash.clear();
            }
            flushPending();
        } catch (SSLException e) {
            throw fail(e);
        }
        if (plain == null) {
            return EMPTY.duplicate();
        }
        plain.flip();
        return plain;
    }

    /**
     * Encrypts all of {@code plaintext} and returns the ciphertext to write, preceded by any pending output: a
     * fresh heap buffer, position 0, limit = its length (empty when nothing is to be written). Before the handshake
     * completes the plaintext is copied aside and sent once it does.
     *
     * @throws TlsException the session failed, or its sending side is closed ({@link TlsException.Kind#CLOSED})
     */
    public ByteBuffer wrap(ByteBuffer plaintext) throws TlsException {
        if (failure != null) {
            throw new TlsException(TlsException.Kind.CLOSED, "the TLS session failed earlier: " + failure.getMessage(),
                    failure);
        }
        if (closeRequested || engine.isOutboundDone()) {
            throw new TlsException(TlsException.Kind.CLOSED, "the TLS session's sending side is closed", null);
        }
        try {
            if (!complete || (pending != null && pending.position() > 0)) {
                queue(plaintext);
                flushPending();
            } else {
                wrapAll(plaintext);
                if (plaintext.hasRemaining()) {
                    queue(plaintext);
                }
            }
        } catch (SSLException e) {
            throw fail(e);
        }
        return takeOutput();
    }

    /** Whether ciphertext is waiting to be written. */
    public boolean hasOutput() {
        return output.position() > 0;
    }

    /** The ciphertext waiting to be written, as a fresh exact buffer (empty when none); the session forgets it. */
    public ByteBuffer takeOutput() {
        if (output.position() == 0) {
            return EMPTY.duplicate();
        }
        byte[] bytes = Arrays.copyOf(output.array(), output.position());
        output.clear();
        if (output.capacity() > RETAINED_OUTPUT) {
            output = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        }
        return ByteBuffer.wrap(bytes);
    }

    /** Whether the handshake has finished (and application data flows). */
    public boolean handshakeComplete() {
        return complete;
    }

    /** The protocol ALPN chose ("h2", "http/1.1"), or "" when the handshake has not finished or ALPN was not used. */
    public String applicationProtocol() {
        return applicationProtocol;
    }

    /** The negotiated session (protocol, cipher suite, peer certificates) once the handshake has finished. */
    public SSLSession session() {
        return engine.getSession();
    }

    /**
     * Sends close_notify (RFC 8446 §6.1) after any plaintext still pending; write {@link #takeOutput()} next.
     * Nothing more can be wrapped afterwards. Never throws: a failure here only ends the session.
     */
    public void closeOutbound() {
        if (closeRequested || failure != null) {
            return;
        }
        closeRequested = true;
        try {
            flushPending();
            engine.closeOutbound();
            step();
        } catch (SSLException e) {
            fail(e);
        }
    }

    /** Whether the peer sent close_notify: no more plaintext will come. */
    public boolean inboundClosed() {
        return inboundClosed;
    }

    /** Whether our close_notify (or a fatal alert) has been produced. */
    public boolean outboundClosed() {
        return engine.isOutboundDone();
    }

    /**
     * Tells the session the transport reached end of stream. Returns whether the peer closed cleanly with
     * close_notify first; false is a truncation (RFC 8446 §6.1: the data may be incomplete).
     */
    public boolean endOfInput() {
        boolean clean = inboundClosed;
        inboundClosed = true;
        if (!engine.isInboundDone()) {
            try {
                engine.closeInbound();
            } catch (SSLException e) {
                // The JDK complains about the missing close_notify; the return value says it.
            }
        }
        return clean;
    }

    // ---- unwrap helpers

    /**
     * The buffer whose position is the start of the next whole record: the caller's buffer itself when nothing is
     * stashed, else the stash completed from it (flipped for reading); null when more input is needed. Records are
     * only handed over whole, so the engine never sees a partial one (it would ask for plaintext room first).
     */
    private ByteBuffer nextRecord(ByteBuffer ciphertext) {
        if (stash.position() == 0) {
            if (!ciphertext.hasRemaining()) {
                return null;
            }
            if (wholeRecordAt(ciphertext, ciphertext.position(), ciphertext.remaining())) {
                return ciphertext;
            }
            keep(ciphertext);
            return null;
        }
        while (!wholeRecordAt(stash, 0, stash.position())) {
            if (!ciphertext.hasRemaining()) {
                return null;
            }
            int held = stash.position();
            int wanted = held < RECORD_HEADER ? RECORD_HEADER : RECORD_HEADER + recordLength(stash, 0);
            copyIntoStash(ciphertext, wanted - held);
        }
        stash.flip();
        return stash;
    }

    /**
     * Whether {@code available} bytes at {@code offset} hold a whole record by its header (RFC 8446 §5.1). A header
     * that is not TLS counts as whole: the engine rejects it at once instead of waiting for a meaningless length.
     */
    private static boolean wholeRecordAt(ByteBuffer buffer, int offset, int available) {
        if (available < RECORD_HEADER) {
            return false;
        }
        byte type = buffer.get(offset);
        boolean plausible = type >= CHANGE_CIPHER_SPEC && type <= HEARTBEAT && buffer.get(offset + 1) == 3;
        return !plausible || available >= RECORD_HEADER + recordLength(buffer, offset);
    }

    /** After the engine wanted more than the stash held: add what the caller has; false when nothing is left. */
    private boolean moreForStash(ByteBuffer ciphertext) {
        if (!ciphertext.hasRemaining()) {
            return false;
        }
        copyIntoStash(ciphertext, ciphertext.remaining());
        return true;
    }

    private static int recordLength(ByteBuffer buffer, int offset) {
        return ((buffer.get(offset + 3) & 0xff) << 8) | (buffer.get(offset + 4) & 0xff);
    }

    /** Moves the caller's remaining bytes (the start of a record) into the stash. */
    private void keep(ByteBuffer ciphertext) {
        copyIntoStash(ciphertext, ciphertext.remaining());
    }

    private void copyIntoStash(ByteBuffer from, int count) {
        int n = Math.min(count, from.remaining());
        if (stash.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(stash.position() + n,
                    Math.max(2 * stash.capacity(), engine.getSession().getPacketBufferSize())));
            stash.flip();
            bigger.put(stash);
            stash = bigger;
        }
        ByteBuffer slice = from.slice();
        slice.limit(n);
        stash.put(slice);
        from.position(from.position() + n);
    }

    /**
     * A plaintext buffer with room for everything the remaining ciphertext can decrypt to (plaintext is never
     * longer than its record), allocated once per call.
     */
    private ByteBuffer room(ByteBuffer plain, ByteBuffer source, ByteBuffer ciphertext) {
        int available = source.remaining() + (source == ciphertext ? 0 : ciphertext.remaining());
        if (plain == null) {
            return ByteBuffer.allocate(Math.max(available, 1));
        }
        return plain.remaining() >= available ? plain : grow(plain, available - plain.remaining());
    }

    /** Moves plaintext that arrived while the handshake ran (rare: TLS 1.3 data right behind Finished). */
    private ByteBuffer takeScratch(ByteBuffer plain, ByteBuffer ciphertext) {
        scratch.flip();
        ByteBuffer target = plain;
        int needed = scratch.remaining() + ciphertext.remaining() + stash.position();
        if (target == null) {
            target = ByteBuffer.allocate(needed);
        } else if (target.remaining() < needed) {
            target = grow(target, needed - target.remaining());
        }
        target.put(scratch);
        scratch.clear();
        return target;
    }

    private TlsException refuseRenegotiation(ByteBuffer ciphertext) {
        inputRefused = true;
        ciphertext.position(ciphertext.limit());
        stash.clear();
        return new TlsException(TlsException.Kind.RENEGOTIATION_REFUSED,
                "the peer tried to renegotiate TLS; refused (RFC 9113 §9.2.1)", null);
    }

    // ---- wrap helpers

    private void wrapAll(ByteBuffer plaintext) throws SSLException, TlsException {
        int stalls = 0;
        while (plaintext.hasRemaining()) {
            ensureOutputRoom();
            SSLEngineResult result = engine.wrap(plaintext, output);
            if (result.getStatus() == Status.BUFFER_OVERFLOW) {
                output = grow(output, engine.getSession().getPacketBufferSize());
                continue;
            }
            if (result.getStatus() == Status.CLOSED) {
                throw new TlsException(TlsException.Kind.CLOSED, "the TLS session's sending side is closed", null);
            }
            afterResult(result);
            if (result.bytesConsumed() == 0) {
                // The engine waits for the peer (a handshake message in flight): the rest stays pending.
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP || ++stalls > 2) {
                    return;
                }
            }
        }
    }

    private void queue(ByteBuffer plaintext) {
        if (pending == null) {
            pending = ByteBuffer.allocate(Math.max(plaintext.remaining(), 1024));
        } else if (pending.remaining() < plaintext.remaining()) {
            pending = grow(pending, plaintext.remaining());
        }
        pending.put(plaintext);
    }

    private void flushPending() throws SSLException {
        if (!complete || pending == null || pending.position() == 0 || engine.isOutboundDone()) {
            return;
        }
        pending.flip();
        try {
            wrapAll(pending);
        } catch (TlsException e) {
            pending.clear();
            return;
        }
        pending.compact();
    }

    private void ensureOutputRoom() {
        int packet = engine.getSession().getPacketBufferSize();
        if (output.remaining() < packet) {
            output = grow(output, Math.max(packet, output.capacity()));
        }
    }

    // ---- handshake progress

    /** Reacts to one engine call: notes the end of the handshake, then runs tasks and sends what it asks. */
    private void afterResult(SSLEngineResult result) throws SSLException {
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            finished();
        }
        step();
    }

    /** Runs delegated tasks and produces handshake output until the engine needs input or is done. */
    private void step() throws SSLException {
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                continue;
            }
            if (status != HandshakeStatus.NEED_WRAP) {
                if (!complete && status == HandshakeStatus.NOT_HANDSHAKING && started()) {
                    finished();
                }
                return;
            }
            ensureOutputRoom();
            SSLEngineResult result = engine.wrap(EMPTY.duplicate(), output);
            if (result.getStatus() == Status.BUFFER_OVERFLOW) {
                output = grow(output, engine.getSession().getPacketBufferSize());
                continue;
            }
            if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                finished();
            }
            if (result.bytesProduced() == 0) {
                return; // nothing more can be produced now (closed, or waiting)
            }
        }
    }

    /** Whether a handshake really happened (a safety net in case the FINISHED status was never reported). */
    private boolean started() {
        String suite = engine.getSession().getCipherSuite();
        return suite != null && !suite.endsWith("NULL_WITH_NULL_NULL") && !engine.isOutboundDone()
                && !engine.isInboundDone();
    }

    private void finished() {
        if (complete) {
            return;
        }
        complete = true;
        // TLS 1.3 has no renegotiation (RFC 8446 §4.6); TLS 1.2 has (RFC 5746) and HTTP/2 forbids it.
        renegotiable = !"TLSv1.3".equals(engine.getSession().getProtocol());
        String protocol = engine.getApplicationProtocol();
        applicationProtocol = protocol == null ? "" : protocol;
        if (scratch.position() == 0) {
            scratch = ByteBuffer.allocate(0); // plaintext now goes straight into the caller's buffers
        }
    }

    /** Records the failure, and moves the fatal alert the JDK queued into the output. */
    private TlsException fail(SSLException cause) {
        TlsException exception = TlsException.from(cause, !complete);
        failure = exception;
        try {
            for (int i = 0; i < 4; i++) {
                ensureOutputRoom();
                SSLEngineResult result = engine.wrap(EMPTY.duplicate(), output);
                if (result.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            // The alert could not be produced; the socket closes regardless.
        }
        return exception;
    }

    private static ByteBuffer grow(ByteBuffer buffer, int extra) {
        ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() + Math.max(extra, buffer.capacity()));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
