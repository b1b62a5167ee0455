package io.h2relay.engine;

import io.h2relay.engine.StreamStateMachine.Action;
import io.h2relay.engine.StreamStateMachine.Transition;
import io.h2relay.engine.priority.Priority;
import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameException;
import io.h2relay.frame.FrameHandler;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.SettingId;
import io.h2relay.frame.Settings;
import io.h2relay.hpack.Header;
import io.h2relay.hpack.HpackException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What each received frame means for the connection (the receive half of {@link H2Connection}, split out for
 * size). Connection errors leave as {@link FrameException}s, which {@link H2Connection#receiveData} turns into GOAWAY;
 * stream errors are handled here with RST_STREAM and an event.
 */
final class Inbound implements FrameHandler {

    /** A frame type no frame has: for the header-block check on reader-detected stream errors. */
    private static final int OTHER = -1;

    private final H2Connection c;
    private final StreamErrors errors;

    Inbound(H2Connection connection) {
        this.c = connection;
        this.errors = new StreamErrors(connection);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Rules for every frame

    /**
     * RFC 9113 §3.4: the peer's preface ends with a SETTINGS frame, its first frame. §6.10: a header block is a
     * contiguous run of frames; anything but its CONTINUATION frames in between is a connection error.
     */
    private void arrived(int type, int streamId, boolean settingsFrame) throws FrameException {
        if (c.assembler.active()) {
            if (type != FrameType.CONTINUATION || streamId != c.assembler.streamId()) {
                throw protocol(FrameType.nameOf(type) + " on stream " + streamId + " inside the header block of stream "
                        + c.assembler.streamId() + " (RFC 9113 §6.10)");
            }
        } else if (type == FrameType.CONTINUATION) {
            throw protocol("CONTINUATION on stream " + streamId + " without a header block (RFC 9113 §6.10)");
        }
        if (!c.settingsReceived && !settingsFrame) {
            throw protocol("the peer's first frame must be SETTINGS, not " + FrameType.nameOf(type)
                    + " (RFC 9113 §3.4)");
        }
    }

    private void connectionInput(ConnectionInput input) throws FrameException {
        ConnectionState before = c.machine.state();
        if (!c.machine.receive(input)) {
            throw protocol("cannot " + ConnectionStateMachine.describe(input) + " in connection state " + before);
        }
    }

    static FrameException protocol(String message) {
        return new FrameException(ErrorCode.PROTOCOL_ERROR, message);
    }

    // ------------------------------------------------------------------------------------------------------------
    // DATA

    @Override
    public void data(int streamId, boolean endStream, ByteBuffer data, int flowControlledLength)
            throws FrameException {
        arrived(FrameType.DATA, streamId, false);
        c.guard.payloadFrame(flowControlledLength == 0, endStream);
        connectionInput(ConnectionInput.RECV_DATA);
        if (!c.receiveWindow.consume(flowControlledLength)) {
            throw new FrameException(ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + flowControlledLength
                    + " bytes exceeds the connection window of " + c.receiveWindow.current() + " (RFC 9113 §6.9.1)");
        }
        H2Stream s = c.streams.get(streamId);
        if (s == null) {
            dataWithoutStream(streamId, flowControlledLength);
            return;
        }
        Transition t = s.peek(StreamInput.RECV_DATA);
        if (t == null) {
            throw protocol("DATA on stream " + streamId + " in state " + s.state + " (RFC 9113 §5.1)");
        }
        if (t.action() == Action.RESET_STREAM_ON_ERROR) {
            c.creditConnection(flowControlledLength);
            errors.resetOnError(s, StreamInput.RECV_DATA, "DATA after the peer's END_STREAM");
            return;
        }
        if (!s.receiveWindow.consume(flowControlledLength)) {
            c.creditConnection(flowControlledLength);
            errors.streamError(s, ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + flowControlledLength
                    + " bytes exceeds the stream window of " + s.receiveWindow.current() + " (RFC 9113 §6.9.1)");
            return;
        }
        if (!s.finalHeadersReceived) {
            c.creditConnection(flowControlledLength);
            errors.reject(s, false, endStream, "DATA before the response headers (RFC 9113 §8.1)", false);
            return;
        }
        s.receivedLength += data.remaining();
        if (s.expectedLength >= 0 && (s.receivedLength > s.expectedLength
                || (endStream && s.receivedLength != s.expectedLength))) {
            c.creditConnection(flowControlledLength);
            String reason = new InvalidBodyLengthError(s.expectedLength, s.receivedLength).getMessage();
            errors.reject(s, false, endStream, reason + " (RFC 9113 §8.1.1)", false);
            return;
        }
        c.step(s, StreamInput.RECV_DATA);
        Event.StreamEnded ended = endStream ? new Event.StreamEnded(streamId) : null;
        c.emit(new Event.DataReceived(streamId, data, flowControlledLength, ended));
        if (endStream) {
            c.step(s, StreamInput.RECV_END_STREAM);
            c.emit(ended);
        }
    }

    /**
     * DATA for a stream that is not live. Its bytes still count against the connection window, and nobody will
     * acknowledge them, so they are credited back at once (h2; ENGINE_PARITY row 43).
     */
    private void dataWithoutStream(int streamId, int flowControlledLength) throws FrameException {
        c.creditConnection(flowControlledLength);
        if (c.streams.isIdle(streamId)) {
            throw protocol("DATA on idle stream " + streamId + " (RFC 9113 §5.1)");
        }
        errors.lateFrame(streamId, "DATA");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Header blocks

    @Override
    public void headers(int streamId, boolean endStream, boolean endHeaders, PriorityFields priority,
            ByteBuffer fragment) throws FrameException {
        arrived(FrameType.HEADERS, streamId, false);
        c.guard.payloadFrame(!fragment.hasRemaining(), endStream);
        connectionInput(ConnectionInput.RECV_HEADERS);
        checkBlockBytes(fragment.remaining());
        if (!endHeaders) {
            c.assembler.startHeaders(streamId, endStream, priority, fragment);
            return;
        }
        headerBlock(streamId, endStream, priority, fragment);
    }

    @Override
    public void pushPromise(int streamId, int promisedStreamId, boolean endHeaders, ByteBuffer fragment)
            throws FrameException {
        arrived(FrameType.PUSH_PROMISE, streamId, false);
        connectionInput(ConnectionInput.RECV_PUSH_PROMISE);
        if (!c.localSettings.enablePush()) {
            throw protocol("PUSH_PROMISE although we disabled push (RFC 9113 §8.4)");
        }
        checkBlockBytes(fragment.remaining());
        if (!endHeaders) {
            c.assembler.startPushPromise(streamId, promisedStreamId, fragment);
            return;
        }
        pushBlock(streamId, promisedStreamId, fragment);
    }

    @Override
    public void continuation(int streamId, boolean endHeaders, ByteBuffer fragment) throws FrameException {
        arrived(FrameType.CONTINUATION, streamId, false);
        c.guard.continuation();
        c.guard.payloadFrame(!fragment.hasRemaining(), false);
        AbuseLimits limits = c.config.limits();
        if (c.assembler.continuations() >= limits.maxContinuationFrames()) {
            throw c.guard.trip("CONTINUATION flood: more than " + limits.maxContinuationFrames()
                    + " CONTINUATION frames in one header block");
        }
        checkBlockBytes(c.assembler.length() + fragment.remaining());
        c.assembler.continuation(fragment);
        if (!endHeaders) {
            return;
        }
        boolean push = c.assembler.pushPromise();
        int promised = c.assembler.promisedStreamId();
        boolean endStream = c.assembler.endStream();
        PriorityFields priority = c.assembler.priority();
        ByteBuffer block = c.assembler.finish();
        if (push) {
            pushBlock(streamId, promised, block);
        } else {
            headerBlock(streamId, endStream, priority, block);
        }
    }

    /** Checked before a fragment is kept, so an oversized block is refused before HPACK sees it. */
    private void checkBlockBytes(int total) throws FrameException {
        int limit = c.config.limits().maxHeaderBlockBytes();
        if (total > limit) {
            throw c.guard.trip("header block over " + limit + " bytes before decompression");
        }
    }

    /** Decodes a block; null when it passed the header-list limit (the HPACK context is still in sync). */
    private List<Header> decode(ByteBuffer block) throws FrameException {
        try {
            List<Header> headers = c.decoder.decode(block);
            if (headers.size() > c.config.limits().maxHeaderCount()) {
                c.guard.oversizedHeaderList();
                return null;
            }
            return headers;
        } catch (HpackException e) {
            if (e.isCompressionError()) {
                throw new FrameException(ErrorCode.COMPRESSION_ERROR, "HPACK: " + e.getMessage()
                        + " (RFC 9113 §4.3)");
            }
            c.guard.oversizedHeaderList();
            return null;
        }
    }

    private void headerBlock(int streamId, boolean endStream, PriorityFields priority, ByteBuffer block)
            throws FrameException {
        H2Stream s = c.streams.get(streamId);
        if (s != null) {
            onHeaders(s, false, endStream, priority, decode(block));
            return;
        }
        if (!c.streams.isIdle(streamId)) {
            decode(block);
            errors.lateFrame(streamId, "HEADERS");
            return;
        }
        if (c.client || !c.streams.peerInitiated(streamId)) {
            throw protocol("HEADERS opening stream " + streamId + ", which the peer may not open (RFC 9113 §5.1.1)");
        }
        List<Header> headers = decode(block);
        if (c.goAwaySentLastStreamId >= 0 && streamId > c.goAwaySentLastStreamId) {
            // RFC 9113 §6.8: streams the peer opens after our GOAWAY are ignored (their HPACK state was kept).
            c.streams.skipInbound(streamId, ClosedBy.SEND_RST_STREAM);
            return;
        }
        if (c.streams.openInbound() >= c.localSettings.maxConcurrentStreams()) {
            // RFC 9113 §5.1.2: refused, not a connection error, so the client may retry it (ENGINE_PARITY D2).
            c.guard.refusedStream();
            errors.writeRst(streamId, ErrorCode.REFUSED_STREAM.code());
            c.streams.skipInbound(streamId, ClosedBy.SEND_RST_STREAM);
            return;
        }
        s = c.newStream(streamId, false);
        c.streams.add(s);
        c.guard.streamOpened();
        onHeaders(s, true, endStream, priority, headers);
    }

    /** A complete header block on a live stream; {@code headers} null when it was over the limits. */
    private void onHeaders(H2Stream s, boolean opening, boolean endStream, PriorityFields priority,
            List<Header> headers) throws FrameException {
        boolean informational = c.client && headers != null && isInformational(headers);
        StreamInput input = informational ? StreamInput.RECV_INFORMATIONAL_HEADERS : StreamInput.RECV_HEADERS;
        Transition t = s.peek(input);
        if (t == null) {
            throw protocol("HEADERS on stream " + s.id + " in state " + s.state + " (RFC 9113 §5.1)");
        }
        if (t.action() == Action.RESET_STREAM_ON_ERROR) {
            errors.resetOnError(s, input, "HEADERS after the peer's END_STREAM");
            return;
        }
        if (headers == null) {
            errors.reject(s, opening, endStream, "header list over " + c.localSettings.maxHeaderListSize()
                    + " bytes or " + c.config.limits().maxHeaderCount() + " fields", true);
            return;
        }
        HeaderBlockKind kind = c.client ? (s.finalHeadersReceived ? HeaderBlockKind.TRAILERS : HeaderBlockKind.RESPONSE)
                : (opening ? HeaderBlockKind.REQUEST : HeaderBlockKind.TRAILERS);
        HeaderFacts facts;
        try {
            facts = c.rules.inbound(kind, headers, c.client, c.localSettings.enableConnectProtocol());
        } catch (MalformedMessageException e) {
            String reason = "malformed " + kind.name().toLowerCase() + ": " + e.getMessage();
            errors.reject(s, opening, endStream, reason, false);
            return;
        }
        String problem = messageProblem(s, kind, facts, endStream);
        if (problem != null) {
            errors.reject(s, opening, endStream, problem, false);
            return;
        }
        if (priority != null && priority.streamDependency() == s.id) {
            errors.reject(s, opening, endStream, "stream " + s.id + " depends on itself (RFC 9113 §5.3.1)", false);
            return;
        }
        if (s.state == StreamState.RESERVED_REMOTE
                && c.streams.openInbound() >= c.localSettings.maxConcurrentStreams()) {
            c.guard.refusedStream();
            errors.writeRst(s.id, ErrorCode.REFUSED_STREAM.code());
            c.step(s, StreamInput.SEND_RST_STREAM);
            c.emit(new Event.StreamReset(s.id, ErrorCode.REFUSED_STREAM.code(), false,
                    "pushed stream over our MAX_CONCURRENT_STREAMS"));
            return;
        }

        c.step(s, input);
        if (kind == HeaderBlockKind.REQUEST) {
            s.finalHeadersReceived = true;
            s.method = facts.method();
            s.authority = H2Connection.authorityOf(facts.headers());
            s.expectedLength = facts.expectedBodyLength(null);
            c.sender.schedule(s, facts.priority());
        } else if (kind == HeaderBlockKind.RESPONSE && !facts.informational()) {
            s.finalHeadersReceived = true;
            s.expectedLength = facts.expectedBodyLength(s.method);
        }
        Event.PriorityUpdated priorityUpdated = null;
        if (priority != null && !ignoresRfc7540Signals()) {
            c.scheduler.updateDependency(s.id, priority.streamDependency(), priority.weight(), priority.exclusive());
            priorityUpdated = new Event.PriorityUpdated(s.id, priority, null);
        }
        Event.StreamEnded ended = endStream ? new Event.StreamEnded(s.id) : null;
        List<Header> fields = facts.headers();
        c.emit(switch (kind) {
            case REQUEST -> new Event.RequestReceived(s.id, fields, ended, priorityUpdated);
            case TRAILERS -> new Event.TrailersReceived(s.id, fields, ended, priorityUpdated);
            default -> facts.informational()
                    ? new Event.InformationalResponseReceived(s.id, fields, priorityUpdated)
                    : new Event.ResponseReceived(s.id, fields, ended, priorityUpdated);
        });
        if (endStream) {
            c.step(s, StreamInput.RECV_END_STREAM);
            c.emit(ended);
        }
        if (priorityUpdated != null) {
            c.emit(priorityUpdated);
        }
    }

    /** Message rules beyond the field rules (RFC 9113 §8.1, §8.1.1); null when the block is acceptable. */
    private static String messageProblem(H2Stream s, HeaderBlockKind kind, HeaderFacts facts, boolean endStream) {
        if (kind == HeaderBlockKind.TRAILERS) {
            if (!endStream) {
                return "trailers without END_STREAM (RFC 9113 §8.1)";
            }
            if (s.expectedLength >= 0 && s.receivedLength != s.expectedLength) {
                return new InvalidBodyLengthError(s.expectedLength, s.receivedLength).getMessage()
                        + " (RFC 9113 §8.1.1)";
            }
            return null;
        }
        if (facts.informational()) {
            return endStream ? "a 1xx response with END_STREAM (RFC 9113 §8.1)" : null;
        }
        long expected = facts.expectedBodyLength(s.method);
        if (endStream && expected > 0) {
            return new InvalidBodyLengthError(expected, 0).getMessage() + " (RFC 9113 §8.1.1)";
        }
        return null;
    }

    private static boolean isInformational(List<Header> headers) {
        for (Header h : headers) {
            if (h.name().equals(":status")) {
                String v = h.value();
                return v.length() == 3 && v.charAt(0) == '1';
            }
            if (!h.name().startsWith(":")) {
                return false;
            }
        }
        return false;
    }

    private void pushBlock(int parentId, int promisedId, ByteBuffer block) throws FrameException {
        List<Header> headers = decode(block);
        if ((promisedId & 1) != 0 || promisedId <= c.streams.highestInbound()) {
            throw protocol("PUSH_PROMISE with promised stream " + promisedId + ", not a new even stream "
                    + "(RFC 9113 §6.6)");
        }
        if (c.goAwaySentLastStreamId >= 0 && promisedId > c.goAwaySentLastStreamId) {
            // RFC 9113 §6.8: streams the peer opens after our GOAWAY are ignored (their HPACK state was kept).
            c.streams.skipInbound(promisedId, ClosedBy.SEND_RST_STREAM);
            return;
        }
        H2Stream parent = c.streams.get(parentId);
        if (parent == null) {
            if (c.streams.closedBy(parentId) == ClosedBy.SEND_RST_STREAM) {
                // §6.6: a push may be in flight when our reset of the parent arrives: refuse just the push.
                refusePush(promisedId);
                return;
            }
            throw protocol("PUSH_PROMISE on stream " + parentId + ", which is not open (RFC 9113 §6.6)");
        }
        if (!parent.local) {
            throw protocol("PUSH_PROMISE on stream " + parentId + ", which the server opened (RFC 9113 §8.4)");
        }
        Transition t = parent.peek(StreamInput.RECV_PUSH_PROMISE);
        if (t == null) {
            throw protocol("PUSH_PROMISE on stream " + parentId + " in state " + parent.state);
        }
        if (t.action() == Action.RESET_STREAM_ON_ERROR) {
            refusePush(promisedId);
            errors.resetOnError(parent, StreamInput.RECV_PUSH_PROMISE, "PUSH_PROMISE after the server's END_STREAM");
            return;
        }
        int reservedLimit = c.config.limits().maxReservedRemoteStreams();
        if (c.streams.reservedRemote() >= reservedLimit) {
            // RFC 9113 sets no bound on reserved (remote) streams; a server pushing without end would fill our
            // memory. Refused, the promise was never processed (§8.4, §8.7), and the refusal is budgeted.
            refusePush(promisedId);
            return;
        }
        c.step(parent, StreamInput.RECV_PUSH_PROMISE);
        H2Stream promised = c.newStream(promisedId, false);
        c.streams.add(promised);
        c.step(promised, StreamInput.RECV_PUSH_PROMISE);
        c.guard.streamOpened();
        if (headers == null) {
            errors.oversizedPush(promised);
            return;
        }
        HeaderFacts facts;
        try {
            facts = c.rules.inbound(HeaderBlockKind.PUSH_PROMISE, headers, c.client,
                    c.localSettings.enableConnectProtocol());
        } catch (MalformedMessageException e) {
            errors.streamError(promised, ErrorCode.PROTOCOL_ERROR, "malformed promised request: " + e.getMessage()
                    + " (RFC 9113 §8.4)");
            return;
        }
        promised.method = facts.method();
        promised.authority = H2Connection.authorityOf(facts.headers());
        promised.finalHeadersSent = true;
        c.emit(new Event.PushedStreamReceived(promisedId, parentId, facts.headers()));
    }

    private void refusePush(int promisedId) throws FrameException {
        c.guard.refusedStream();
        errors.writeRst(promisedId, ErrorCode.REFUSED_STREAM.code());
        c.streams.skipInbound(promisedId, ClosedBy.SEND_RST_STREAM);
    }

    @Override
    public void streamError(int streamId, int errorCode, String reason) throws FrameException {
        arrived(OTHER, streamId, false);
        H2Stream s = c.streams.get(streamId);
        if (s != null) {
            ErrorCode known = ErrorCode.of(errorCode);
            errors.streamError(s, known != null ? known : ErrorCode.PROTOCOL_ERROR, reason);
        } else if (c.streams.isIdle(streamId)) {
            // RST_STREAM may not be sent on an idle stream (§6.4): nothing smaller than the connection is left.
            throw new FrameException(errorCode, reason + " on idle stream " + streamId);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The other frames

    @Override
    public void priority(int streamId, PriorityFields priority) throws FrameException {
        arrived(FrameType.PRIORITY, streamId, false);
        connectionInput(ConnectionInput.RECV_PRIORITY);
        c.guard.priority();
        if (priority.streamDependency() == streamId) {
            H2Stream s = c.streams.get(streamId);
            String reason = "stream " + streamId + " depends on itself (RFC 9113 §5.3.1)";
            if (s != null) {
                errors.streamError(s, ErrorCode.PROTOCOL_ERROR, reason);
            } else if (c.streams.isIdle(streamId)) {
                throw protocol(reason);
            }
            return;
        }
        if (ignoresRfc7540Signals()) {
            return;
        }
        c.scheduler.updateDependency(streamId, priority.streamDependency(), priority.weight(), priority.exclusive());
        c.emit(new Event.PriorityUpdated(streamId, priority, null));
    }

    /**
     * RFC 9218 §2.1: "A server that receives SETTINGS_NO_RFC7540_PRIORITIES with a value of 1 MUST ignore HTTP/2
     * priority signals" (the PRIORITY frame and the HEADERS priority fields; their frame rules still hold).
     */
    private boolean ignoresRfc7540Signals() {
        return !c.client && c.remoteSettings.noRfc7540Priorities();
    }

    @Override
    public void rstStream(int streamId, int errorCode) throws FrameException {
        arrived(FrameType.RST_STREAM, streamId, false);
        connectionInput(ConnectionInput.RECV_RST_STREAM);
        H2Stream s = c.streams.get(streamId);
        if (s == null) {
            if (c.streams.isIdle(streamId)) {
                throw protocol("RST_STREAM on idle stream " + streamId + " (RFC 9113 §6.4)");
            }
            return; // closed: late resets are ignored (§5.1)
        }
        c.guard.peerReset();
        c.step(s, StreamInput.RECV_RST_STREAM);
        c.emit(new Event.StreamReset(streamId, errorCode, true, null));
    }

    @Override
    public void settings(boolean ack, Settings settings) throws FrameException {
        arrived(FrameType.SETTINGS, 0, !ack);
        connectionInput(ConnectionInput.RECV_SETTINGS);
        if (ack) {
            Map<Integer, ChangedSetting> changed = c.localSettings.acknowledge();
            if (changed == null) {
                // An ACK for nothing outstanding changes nothing (RFC 9113 does not forbid it), but it is a frame
                // we processed for nothing: it spends the SETTINGS budget.
                c.guard.settings(0);
                return;
            }
            applyLocalSettings(changed);
            c.emit(new Event.SettingsAcknowledged(changed));
            return;
        }
        c.settingsReceived = true;
        c.guard.settings(settings.size());
        Map<Integer, ChangedSetting> changed = c.applyRemoteSettings(settings);
        c.out.writer.settingsAck();
        c.controlFrameOwed();
        c.emit(new Event.RemoteSettingsChanged(changed));
        if (changed.containsKey(SettingId.INITIAL_WINDOW_SIZE)) {
            c.sender.refreshReadiness();
        }
    }

    /** Our settings the peer just acknowledged take effect (RFC 9113 §6.5.3). */
    private void applyLocalSettings(Map<Integer, ChangedSetting> changed) throws FrameException {
        ChangedSetting window = changed.get(SettingId.INITIAL_WINDOW_SIZE);
        if (window != null) {
            long delta = window.newValue() - (window.originalValue() == null ? 65535 : window.originalValue());
            for (H2Stream s : c.streams.all()) {
                if (!s.receiveWindow.initialSizeChanged(delta)) {
                    throw new FrameException(ErrorCode.FLOW_CONTROL_ERROR, "our INITIAL_WINDOW_SIZE pushes stream "
                            + s.id + "'s window past 2^31-1");
                }
                c.receiveWindowResized(s);
            }
        }
        if (changed.containsKey(SettingId.MAX_FRAME_SIZE)) {
            c.reader.setMaxFrameSize(c.localSettings.maxFrameSize());
        }
        if (changed.containsKey(SettingId.HEADER_TABLE_SIZE)) {
            c.decoder.setMaxTableSize(c.localSettings.headerTableSize());
        }
        if (changed.containsKey(SettingId.MAX_HEADER_LIST_SIZE)) {
            c.decoder.setMaxHeaderListSize((int) Math.min(c.localSettings.maxHeaderListSize(), Integer.MAX_VALUE));
        }
    }

    @Override
    public void ping(boolean ack, long opaqueData) throws FrameException {
        arrived(FrameType.PING, 0, false);
        connectionInput(ConnectionInput.RECV_PING);
        if (ack) {
            if (c.pingsOutstanding > 0) {
                c.pingsOutstanding--;
            } else {
                c.guard.ping(); // an ACK answering no PING of ours is a PING flood by another name
            }
            c.emit(new Event.PingAckReceived(opaqueData));
            return;
        }
        c.guard.ping();
        c.out.writer.ping(true, opaqueData);
        c.controlFrameOwed();
        c.emit(new Event.PingReceived(opaqueData));
    }

    @Override
    public void goAway(int lastStreamId, int errorCode, ByteBuffer debugData) throws FrameException {
        arrived(FrameType.GOAWAY, 0, false);
        connectionInput(ConnectionInput.RECV_GOAWAY);
        if (c.goAwayReceivedLastStreamId >= 0 && lastStreamId > c.goAwayReceivedLastStreamId) {
            throw protocol("GOAWAY raised the last stream id from " + c.goAwayReceivedLastStreamId + " to "
                    + lastStreamId + " (RFC 9113 §6.8)");
        }
        c.goAwayReceivedLastStreamId = lastStreamId;
        String text = null;
        if (debugData.hasRemaining()) {
            byte[] bytes = new byte[debugData.remaining()];
            debugData.get(debugData.position(), bytes);
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        c.emit(new Event.ConnectionTerminated(errorCode, lastStreamId, text, true));
        // §6.8: our streams above the last-stream-id were not processed; they may be retried elsewhere.
        for (H2Stream s : c.streams.all()) {
            if (s.local && s.id > lastStreamId) {
                c.forget(s, ClosedBy.RECV_RST_STREAM, new Event.StreamReset(s.id, ErrorCode.REFUSED_STREAM.code(), true,
                        "not processed: the peer's GOAWAY has last-stream-id " + lastStreamId));
            }
        }
    }

    @Override
    public void windowUpdate(int streamId, int increment) throws FrameException {
        arrived(FrameType.WINDOW_UPDATE, streamId, false);
        connectionInput(ConnectionInput.RECV_WINDOW_UPDATE);
        c.guard.windowUpdate();
        if (streamId == 0) {
            if (increment == 0) {
                throw protocol("WINDOW_UPDATE with increment 0 on the connection (RFC 9113 §6.9)");
            }
            if (!c.sendWindow.increment(increment)) {
                throw new FrameException(ErrorCode.FLOW_CONTROL_ERROR,
                        "WINDOW_UPDATE pushes the connection window past 2^31-1 (RFC 9113 §6.9.1)");
            }
            c.emit(new Event.WindowUpdated(0, increment));
            c.sender.connectionWindowOpened();
            return;
        }
        H2Stream s = c.streams.get(streamId);
        if (s == null) {
            if (c.streams.isIdle(streamId)) {
                throw protocol("WINDOW_UPDATE on idle stream " + streamId + " (RFC 9113 §5.1)");
            }
            return; // closed: ignored (§5.1)
        }
        if (s.peek(StreamInput.RECV_WINDOW_UPDATE) == null) {
            throw protocol("WINDOW_UPDATE on stream " + streamId + " in state " + s.state + " (RFC 9113 §5.1)");
        }
        if (increment == 0) {
            errors.streamError(s, ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE with increment 0 (RFC 9113 §6.9)");
            return;
        }
        if (!s.sendWindow.increment(increment)) {
            errors.streamError(s, ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE pushes the stream window past 2^31-1 "
                    + "(RFC 9113 §6.9.1)");
            return;
        }
        c.step(s, StreamInput.RECV_WINDOW_UPDATE);
        c.emit(new Event.WindowUpdated(streamId, increment));
        c.sender.updateReady(s);
    }

    @Override
    public void altSvc(int streamId, String origin, String fieldValue) throws FrameException {
        arrived(FrameType.ALTSVC, streamId, false);
        c.guard.extensionFrame();
        if (!c.client) {
            return; // RFC 7838 §4: only servers advertise; a server ignores the frame
        }
        connectionInput(ConnectionInput.RECV_ALTERNATIVE_SERVICE);
        if (streamId == 0) {
            if (!origin.isEmpty()) {
                c.emit(new Event.AlternativeServiceAvailable(origin, fieldValue));
            }
            return;
        }
        H2Stream s = c.streams.get(streamId);
        // §4: on a stream the origin is the stream's, and a frame naming one is ignored. h2 also ignores it once
        // the response has started, or when the request had no authority.
        if (!origin.isEmpty() || s == null || s.finalHeadersReceived || s.authority == null
                || s.peek(StreamInput.RECV_ALTERNATIVE_SERVICE) == null) {
            return;
        }
        c.step(s, StreamInput.RECV_ALTERNATIVE_SERVICE);
        c.emit(new Event.AlternativeServiceAvailable(s.authority, fieldValue));
    }

    @Override
    public void origin(List<String> origins) throws FrameException {
        arrived(FrameType.ORIGIN, 0, false);
        c.guard.extensionFrame();
        if (!c.client) {
            return; // RFC 8336 §2: sent by servers; a server ignores it
        }
        connectionInput(ConnectionInput.RECV_ORIGIN);
        c.emit(new Event.OriginReceived(origins));
    }

    /**
     * RFC 9218 §7.1: only clients send PRIORITY_UPDATE. A closed stream's update is discarded; a push stream never
     * promised is a connection error, and so is naming idle request streams beyond SETTINGS_MAX_CONCURRENT_STREAMS
     * (counting the active ones), which bounds what we keep for streams not yet open.
     */
    @Override
    public void priorityUpdate(int prioritizedStreamId, String fieldValue) throws FrameException {
        arrived(FrameType.PRIORITY_UPDATE, 0, false);
        connectionInput(ConnectionInput.RECV_PRIORITY_UPDATE);
        c.guard.priority();
        if (c.client) {
            throw protocol("PRIORITY_UPDATE from a server (RFC 9218 §7.1: servers must not send it)");
        }
        int id = prioritizedStreamId;
        if (c.streams.get(id) == null) {
            if (!c.streams.isIdle(id)) {
                return; // closed: "Servers can discard frames" for it (§7.1)
            }
            if (!c.streams.peerInitiated(id)) {
                throw protocol("PRIORITY_UPDATE for push stream " + id + ", which was never promised (RFC 9218 §7.1)");
            }
            long limit = c.localSettings.maxConcurrentStreams();
            if (!c.idlePriorities.contains(id)
                    && c.idlePriorities.count(c.streams.highestInbound()) + c.streams.openInbound() >= limit) {
                throw protocol("PRIORITY_UPDATE for idle stream " + id + ": idle prioritized and active streams "
                        + "would exceed SETTINGS_MAX_CONCURRENT_STREAMS " + limit + " (RFC 9218 §7.1)");
            }
            c.idlePriorities.add(id);
        }
        c.scheduler.updatePriority(id, Priority.parse(fieldValue));
        c.emit(new Event.PriorityUpdated(id, null, fieldValue));
    }

    @Override
    public void unknown(int type, int flags, int streamId, ByteBuffer payload) throws FrameException {
        arrived(type, streamId, false);
        c.guard.extensionFrame();
        if (type == FrameType.ALTSVC || type == FrameType.ORIGIN) {
            return; // an ALTSVC or ORIGIN frame its RFC says to ignore (RFC 7838 §4, RFC 8336 §2.1)
        }
        c.emit(new Event.UnknownFrameReceived(type, flags, streamId, payload));
    }
}
