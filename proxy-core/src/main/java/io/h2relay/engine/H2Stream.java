package io.h2relay.engine;

import io.h2relay.engine.StreamStateMachine.Action;
import io.h2relay.engine.StreamStateMachine.Transition;

/**
 * One stream: its RFC 9113 §5.1 state, its two flow-control windows and how far its message has got. Owned by the
 * connection; everything here is package-private state the connection reads and writes.
 */
final class H2Stream {

    final int id;
    /** Opened (or promised) by this endpoint. */
    final boolean local;
    StreamState state = StreamState.IDLE;
    ClosedBy closedBy;

    final SendWindow sendWindow;
    final ReceiveWindow receiveWindow;

    /** The request (client) or the final response (server) went out; a further block is the trailer section. */
    boolean finalHeadersSent;
    /** The request (server) or the final response (client) came in; a further block is the trailer section. */
    boolean finalHeadersReceived;
    /** The request's method: ours on a client, the peer's on a server. HEAD responses carry no body. */
    String method;
    /** The request's :authority, for on-stream ALTSVC (RFC 7838 §4: the origin is the stream's). */
    String authority;
    /** content-length of the message being received, -1 when absent; and the DATA bytes received so far. */
    long expectedLength = -1;
    long receivedLength;
    /**
     * content-length of the message we send (-1 when absent or not binding), and the DATA bytes handed to
     * {@code sendData} or {@code queueData} so far: RFC 9113 §8.1.1 holds us to it too.
     */
    long sendExpectedLength = -1;
    long sendCommittedLength;

    /** Data queued by {@link H2Connection#queueData}; null until used. */
    DataQueue queue;
    /** In the scheduler (it may send DATA). */
    boolean scheduled;
    /** Queued mode: reported as blocked on its window (so the unblock is reported once). */
    boolean blocked;
    /** We refused the peer's message (400/431 or a reset): even if it ends cleanly, it did not complete. */
    boolean rejected;

    H2Stream(int id, boolean local, int sendWindow, int receiveWindow) {
        this.id = id;
        this.local = local;
        this.sendWindow = new SendWindow(sendWindow);
        this.receiveWindow = new ReceiveWindow(receiveWindow);
    }

    /** The transition an input would take, without taking it; null when the pair is not allowed. */
    Transition peek(StreamInput input) {
        return StreamStateMachine.lookup(state, input);
    }

    /**
     * Takes the transition for an input and returns its action. A pair missing from the table throws: for a local
     * input the state is kept ({@link StreamClosedError} when our side is already closed, else
     * {@link ProtocolError}); for a received frame the stream moves to CLOSED first, as in h2.
     */
    Action process(StreamInput input) {
        Transition t = peek(input);
        if (t == null) {
            if (input.isSend()) {
                throw refusal(input);
            }
            state = StreamState.CLOSED;
            throw new ProtocolError("invalid input " + input + " on stream " + id);
        }
        take(t, input);
        return t.action();
    }

    /** The exception for a local input the table refuses. */
    ProtocolError refusal(StreamInput input) {
        if (state == StreamState.CLOSED || state == StreamState.HALF_CLOSED_LOCAL) {
            return new StreamClosedError(id, "cannot " + describe(input) + " on stream " + id + " in state " + state);
        }
        return new ProtocolError("cannot " + describe(input) + " on stream " + id + " in state " + state);
    }

    void take(Transition t, StreamInput input) {
        state = t.next();
        if (state == StreamState.CLOSED && closedBy == null) {
            closedBy = switch (input) {
                case SEND_END_STREAM -> ClosedBy.SEND_END_STREAM;
                case RECV_END_STREAM -> ClosedBy.RECV_END_STREAM;
                case RECV_RST_STREAM -> ClosedBy.RECV_RST_STREAM;
                // SEND_RST_STREAM, and RESET_STREAM_ON_ERROR: we answer with RST_STREAM
                default -> ClosedBy.SEND_RST_STREAM;
            };
        }
    }

    /** Our side may still send frames that carry data (DATA or HEADERS). */
    boolean canSend() {
        return state == StreamState.OPEN || state == StreamState.HALF_CLOSED_REMOTE
                || state == StreamState.RESERVED_LOCAL;
    }

    /** The peer may still send DATA or HEADERS. */
    boolean canReceive() {
        return state == StreamState.OPEN || state == StreamState.HALF_CLOSED_LOCAL
                || state == StreamState.RESERVED_REMOTE;
    }

    long queuedBytes() {
        return queue == null ? 0 : queue.bytes();
    }

    private static String describe(StreamInput input) {
        String name = input.name();
        return name.toLowerCase().replace('_', ' ');
    }

    @Override
    public String toString() {
        return "H2Stream[" + id + " " + state + (closedBy != null ? " by " + closedBy : "") + "]";
    }
}
