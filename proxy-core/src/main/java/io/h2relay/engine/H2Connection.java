package io.h2relay.engine;

import io.h2relay.engine.StreamStateMachine.Transition;
import io.h2relay.engine.priority.StreamScheduler;
import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameException;
import io.h2relay.frame.FrameReader;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.SettingId;
import io.h2relay.frame.Settings;
import io.h2relay.hpack.Header;
import io.h2relay.hpack.HpackDecoder;
import io.h2relay.hpack.HpackEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sans-IO HTTP/2 connection (RFC 9113), after python h2's {@code H2Connection}: bytes in through
 * {@link #receiveData}, events out; actions in through the {@code send*} methods, bytes out through
 * {@link #dataToSend}. No sockets, threads, locks or clocks; not thread-safe: exactly one owner (one actor) calls it.
 *
 * <h2>Errors</h2>
 * <ul>
 *   <li><b>Local misuse</b> (sending on a closed stream, more than the window allows, invalid headers...) throws an
 *       {@link H2Error} subclass, and the failed call has changed nothing: every check runs before any state moves,
 *       and the HPACK encoder only runs once a block is certain to go out.</li>
 *   <li><b>A peer's stream-level violation</b> (a malformed message, DATA after its END_STREAM, a stream window
 *       overflow...) resets that stream: RST_STREAM is queued and a {@link Event.StreamReset} with
 *       {@code remoteReset() == false} and a reason is returned. Other streams carry on (RFC 9113 §5.4.2, §8.1.1).
 *       A server answers a malformed request with {@code 400} first when it still can
 *       ({@link H2Configuration#respondToMalformedRequests()}).</li>
 *   <li><b>A peer's connection-level violation</b> queues GOAWAY(code, last processed stream) and ends the batch
 *       with an {@link Event.ConnectionTerminated} whose {@code remote()} is false. {@code receiveData} never throws
 *       for anything the peer sends; after a connection error it ignores further input and every send throws
 *       {@link ProtocolError} (acknowledging received data just does nothing).</li>
 * </ul>
 *
 * <h2>Receiving DATA</h2>
 * Flow control is manual ({@link #incrementFlowControlWindow}) or automatic: acknowledge every
 * {@link Event.DataReceived#flowControlledLength()} once the bytes are consumed, even for streams that have since
 * ended, and {@link #acknowledgeReceivedData} sends WINDOW_UPDATEs by h2's thresholds. Withholding acknowledgement is
 * how a consumer pushes back on the peer.
 *
 * <h2>Abuse limits and time</h2>
 * Every budget of {@link AbuseLimits} is counted ({@link #abuseCounters()}); a spent one ends the connection with
 * GOAWAY(ENHANCE_YOUR_CALM) naming it. The engine has no clock: the rate-limited budgets refill from the time passed
 * to {@link #receiveData(ByteBuffer, long)}.
 *
 * <h2>Sending DATA</h2>
 * {@link #sendData} writes one frame now, as h2 does. {@link #queueData} hands the engine a buffer instead; then
 * {@link #dataToSend(int)} cuts DATA frames from the queued streams in priority order (RFC 9218 urgency, or the RFC
 * 7540 tree), each no larger than the windows and the peer's frame size allow, and reports through
 * {@link #pendingEvents()} when a stream's queue drains or blocks on its window. A stream blocked on a window is
 * never picked until a WINDOW_UPDATE or SETTINGS change opens it, so a caller never spins.
 *
 * <h2>Backpressure</h2>
 * Once the outbound buffer holds {@link AbuseLimits#maxOutboundBufferBytes()} the connection is
 * {@link #outboundPaused() paused}: automatic WINDOW_UPDATEs are withheld (so the peer's DATA stops) and sends by
 * the application throw {@link OutboundBufferFullError}, until {@code dataToSend} drains it.
 */
public final class H2Connection {

    /** RFC 9113 §5.1.1. */
    public static final int HIGHEST_ALLOWED_STREAM_ID = Integer.MAX_VALUE;
    /** RFC 9113 §6.9. */
    public static final int MAX_WINDOW_INCREMENT = Integer.MAX_VALUE;
    /** RFC 9113 §3.4. */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The largest HPACK table our encoder keeps, whatever the peer's SETTINGS_HEADER_TABLE_SIZE allows. */
    static final int MAX_ENCODER_TABLE_SIZE = 65536;

    final H2Configuration config;
    final boolean client;
    final ConnectionStateMachine machine = new ConnectionStateMachine();
    final H2Settings localSettings;
    final H2Settings remoteSettings;
    final FrameReader reader;
    final OutboundBuffer out = new OutboundBuffer();
    final HpackEncoder encoder = new HpackEncoder();
    final HpackDecoder decoder;
    final HeaderRules rules;
    final Streams streams;
    /** Connection-level windows (RFC 9113 §6.9.1); SETTINGS never change them (§6.9.2). */
    final SendWindow sendWindow = new SendWindow(65535);
    final ReceiveWindow receiveWindow = new ReceiveWindow(65535);
    final AbuseGuard guard;
    final StreamScheduler scheduler;
    final DataSender sender;
    final HeaderBlockAssembler assembler = new HeaderBlockAssembler();
    /** Request streams a PRIORITY_UPDATE named before they opened (RFC 9218 §7.1 bounds them). */
    final IdlePriorities idlePriorities = new IdlePriorities();
    private final Inbound inbound;

    private final List<Event> pendingEvents = new ArrayList<>();
    /** Where events go: the batch of the running receiveData, else the pending list. */
    private List<Event> sink = pendingEvents;

    private boolean initiated;
    private int prefaceMatched;
    boolean settingsReceived;
    /** -1 until sent / received. */
    int goAwaySentLastStreamId = -1;
    int goAwayReceivedLastStreamId = -1;
    /** A connection error happened: no more input, no more sends. */
    boolean terminated;
    /** Our PINGs not yet acknowledged: an ACK beyond them answers nothing and spends the PING budget. */
    int pingsOutstanding;
    private long lastNanos;

    /** Automatic WINDOW_UPDATEs held back while paused (some stream or the connection has deferred bytes). */
    private boolean acksDeferred;

    public H2Connection(H2Configuration config) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = config.clientSide();
        this.localSettings = H2Settings.local(config);
        this.remoteSettings = H2Settings.remote(client);
        this.reader = new FrameReader(localSettings.maxFrameSize());
        this.decoder = new HpackDecoder(config.maxHeaderListSize());
        this.rules = new HeaderRules(config.headerRulesOptions());
        this.streams = new Streams(client, config.limits().maxClosedStreams());
        this.guard = new AbuseGuard(config.limits());
        this.scheduler = new StreamScheduler(config.rfc7540Priorities() ? StreamScheduler.Scheme.RFC7540
                : StreamScheduler.Scheme.RFC9218, Math.max(2, config.limits().maxTrackedPriorities()));
        this.sender = new DataSender(this, scheduler);
        this.inbound = new Inbound(this);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Starting

    /**
     * Queues the connection preface: the client magic (clients only, RFC 9113 §3.4) and a SETTINGS frame with every
     * local setting. Both sides must call it once, first.
     */
    public void initiateConnection() {
        ensureNotTerminated();
        if (initiated) {
            throw new ProtocolError("the connection was already initiated");
        }
        machine.check(ConnectionInput.SEND_SETTINGS);
        initiated = true;
        if (client) {
            out.writer.raw(ByteBuffer.wrap(PREFACE));
        }
        Settings frame = H2Settings.initialFrame(config);
        localSettings.queue(frame);
        out.writer.settings(frame);
        machine.apply(ConnectionInput.SEND_SETTINGS);
    }

    /**
     * Starts a connection upgraded from HTTP/1.1 (RFC 7540 §3.2, h2c; deprecated by RFC 9113 §3.1 but still spoken).
     * A client passes null and gets back the {@code HTTP2-Settings} value to send with its upgrade request (base64url
     * of the SETTINGS payload, RFC 7540 §3.2.1); stream 1, the upgraded request, is then half-closed (local). A server
     * passes the client's {@code HTTP2-Settings} value, which takes effect as the client's first SETTINGS, and gets
     * null; stream 1 is half-closed (remote) and awaits the response.
     */
    public String initiateUpgradeConnection(String settingsHeader) {
        ensureNotTerminated();
        if (initiated) {
            throw new ProtocolError("the connection was already initiated");
        }
        if (client) {
            if (settingsHeader != null) {
                throw new IllegalArgumentException("a client creates the HTTP2-Settings header; pass null");
            }
            initiateConnection();
            H2Stream s = newStream(1, true);
            streams.add(s);
            step(s, StreamInput.UPGRADE_CLIENT);
            s.finalHeadersSent = true;
            machine.apply(ConnectionInput.SEND_HEADERS);
            return H2Settings.toHttp2SettingsHeader(H2Settings.initialFrame(config));
        }
        Objects.requireNonNull(settingsHeader, "a server needs the client's HTTP2-Settings header");
        Settings received = H2Settings.fromHttp2SettingsHeader(settingsHeader);
        remoteSettings.validateOutgoing(received);
        initiateConnection();
        applyRemoteSettings(received);
        H2Stream s = newStream(1, false);
        streams.add(s);
        step(s, StreamInput.UPGRADE_SERVER);
        s.finalHeadersReceived = true;
        guard.streamOpened();
        sender.schedule(s, null);
        machine.receive(ConnectionInput.RECV_HEADERS);
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Input

    /** {@link #receiveData(ByteBuffer, long)} at the time last passed in (rate limits do not refill). */
    public List<Event> receiveData(ByteBuffer data) {
        return receiveData(data, lastNanos);
    }

    /**
     * Feeds bytes read from the socket (consumed entirely; any split is fine) and returns what they meant, in order.
     * Never throws for anything in the bytes: see the class comment.
     *
     * @param nowNanos a monotonic time (e.g. {@code System.nanoTime()}) that refills the rate-limited abuse budgets
     */
    public List<Event> receiveData(ByteBuffer data, long nowNanos) {
        List<Event> batch = new ArrayList<>();
        if (terminated) {
            data.position(data.limit());
            return batch;
        }
        lastNanos = nowNanos;
        guard.setTime(nowNanos);
        sink = batch;
        try {
            if (!client && prefaceMatched < PREFACE.length) {
                matchPreface(data);
            }
            if (data.hasRemaining()) {
                reader.read(data, inbound);
            }
        } catch (FrameException e) {
            connectionError(e.errorCode(), e.getMessage());
        } catch (H2Error e) {
            connectionError(e.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            // A defect of ours must still not crash the caller: the peer gets INTERNAL_ERROR.
            connectionError(ErrorCode.INTERNAL_ERROR.code(), "internal error: " + e);
        } finally {
            sink = pendingEvents;
            data.position(data.limit());
        }
        return batch;
    }

    /** RFC 9113 §3.4: the client magic, checked byte by byte so it may arrive in pieces. */
    private void matchPreface(ByteBuffer data) throws FrameException {
        while (prefaceMatched < PREFACE.length && data.hasRemaining()) {
            if (data.get() != PREFACE[prefaceMatched]) {
                throw new FrameException(ErrorCode.PROTOCOL_ERROR, "invalid connection preface");
            }
            prefaceMatched++;
        }
    }

    /** Events produced outside {@link #receiveData} (queued mode, GOAWAY bookkeeping), oldest first; clears them. */
    public List<Event> pendingEvents() {
        List<Event> events = List.copyOf(pendingEvents);
        pendingEvents.clear();
        return events;
    }

    void emit(Event event) {
        sink.add(event);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Output

    /** Everything waiting to be written, after cutting queued DATA as far as windows allow. */
    public byte[] dataToSend() {
        fill(config.limits().maxOutboundBufferBytes());
        byte[] bytes = out.take(Integer.MAX_VALUE);
        afterDrain();
        return bytes;
    }

    /**
     * At most {@code max} bytes of output (frames may be split across calls). Queued DATA is cut into frames only
     * while less than {@code max} is waiting, so a writer asking for what its socket takes never makes the engine
     * buffer more.
     */
    public byte[] dataToSend(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        fill(max);
        byte[] bytes = out.take(max);
        afterDrain();
        return bytes;
    }

    /**
     * As {@link #dataToSend(int)} with {@code dst.remaining()} as the limit, copied straight into {@code dst} (a
     * runtime's reusable socket buffer): no array per write. Returns the number of bytes put.
     */
    public int dataToSend(ByteBuffer dst) {
        fill(dst.remaining());
        int n = out.drainTo(dst);
        afterDrain();
        return n;
    }

    /** Bytes waiting in the outbound buffer (queued-mode data not yet cut into frames excluded). */
    public int outboundBufferedBytes() {
        return out.size();
    }

    /**
     * The outbound buffer is full ({@link AbuseLimits#maxOutboundBufferBytes()}): the peer is not reading. Automatic
     * WINDOW_UPDATEs are withheld and application sends throw until {@link #dataToSend} drains it. A runtime should
     * stop reading the socket meanwhile.
     */
    /**
     * Gives back buffer space grown for past bursts once all output has been taken (nothing happens otherwise): for
     * the owner to call when the connection has gone idle, so idle connections hold only their initial buffers.
     */
    public void releaseIdleBuffers() {
        out.trim();
    }

    public boolean outboundPaused() {
        return out.size() >= config.limits().maxOutboundBufferBytes();
    }

    /** Whether a write would carry something: buffered bytes, or queued DATA with window to send it. */
    public boolean hasDataToSend() {
        return out.size() > 0 || (!terminated && sendWindow.size() > 0 && sender.hasReady());
    }

    /** Drops everything waiting to be written (h2's {@code clear_outbound_data_buffer}). */
    public void clearOutboundBuffer() {
        out.clear();
        afterDrain();
    }

    private void fill(int limit) {
        if (!terminated) {
            sender.fill(limit);
        }
    }

    private void afterDrain() {
        if (acksDeferred && !outboundPaused()) {
            acksDeferred = false;
            releaseDeferredAcks();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Streams

    /**
     * The identifier the next stream we open must use (1, 3, 5... for a client; 2, 4... for a server's pushes).
     * It does not advance until a stream actually uses it.
     *
     * @throws NoAvailableStreamIdError the identifiers are exhausted
     */
    public int nextAvailableStreamId() {
        int highest = streams.highestOutbound();
        long next = highest == 0 ? (client ? 1 : 2) : highest + 2L;
        if (next > HIGHEST_ALLOWED_STREAM_ID) {
            throw new NoAvailableStreamIdError("stream identifiers exhausted (last used " + highest + ")");
        }
        return (int) next;
    }

    /**
     * Sends a header block: a request (client, new stream), a response or 1xx (server), or trailers (either side;
     * then {@code endStream} is required). Headers are normalized and validated first (RFC 9113 §8.2-8.3); nothing
     * changes unless the block goes out.
     */
    public void sendHeaders(int streamId, List<Header> headers, boolean endStream) {
        sendHeaders(streamId, headers, endStream, null);
    }

    /**
     * As {@link #sendHeaders(int, List, boolean)}, with RFC 7540 priority fields on the HEADERS frame (clients
     * only; deprecated by RFC 9113 §5.3.2 but still understood by some servers).
     */
    public void sendHeaders(int streamId, List<Header> headers, boolean endStream, PriorityFields priority) {
        Objects.requireNonNull(headers, "headers");
        ensureUsable();
        machine.check(ConnectionInput.SEND_HEADERS);
        if (priority != null) {
            checkPrioritySignal(streamId, priority);
        }
        H2Stream s = streams.get(streamId);
        boolean opening = s == null;
        if (opening) {
            checkNewOutboundStream(streamId);
        }
        StreamState state = opening ? StreamState.IDLE : s.state;
        HeaderBlockKind kind = client ? (opening ? HeaderBlockKind.REQUEST : HeaderBlockKind.TRAILERS)
                : (s.finalHeadersSent ? HeaderBlockKind.TRAILERS : HeaderBlockKind.RESPONSE);
        HeaderFacts facts = rules.outbound(kind, headers, client, remoteSettings.enableConnectProtocol());
        StreamInput input = facts.informational() ? StreamInput.SEND_INFORMATIONAL_HEADERS : StreamInput.SEND_HEADERS;
        Transition t = StreamStateMachine.lookup(state, input);
        if (t == null) {
            throw opening ? new ProtocolError("cannot open stream " + streamId + " with HEADERS") : s.refusal(input);
        }
        if (endStream && StreamStateMachine.lookup(t.next(), StreamInput.SEND_END_STREAM) == null) {
            throw opening ? new ProtocolError("cannot end stream " + streamId) : s.refusal(StreamInput.SEND_END_STREAM);
        }
        if (kind == HeaderBlockKind.TRAILERS && !endStream) {
            throw new ProtocolError("trailers must have END_STREAM set (RFC 9113 §8.1)");
        }
        if (facts.informational() && endStream) {
            throw new ProtocolError("a 1xx response cannot end the stream (RFC 9113 §8.1)");
        }
        boolean opensMessage = kind != HeaderBlockKind.TRAILERS && !facts.informational();
        long bodyLength = opensMessage ? facts.expectedBodyLength(opening ? null : s.method) : -1;
        if (opensMessage && endStream && bodyLength > 0) {
            throw new InvalidBodyLengthError(bodyLength, 0);
        }
        if (kind == HeaderBlockKind.TRAILERS) {
            checkBodyLength(s, 0, true);
        }
        if (!opening && state == StreamState.RESERVED_LOCAL
                && streams.openOutbound() >= remoteSettings.maxConcurrentStreams()) {
            throw new TooManyStreamsError("the peer allows " + remoteSettings.maxConcurrentStreams()
                    + " concurrent streams");
        }
        if (!opening && s.queuedBytes() > 0) {
            // Queued DATA goes first; these trailers follow it (RFC 9113 §8.1: trailers end the message).
            if (s.queue.endStream || s.queue.trailers != null) {
                throw new StreamClosedError(streamId, "stream " + streamId + " already has its end queued");
            }
            s.queue.trailers = facts.headers();
            return;
        }
        ensureRoom();

        // Every check passed: from here on, state moves and the block is encoded.
        if (opening) {
            s = newStream(streamId, true);
            streams.add(s);
            guard.streamOpened();
        }
        machine.apply(ConnectionInput.SEND_HEADERS);
        step(s, input);
        if (!facts.informational()) {
            s.finalHeadersSent = true;
        }
        if (kind == HeaderBlockKind.REQUEST) {
            s.method = facts.method();
            s.authority = authorityOf(facts.headers());
        }
        if (opensMessage) {
            s.sendExpectedLength = bodyLength;
        }
        if (opening) {
            sender.schedule(s, facts.priority());
        } else if (kind == HeaderBlockKind.RESPONSE && !facts.informational() && state == StreamState.RESERVED_LOCAL) {
            sender.schedule(s, null);
        }
        if (priority != null) {
            scheduler.updateDependency(streamId, priority.streamDependency(), priority.weight(), priority.exclusive());
        }
        writeHeaders(s, facts.headers(), endStream, priority);
    }

    /** A server's answer to a request it rejects: only a status, ending our side (RFC 9113 §8.1.1). */
    void respondWithStatus(H2Stream s, int status) {
        step(s, StreamInput.SEND_HEADERS);
        s.finalHeadersSent = true;
        writeHeaders(s, List.of(Header.of(":status", Integer.toString(status))), true, null);
    }

    /** Encodes and writes a header block now and applies END_STREAM; the checks are done. */
    void writeHeaders(H2Stream s, List<Header> headers, boolean endStream, PriorityFields priority) {
        ByteBuffer block = encoder.encode(headers);
        out.writer.headers(s.id, block, endStream, priority, 0, maxOutboundFrameSize());
        if (endStream) {
            step(s, StreamInput.SEND_END_STREAM);
        }
    }

    private void checkNewOutboundStream(int streamId) {
        if (!client) {
            throw streams.isIdle(streamId) ? new NoSuchStreamError(streamId)
                    : new StreamClosedError(streamId);
        }
        if (streamId <= 0 || (streamId & 1) == 0) {
            throw new ProtocolError("a client opens odd-numbered streams (RFC 9113 §5.1.1): " + streamId);
        }
        if (streamId <= streams.highestOutbound()) {
            if (streams.closedBy(streamId) != null) {
                throw new StreamClosedError(streamId);
            }
            throw new StreamIdTooLowError(streamId, streams.highestOutbound());
        }
        if (goAwayReceivedLastStreamId >= 0) {
            throw new ProtocolError("the peer sent GOAWAY: no new streams (RFC 9113 §6.8)");
        }
        if (goAwaySentLastStreamId >= 0) {
            throw new ProtocolError("this connection is closing: no new streams");
        }
        if (streams.openOutbound() >= remoteSettings.maxConcurrentStreams()) {
            throw new TooManyStreamsError("the peer allows " + remoteSettings.maxConcurrentStreams()
                    + " concurrent streams");
        }
    }

    /**
     * Sends one DATA frame now, as h2 does: no splitting. Its size (plus padding) must fit the stream and
     * connection windows and the peer's SETTINGS_MAX_FRAME_SIZE; an empty frame is always allowed (e.g. to end a
     * stream whose window went negative).
     *
     * @param padLength 0 for none, else 1..255 octets of padding (RFC 9113 §6.1), counted by flow control
     */
    public void sendData(int streamId, ByteBuffer data, boolean endStream, int padLength) {
        Objects.requireNonNull(data, "data");
        if (padLength < 0 || padLength > 255) {
            throw new IllegalArgumentException("pad length must be 0..255: " + padLength);
        }
        ensureUsable();
        machine.check(ConnectionInput.SEND_DATA);
        H2Stream s = requireStream(streamId);
        Transition t = s.peek(StreamInput.SEND_DATA);
        if (t == null) {
            throw s.refusal(StreamInput.SEND_DATA);
        }
        if (endStream && StreamStateMachine.lookup(t.next(), StreamInput.SEND_END_STREAM) == null) {
            throw s.refusal(StreamInput.SEND_END_STREAM);
        }
        if (s.queue != null && !s.queue.isEmpty()) {
            throw new ProtocolError("stream " + streamId + " has queued data; queue this too");
        }
        int payload = data.remaining() + (padLength > 0 ? padLength + 1 : 0);
        if (payload > 0 && payload > localFlowControlWindow(streamId)) {
            throw new FlowControlError("cannot send " + payload + " bytes, the window allows "
                    + localFlowControlWindow(streamId));
        }
        if (payload > maxOutboundFrameSize()) {
            throw new FrameTooLargeError("a " + payload + "-byte DATA frame is larger than the peer's "
                    + maxOutboundFrameSize());
        }
        checkBodyLength(s, data.remaining(), endStream);
        ensureRoom();
        s.sendCommittedLength += data.remaining();
        writeData(s, data, endStream, padLength, payload);
    }

    /**
     * RFC 9113 §8.1.1 for what we send: the DATA handed over so far plus {@code more} bytes may not pass the
     * content-length we declared, and must equal it when the stream ends. Raised before anything is written.
     */
    private static void checkBodyLength(H2Stream s, long more, boolean end) {
        long expected = s.sendExpectedLength;
        if (expected < 0) {
            return;
        }
        long total = s.sendCommittedLength + more;
        if (total > expected || (end && total != expected)) {
            throw new InvalidBodyLengthError(expected, total);
        }
    }

    public void sendData(int streamId, ByteBuffer data, boolean endStream) {
        sendData(streamId, data, endStream, 0);
    }

    void writeData(H2Stream s, ByteBuffer data, boolean endStream, int padLength, int flowControlled) {
        machine.apply(ConnectionInput.SEND_DATA);
        sendWindow.consume(flowControlled);
        s.sendWindow.consume(flowControlled);
        out.writer.data(s.id, data, endStream, padLength);
        guard.dataFrameSent();
        step(s, StreamInput.SEND_DATA);
        if (endStream) {
            step(s, StreamInput.SEND_END_STREAM);
        }
    }

    /**
     * Queued mode: hands the engine {@code data} (kept as a view: do not change it until it is sent) for
     * {@link #dataToSend(int)} to cut into DATA frames by priority within the windows. {@code endStream} ends the
     * stream after the last byte. Trailers sent while data is queued go out after it.
     */
    public void queueData(int streamId, ByteBuffer data, boolean endStream) {
        Objects.requireNonNull(data, "data");
        ensureUsable();
        machine.check(ConnectionInput.SEND_DATA);
        H2Stream s = requireStream(streamId);
        if (s.peek(StreamInput.SEND_DATA) == null) {
            throw s.refusal(StreamInput.SEND_DATA);
        }
        if (s.queue != null && (s.queue.endStream || s.queue.trailers != null)) {
            throw new StreamClosedError(streamId, "stream " + streamId + " already has its end queued");
        }
        checkBodyLength(s, data.remaining(), endStream);
        s.sendCommittedLength += data.remaining();
        sender.queue(s, data, endStream);
    }

    /** Ends the stream: an empty DATA frame with END_STREAM, or, with data queued, END_STREAM after it. */
    public void endStream(int streamId) {
        ensureUsable();
        H2Stream s = requireStream(streamId);
        if (s.queue != null && s.queue.bytes() > 0) {
            if (s.queue.endStream || s.queue.trailers != null) {
                throw new StreamClosedError(streamId, "stream " + streamId + " already has its end queued");
            }
            if (s.peek(StreamInput.SEND_DATA) == null) {
                throw s.refusal(StreamInput.SEND_END_STREAM);
            }
            checkBodyLength(s, 0, true);
            s.queue.endStream = true;
            return;
        }
        sendData(streamId, ByteBuffer.allocate(0), true, 0);
    }

    /** Sends RST_STREAM and closes the stream (RFC 9113 §6.4); queued data is dropped. */
    public void resetStream(int streamId, int errorCode) {
        ensureUsable();
        machine.check(ConnectionInput.SEND_RST_STREAM);
        H2Stream s = requireStream(streamId);
        if (s.peek(StreamInput.SEND_RST_STREAM) == null) {
            throw s.refusal(StreamInput.SEND_RST_STREAM);
        }
        machine.apply(ConnectionInput.SEND_RST_STREAM);
        out.writer.rstStream(streamId, errorCode);
        step(s, StreamInput.SEND_RST_STREAM);
    }

    public void resetStream(int streamId) {
        resetStream(streamId, ErrorCode.NO_ERROR.code());
    }

    /**
     * Server push (RFC 9113 §8.4): promises {@code promisedStreamId} (even, unused) on the client's stream
     * {@code streamId} with the request it answers. The promised stream is reserved (local); answer it with
     * {@link #sendHeaders}.
     */
    public void pushStream(int streamId, int promisedStreamId, List<Header> requestHeaders) {
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        ensureUsable();
        if (client) {
            throw new ProtocolError("clients cannot push (RFC 9113 §8.4)");
        }
        machine.check(ConnectionInput.SEND_PUSH_PROMISE);
        if (!remoteSettings.enablePush()) {
            throw new ProtocolError("the peer disabled server push (SETTINGS_ENABLE_PUSH = 0)");
        }
        H2Stream parent = requireStream(streamId);
        if (parent.local) {
            throw new ProtocolError("cannot push on stream " + streamId + ": pushes go on client streams");
        }
        if (parent.peek(StreamInput.SEND_PUSH_PROMISE) == null) {
            throw parent.refusal(StreamInput.SEND_PUSH_PROMISE);
        }
        if (promisedStreamId <= 0 || (promisedStreamId & 1) != 0) {
            throw new ProtocolError("a promised stream is even-numbered (RFC 9113 §5.1.1): " + promisedStreamId);
        }
        if (promisedStreamId <= streams.highestOutbound()) {
            throw new StreamIdTooLowError(promisedStreamId, streams.highestOutbound());
        }
        if (goAwayReceivedLastStreamId >= 0 || goAwaySentLastStreamId >= 0) {
            throw new ProtocolError("the connection is going away: no new streams");
        }
        HeaderFacts facts = rules.outbound(HeaderBlockKind.PUSH_PROMISE, requestHeaders, client,
                remoteSettings.enableConnectProtocol());
        ensureRoom();

        machine.apply(ConnectionInput.SEND_PUSH_PROMISE);
        step(parent, StreamInput.SEND_PUSH_PROMISE);
        H2Stream promised = newStream(promisedStreamId, true);
        streams.add(promised);
        step(promised, StreamInput.SEND_PUSH_PROMISE);
        promised.method = facts.method();
        promised.finalHeadersReceived = true;
        guard.streamOpened();
        ByteBuffer block = encoder.encode(facts.headers());
        out.writer.pushPromise(streamId, promisedStreamId, block, maxOutboundFrameSize());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Connection-level actions

    /** Sends a PING (RFC 9113 §6.7); the answer arrives as {@link Event.PingAckReceived}. */
    public void ping(long opaqueData) {
        ensureUsable();
        machine.check(ConnectionInput.SEND_PING);
        ensureRoom();
        machine.apply(ConnectionInput.SEND_PING);
        out.writer.ping(false, opaqueData);
        pingsOutstanding++;
    }

    /**
     * Sends SETTINGS. The values take effect when the peer acknowledges this frame (RFC 9113 §6.5.3); each ACK
     * applies exactly one outstanding frame, oldest first.
     */
    public void updateSettings(Settings changes) {
        Objects.requireNonNull(changes, "changes");
        ensureUsable();
        machine.check(ConnectionInput.SEND_SETTINGS);
        localSettings.validateOutgoing(changes);
        ensureRoom();
        machine.apply(ConnectionInput.SEND_SETTINGS);
        localSettings.queue(changes);
        out.writer.settings(changes);
    }

    /** GOAWAY(NO_ERROR) with the highest peer stream so far: a graceful close (RFC 9113 §6.8). */
    public void closeConnection() {
        closeConnection(ErrorCode.NO_ERROR.code(), null, -1);
    }

    public void closeConnection(int errorCode) {
        closeConnection(errorCode, null, -1);
    }

    /**
     * Sends GOAWAY. With NO_ERROR the connection drains: streams up to {@code lastStreamId} may finish in both
     * directions, newer peer streams are ignored, and no new streams are opened; a first GOAWAY with
     * 2^31-1 followed later by the real one gives the two-phase shutdown of §6.8. With an error code the connection
     * is over: nothing more is received or sent.
     *
     * @param additionalData debug data (octets as chars), or null
     * @param lastStreamId the highest peer stream that was or may be processed; -1 for the highest seen
     */
    public void closeConnection(int errorCode, String additionalData, int lastStreamId) {
        if (terminated) {
            throw new ProtocolError("the connection already failed");
        }
        machine.check(ConnectionInput.SEND_GOAWAY);
        int last = lastStreamId < 0 ? streams.highestInbound() : lastStreamId;
        if (goAwaySentLastStreamId >= 0 && last > goAwaySentLastStreamId) {
            throw new IllegalArgumentException("a GOAWAY cannot raise the last stream id (" + goAwaySentLastStreamId
                    + ") (RFC 9113 §6.8)");
        }
        machine.apply(ConnectionInput.SEND_GOAWAY);
        goAwaySentLastStreamId = last;
        out.writer.goAway(last, errorCode, debugData(additionalData));
        for (H2Stream s : streams.all()) {
            if (!s.local && s.id > last) {
                forget(s, ClosedBy.SEND_RST_STREAM, new Event.StreamReset(s.id, ErrorCode.REFUSED_STREAM.code(),
                        false, "above the last-stream-id " + last + " of our GOAWAY"));
            }
        }
        if (errorCode != ErrorCode.NO_ERROR.code()) {
            machine.close();
            terminated = true;
        }
    }

    /**
     * Sends a WINDOW_UPDATE for a stream, or for the connection when {@code streamId} is 0 (manual flow control).
     *
     * @param increment 1..2^31-1
     */
    public void incrementFlowControlWindow(int increment, int streamId) {
        if (increment < 1) {
            throw new IllegalArgumentException("flow control increment must be 1..2^31-1: " + increment);
        }
        ensureUsable();
        machine.check(ConnectionInput.SEND_WINDOW_UPDATE);
        if (streamId == 0) {
            if (receiveWindow.current() + increment > SendWindow.MAX) {
                throw new FlowControlError("the connection window would pass 2^31-1");
            }
            ensureRoom();
            machine.apply(ConnectionInput.SEND_WINDOW_UPDATE);
            receiveWindow.opened(increment);
        } else {
            H2Stream s = requireStream(streamId);
            if (s.peek(StreamInput.SEND_WINDOW_UPDATE) == null) {
                throw s.refusal(StreamInput.SEND_WINDOW_UPDATE);
            }
            if (s.receiveWindow.current() + increment > SendWindow.MAX) {
                throw new FlowControlError("the window of stream " + streamId + " would pass 2^31-1");
            }
            ensureRoom();
            machine.apply(ConnectionInput.SEND_WINDOW_UPDATE);
            step(s, StreamInput.SEND_WINDOW_UPDATE);
            s.receiveWindow.opened(increment);
        }
        out.writer.windowUpdate(streamId, increment);
    }

    /**
     * Automatic flow control: the application has processed {@code acknowledgedSize} bytes of the stream's DATA (its
     * {@link Event.DataReceived#flowControlledLength()}s). WINDOW_UPDATEs go out by h2's thresholds
     * (ENGINE_PARITY §1.9), for the connection always and for the stream while the peer may still send on it. While
     * {@link #outboundPaused() paused} they are held back and released once the buffer drains.
     */
    public void acknowledgeReceivedData(int acknowledgedSize, int streamId) {
        if (acknowledgedSize < 0) {
            throw new IllegalArgumentException("acknowledged size must not be negative: " + acknowledgedSize);
        }
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id must be positive: " + streamId);
        }
        if (terminated) {
            return; // the batch that carried this DATA also ended the connection: nothing left to credit
        }
        H2Stream s = streams.get(streamId);
        boolean streamCredit = s != null && s.canReceive();
        if (outboundPaused()) {
            receiveWindow.defer(acknowledgedSize);
            if (streamCredit) {
                s.receiveWindow.defer(acknowledgedSize);
            }
            acksDeferred = true;
            return;
        }
        int connectionIncrement = receiveWindow.process(acknowledgedSize);
        if (connectionIncrement > 0) {
            out.writer.windowUpdate(0, connectionIncrement);
        }
        if (streamCredit) {
            int streamIncrement = s.receiveWindow.process(acknowledgedSize);
            if (streamIncrement > 0) {
                out.writer.windowUpdate(streamId, streamIncrement);
            }
        }
    }

    /** Inbound DATA nobody will acknowledge (ignored, or on a stream already reset): credit the connection. */
    void creditConnection(int flowControlled) {
        if (outboundPaused()) {
            receiveWindow.defer(flowControlled);
            acksDeferred = true;
            return;
        }
        int increment = receiveWindow.process(flowControlled);
        if (increment > 0) {
            out.writer.windowUpdate(0, increment);
        }
    }

    /**
     * Our INITIAL_WINDOW_SIZE changed the stream's window (RFC 9113 §6.9.2): bytes the application acknowledged
     * earlier may now be due as a WINDOW_UPDATE. Without this re-check a shrunken window whose acknowledgements all
     * came before the change would never reopen (h2 has this stall).
     */
    void receiveWindowResized(H2Stream s) {
        if (s.receiveWindow.processed() == 0 || !s.canReceive()) {
            return;
        }
        if (outboundPaused()) {
            acksDeferred = true;
            return;
        }
        int increment = s.receiveWindow.update();
        if (increment > 0) {
            out.writer.windowUpdate(s.id, increment);
        }
    }

    private void releaseDeferredAcks() {
        int increment = receiveWindow.update();
        if (increment > 0) {
            out.writer.windowUpdate(0, increment);
        }
        for (H2Stream s : streams.all()) {
            if (s.receiveWindow.processed() > 0 && s.canReceive()) {
                int streamIncrement = s.receiveWindow.update();
                if (streamIncrement > 0) {
                    out.writer.windowUpdate(s.id, streamIncrement);
                }
            }
        }
    }

    /**
     * Client only: an RFC 7540 PRIORITY frame (deprecated by RFC 9113 §5.3.2; servers get {@link Rfc1122Error}).
     *
     * @param weight 1..256
     */
    public void prioritize(int streamId, int weight, int dependsOn, boolean exclusive) {
        if (!client) {
            throw new Rfc1122Error("servers should not prioritize streams (RFC 7540 §5.3)");
        }
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight must be 1..256: " + weight);
        }
        PriorityFields fields = new PriorityFields(dependsOn, exclusive, weight);
        ensureUsable();
        machine.check(ConnectionInput.SEND_PRIORITY);
        checkPrioritySignal(streamId, fields);
        ensureRoom();
        machine.apply(ConnectionInput.SEND_PRIORITY);
        scheduler.updateDependency(streamId, dependsOn, weight, exclusive);
        out.writer.priority(streamId, fields);
    }

    private void checkPrioritySignal(int streamId, PriorityFields fields) {
        if (!client) {
            throw new Rfc1122Error("servers should not send RFC 7540 priority signals");
        }
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id must be positive: " + streamId);
        }
        if (fields.streamDependency() == streamId) {
            throw new ProtocolError("stream " + streamId + " cannot depend on itself (RFC 9113 §5.3.1)");
        }
    }

    /**
     * Client only: sends an RFC 9218 §7.1 PRIORITY_UPDATE for a request stream (the {@code priority} field-value
     * syntax, e.g. {@code "u=1, i"}) or a pushed one. Servers must not send it ({@link ProtocolError}). A stream not
     * yet opened may be named, but such streams plus the open ones may not exceed the peer's
     * SETTINGS_MAX_CONCURRENT_STREAMS ({@link TooManyStreamsError}); a push stream never promised may not.
     */
    public void updatePriority(int streamId, String fieldValue) {
        Objects.requireNonNull(fieldValue, "fieldValue");
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id must be positive: " + streamId);
        }
        for (int i = 0; i < fieldValue.length(); i++) {
            char ch = fieldValue.charAt(i);
            if (ch < 0x20 || ch > 0x7e) {
                throw new IllegalArgumentException("a priority field value is printable ASCII (RFC 9218 §7.1, "
                        + "RFC 8941): " + fieldValue);
            }
        }
        if (!client) {
            throw new ProtocolError("servers must not send PRIORITY_UPDATE (RFC 9218 §7.1)");
        }
        ensureUsable();
        machine.check(ConnectionInput.SEND_PRIORITY_UPDATE);
        boolean idle = streams.isIdle(streamId);
        if (idle) {
            if (streams.peerInitiated(streamId)) {
                throw new ProtocolError("PRIORITY_UPDATE for push stream " + streamId
                        + ", which was never promised (RFC 9218 §7.1)");
            }
            if (!idlePriorities.contains(streamId) && idlePriorities.count(streams.highestOutbound())
                    + streams.openOutbound() >= remoteSettings.maxConcurrentStreams()) {
                throw new TooManyStreamsError("prioritized idle streams and open ones would exceed the peer's "
                        + remoteSettings.maxConcurrentStreams() + " concurrent streams (RFC 9218 §7.1)");
            }
        }
        ensureRoom();
        machine.apply(ConnectionInput.SEND_PRIORITY_UPDATE);
        if (idle) {
            idlePriorities.add(streamId);
        }
        out.writer.priorityUpdate(streamId, fieldValue);
    }

    /**
     * Server only: an ALTSVC frame (RFC 7838 §4). Either for an origin (on stream 0; {@code streamId} 0), or for the
     * origin of a request stream ({@code origin} null), which is allowed only before its response headers.
     */
    public void advertiseAlternativeService(String fieldValue, String origin, int streamId) {
        Objects.requireNonNull(fieldValue, "fieldValue");
        if (client) {
            throw new ProtocolError("clients cannot advertise alternative services (RFC 7838 §4)");
        }
        if ((origin == null) == (streamId == 0)) {
            throw new IllegalArgumentException("give exactly one of an origin (stream 0) or a stream");
        }
        ensureUsable();
        machine.check(ConnectionInput.SEND_ALTERNATIVE_SERVICE);
        if (streamId != 0) {
            H2Stream s = requireStream(streamId);
            if (s.peek(StreamInput.SEND_ALTERNATIVE_SERVICE) == null) {
                throw s.refusal(StreamInput.SEND_ALTERNATIVE_SERVICE);
            }
            if (s.finalHeadersSent) {
                throw new ProtocolError("ALTSVC on stream " + streamId + " must precede its response headers");
            }
        }
        ensureRoom();
        machine.apply(ConnectionInput.SEND_ALTERNATIVE_SERVICE);
        out.writer.altSvc(streamId, origin == null ? "" : origin, fieldValue);
    }

    /** Server only: an ORIGIN frame (RFC 8336 §2) listing the origins this connection serves. */
    public void advertiseOrigins(List<String> origins) {
        Objects.requireNonNull(origins, "origins");
        if (client) {
            throw new ProtocolError("only servers send ORIGIN (RFC 8336 §2)");
        }
        ensureUsable();
        machine.check(ConnectionInput.SEND_ORIGIN);
        ensureRoom();
        machine.apply(ConnectionInput.SEND_ORIGIN);
        out.writer.origin(origins);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Windows and introspection

    /** What we may send on the stream now: min(connection, stream) outbound window (may be negative). */
    public int localFlowControlWindow(int streamId) {
        H2Stream s = requireStream(streamId);
        return (int) Math.min(sendWindow.size(), s.sendWindow.size());
    }

    /** What the peer may send on the stream now: min(connection, stream) inbound window. */
    public int remoteFlowControlWindow(int streamId) {
        H2Stream s = requireStream(streamId);
        return (int) Math.min(receiveWindow.current(), s.receiveWindow.current());
    }

    /** Queued-mode bytes of the stream not yet cut into DATA frames (0 for unknown streams). */
    public long queuedData(int streamId) {
        H2Stream s = streams.get(streamId);
        return s == null ? 0 : s.queuedBytes();
    }

    /** The connection's inbound window. */
    public int inboundFlowControlWindow() {
        return (int) receiveWindow.current();
    }

    /** The connection's outbound window. */
    public int outboundFlowControlWindow() {
        return (int) sendWindow.size();
    }

    /** The peer's SETTINGS_MAX_FRAME_SIZE: the largest frame payload we may send. */
    public int maxOutboundFrameSize() {
        return remoteSettings.maxFrameSize();
    }

    /** Our acknowledged SETTINGS_MAX_FRAME_SIZE: the largest frame payload we accept. */
    public int maxInboundFrameSize() {
        return localSettings.maxFrameSize();
    }

    /** Streams the peer opened that are open or half-closed. */
    public int openInboundStreams() {
        return streams.openInbound();
    }

    /** Streams we opened that are open or half-closed. */
    public int openOutboundStreams() {
        return streams.openOutbound();
    }

    /** Streams not yet closed, reserved ones included. */
    public int liveStreams() {
        return streams.liveCount();
    }

    /** The RFC 9113 §5.1 state of a stream: IDLE for unused identifiers, CLOSED for finished or forgotten ones. */
    public StreamState streamState(int streamId) {
        H2Stream s = streams.get(streamId);
        if (s != null) {
            return s.state;
        }
        return streams.isIdle(streamId) ? StreamState.IDLE : StreamState.CLOSED;
    }

    public int highestInboundStreamId() {
        return streams.highestInbound();
    }

    public int highestOutboundStreamId() {
        return streams.highestOutbound();
    }

    public ConnectionState state() {
        return machine.state();
    }

    /** We sent GOAWAY (gracefully or not). */
    public boolean goAwaySent() {
        return goAwaySentLastStreamId >= 0;
    }

    /** The peer sent GOAWAY. */
    public boolean goAwayReceived() {
        return goAwayReceivedLastStreamId >= 0;
    }

    /** A connection error ended the connection (ours or one we found in the peer's input). */
    public boolean isTerminated() {
        return terminated;
    }

    public H2Settings localSettings() {
        return localSettings;
    }

    public H2Settings remoteSettings() {
        return remoteSettings;
    }

    public H2Configuration configuration() {
        return config;
    }

    public AbuseCounters abuseCounters() {
        return guard.counters();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Shared machinery (used by Inbound too)

    private void ensureNotTerminated() {
        if (terminated) {
            throw new ProtocolError("the connection is closed");
        }
    }

    /** Sends need a started connection (the preface goes first, RFC 9113 §3.4) that has not failed. */
    private void ensureUsable() {
        ensureNotTerminated();
        if (!initiated) {
            throw new ProtocolError("call initiateConnection() (or initiateUpgradeConnection) first");
        }
    }

    /** Application sends are refused while the outbound buffer is full. */
    private void ensureRoom() {
        if (outboundPaused()) {
            throw new OutboundBufferFullError("the outbound buffer holds " + out.size() + " bytes (limit "
                    + config.limits().maxOutboundBufferBytes() + "); drain dataToSend() first");
        }
    }

    H2Stream requireStream(int streamId) {
        H2Stream s = streams.get(streamId);
        if (s != null) {
            return s;
        }
        if (streamId <= 0 || streams.isIdle(streamId)) {
            throw new NoSuchStreamError(streamId);
        }
        throw new StreamClosedError(streamId);
    }

    H2Stream newStream(int streamId, boolean local) {
        return new H2Stream(streamId, local, remoteSettings.initialWindowSize(), localSettings.initialWindowSize());
    }

    /** Moves a stream through the table and keeps the registry, scheduler and budgets in step. */
    StreamStateMachine.Action step(H2Stream s, StreamInput input) {
        StreamState before = s.state;
        StreamStateMachine.Action action = s.process(input);
        afterStep(s, before);
        return action;
    }

    void afterStep(H2Stream s, StreamState before) {
        streams.changed(s, before);
        if (s.scheduled && !s.canSend()) {
            sender.unschedule(s);
        }
        if (s.state == StreamState.CLOSED && before != StreamState.CLOSED && !s.rejected
                && (s.closedBy == ClosedBy.SEND_END_STREAM || s.closedBy == ClosedBy.RECV_END_STREAM)) {
            guard.streamCompleted(); // only a stream that really completed earns reset budget back
        }
    }

    /** Closes a stream outside the table: GOAWAY left it unprocessed (RFC 9113 §6.8). */
    void forget(H2Stream s, ClosedBy closedBy, Event.StreamReset event) {
        StreamState before = s.state;
        s.state = StreamState.CLOSED;
        s.closedBy = closedBy;
        afterStep(s, before);
        emit(event);
    }

    /** A connection error: GOAWAY(code, last processed peer stream), then no more input (RFC 9113 §5.4.1). */
    void connectionError(int code, String reason) {
        if (terminated) {
            return;
        }
        terminated = true;
        machine.close();
        int last = goAwaySentLastStreamId >= 0 ? Math.min(goAwaySentLastStreamId, streams.highestInbound())
                : streams.highestInbound();
        goAwaySentLastStreamId = last;
        out.writer.goAway(last, code, debugData(reason));
        emit(new Event.ConnectionTerminated(code, last, reason, false));
    }

    /**
     * The frame just written is one the peer made us owe (a PING or SETTINGS ACK, an RST_STREAM): counted, and too
     * many waiting means the peer is not reading (CVE-2019-9512/9514/9515).
     */
    void controlFrameOwed() {
        out.controlWritten();
        int limit = config.limits().maxQueuedControlFrames();
        if (out.queuedControlFrames() > limit) {
            throw guard.trip("more than " + limit + " control frames waiting to be written: the peer is not reading");
        }
    }

    static ByteBuffer debugData(String text) {
        return text == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Applies received SETTINGS that were validated (RFC 9113 §6.5.3) and returns what changed. */
    Map<Integer, ChangedSetting> applyRemoteSettings(Settings received) {
        int oldWindow = remoteSettings.initialWindowSize();
        Map<Integer, ChangedSetting> changed = remoteSettings.applyReceived(received);
        ChangedSetting window = changed.get(SettingId.INITIAL_WINDOW_SIZE);
        if (window != null) {
            long delta = window.newValue() - oldWindow;
            // §6.9.2: every stream window moves by the delta; the connection window does not.
            for (H2Stream s : streams.all()) {
                if (!s.sendWindow.increment(delta)) {
                    throw new FlowControlError("SETTINGS_INITIAL_WINDOW_SIZE pushes stream " + s.id
                            + "'s window past 2^31-1");
                }
            }
        }
        if (changed.containsKey(SettingId.HEADER_TABLE_SIZE)) {
            encoder.setMaxTableSize(Math.min(remoteSettings.headerTableSize(), MAX_ENCODER_TABLE_SIZE));
        }
        return changed;
    }

    static String authorityOf(List<Header> headers) {
        String host = null;
        for (int i = 0, n = headers.size(); i < n; i++) { // RandomAccess lists: no iterator per request
            Header h = headers.get(i);
            if (h.name().equals(":authority")) {
                return h.value();
            }
            if (host == null && h.name().equals("host")) {
                host = h.value();
            }
        }
        return host;
    }

    @Override
    public String toString() {
        return "H2Connection[" + (client ? "client" : "server") + ", " + machine.state() + ", live streams "
                + streams.liveCount() + ", buffered " + out.size() + "]";
    }
}
