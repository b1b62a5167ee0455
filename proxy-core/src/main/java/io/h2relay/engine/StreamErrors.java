package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameException;

/**
 * How the engine answers a peer's stream-level violations (RFC 9113 §5.4.2): RST_STREAM, the stream closed, the
 * application told with {@link Event.StreamReset}, and the MadeYouReset budget charged. Also what a late frame on a
 * closed stream means (§5.1 "closed"). Split out of {@link Inbound}.
 */
final class StreamErrors {

    private final H2Connection c;

    StreamErrors(H2Connection connection) {
        this.c = connection;
    }

    /**
     * A DATA or HEADERS frame on a closed stream (RFC 9113 §5.1 "closed"): ignored after our RST_STREAM (the peer may
     * have sent it before seeing ours), a stream error STREAM_CLOSED after the peer's RST_STREAM, a connection error
     * STREAM_CLOSED after END_STREAM, and a PROTOCOL_ERROR when we know nothing about the stream (never opened below
     * the highest identifier, or forgotten).
     */
    void lateFrame(int streamId, String what) throws FrameException {
        ClosedBy by = c.streams.closedBy(streamId);
        if (by == ClosedBy.SEND_RST_STREAM) {
            return;
        }
        if (by == ClosedBy.RECV_RST_STREAM) {
            writeRst(streamId, ErrorCode.STREAM_CLOSED.code());
            c.guard.localReset();
            return;
        }
        if (by != null) {
            throw new FrameException(ErrorCode.STREAM_CLOSED, what + " on stream " + streamId
                    + " after END_STREAM (RFC 9113 §5.1)");
        }
        if (c.streams.peerInitiated(streamId)) {
            throw Inbound.protocol(what + ": "
                    + new StreamIdTooLowError(streamId, c.streams.highestInbound()).getMessage());
        }
        throw Inbound.protocol(what + " on closed stream " + streamId);
    }

    /**
     * A malformed (or over-limit) message: a stream error (RFC 9113 §8.1.1), after a {@code 400} (or {@code 431})
     * when we are the server, no response went out yet and the configuration asks for it.
     */
    void reject(H2Stream s, boolean opening, boolean endStream, String reason, boolean oversized) {
        if (opening) {
            c.step(s, StreamInput.RECV_HEADERS);
        }
        if (endStream && s.peek(StreamInput.RECV_END_STREAM) != null) {
            c.step(s, StreamInput.RECV_END_STREAM);
        }
        boolean respond = !c.client && c.config.respondToMalformedRequests() && !s.finalHeadersSent
                && s.peek(StreamInput.SEND_HEADERS) != null;
        int code = oversized ? ErrorCode.CANCEL.code() : ErrorCode.PROTOCOL_ERROR.code();
        // Answered with a status or not, this stream did not complete: it earns no reset budget back.
        s.rejected = true;
        if (respond) {
            c.respondWithStatus(s, oversized ? 431 : 400);
            c.controlFrameOwed(); // the answer is owed like an RST_STREAM: a peer that never reads is bounded
            if (oversized) {
                code = ErrorCode.NO_ERROR.code(); // §8.1: a complete response, then stop the upload
            }
        }
        if (s.state != StreamState.CLOSED) {
            writeRst(s.id, code);
            c.step(s, StreamInput.SEND_RST_STREAM);
        }
        if (oversized) {
            c.guard.headerListReset();
        } else {
            c.guard.localReset();
        }
        c.emit(new Event.StreamReset(s.id, code, false, reason));
    }

    /** The table's RESET_STREAM_ON_ERROR: the peer sent on its closed half; RST_STREAM(STREAM_CLOSED) (§5.1). */
    void resetOnError(H2Stream s, StreamInput input, String reason) {
        c.step(s, input);
        writeRst(s.id, ErrorCode.STREAM_CLOSED.code());
        c.guard.localReset();
        c.emit(new Event.StreamReset(s.id, ErrorCode.STREAM_CLOSED.code(), false, reason + " (RFC 9113 §5.1)"));
    }

    /** A stream error (RFC 9113 §5.4.2): RST_STREAM, the stream closes, the application is told. */
    void streamError(H2Stream s, ErrorCode code, String reason) {
        closeWithError(s, code, reason);
        c.guard.localReset();
    }

    /** A promised request over the header-list limits: reset, its budget spent by the decoder. */
    void oversizedPush(H2Stream s) {
        closeWithError(s, ErrorCode.CANCEL, "promised request over the header list limits");
        c.guard.headerListReset();
    }

    private void closeWithError(H2Stream s, ErrorCode code, String reason) {
        writeRst(s.id, code.code());
        c.step(s, StreamInput.SEND_RST_STREAM);
        c.emit(new Event.StreamReset(s.id, code.code(), false, reason));
    }

    /** An RST_STREAM we owe the peer: counted among queued control frames (CVE-2019-9514). */
    void writeRst(int streamId, int code) {
        c.out.writer.rstStream(streamId, code);
        c.controlFrameOwed();
    }
}
