package io.h2relay.engine;

import static io.h2relay.engine.StreamInput.*;
import static io.h2relay.engine.StreamState.*;


/**
 * The stream state machine of RFC 9113 §5.1 as an explicit table, shaped like python h2's
 * {@code H2StreamStateMachine}: {@code (state, input) -> (next state, action)}.
 *
 * <pre>
 *                              +--------+
 *                      send PP |        | recv PP
 *                     ,--------+  idle  +--------.
 *                    /         |        |         \
 *                   v          +--------+          v
 *            +----------+          |           +----------+
 *            |          |          | send H /  |          |
 *     ,------+ reserved |          | recv H    | reserved +------.
 *     |      | (local)  |          |           | (remote) |      |
 *     |      +---+------+          v           +------+---+      |
 *     |          |             +--------+             |          |
 *     |          |     recv ES |        | send ES     |          |
 *     |   send H |     ,-------+  open  +-------.     | recv H   |
 *     |          |    /        |        |        \    |          |
 *     |          v   v         +---+----+         v   v          |
 *     |      +----------+          |           +----------+      |
 *     |      |   half-  |          |           |   half-  |      |
 *     |      |  closed  |          | send R /  |  closed  |      |
 *     |      | (remote) |          | recv R    | (local)  |      |
 *     |      +----+-----+          |           +-----+----+      |
 *     |           |                |                 |           |
 *     |           | send ES /      |       recv ES / |           |
 *     |           |  send R /      v        send R / |           |
 *     |           |  recv R    +--------+   recv R   |           |
 *     | send R /  `-----------&gt;|        |&lt;-----------'  send R / |
 *     | recv R                 | closed |               recv R   |
 *     `-----------------------&gt;|        |&lt;-----------------------'
 *                              +--------+
 *
 *   send:   endpoint sends this frame          H:  HEADERS frame (with implied CONTINUATION frames)
 *   recv:   endpoint receives this frame       ES: END_STREAM flag
 *                                              R:  RST_STREAM frame
 *                                              PP: PUSH_PROMISE frame (with implied CONTINUATION frames)
 * </pre>
 *
 * A pair missing from the table is not allowed. For a local input ({@code SEND_*}) the caller gets an exception
 * and the stream is left as it was (h2 moved it to CLOSED first: ENGINE_PARITY §8 D10). For a received frame it is
 * a connection error PROTOCOL_ERROR, as §5.1 prescribes for frames in the idle and reserved states.
 *
 * <p>Where h2's table is looser than the RFC, this one follows the RFC: no WINDOW_UPDATE may be sent in "reserved
 * (local)" or received in "reserved (remote)", DATA in a reserved state is a connection error (not a stream error),
 * and DATA on an idle stream never reaches a stream. A 1xx on a half-closed (remote) stream is handled like any other
 * HEADERS there: a stream error STREAM_CLOSED.
 */
final class StreamStateMachine {

    /** The side effect that goes with a transition; names follow h2's side-effect functions. */
    enum Action {
        NONE,
        REQUEST_SENT,
        REQUEST_RECEIVED,
        /** Final response, or trailers when the final response was already sent (or we are the client). */
        RESPONSE_SENT,
        /** Final response, or trailers when the final response was already received (or we are the server). */
        RESPONSE_RECEIVED,
        DATA_RECEIVED,
        WINDOW_UPDATED,
        STREAM_HALF_CLOSED,
        STREAM_ENDED,
        SEND_END_STREAM,
        SEND_RESET_STREAM,
        STREAM_RESET,
        SEND_PUSH_PROMISE,
        RECV_PUSH_PROMISE,
        SEND_NEW_PUSHED_STREAM,
        RECV_NEW_PUSHED_STREAM,
        SEND_INFORMATIONAL,
        RECV_INFORMATIONAL,
        SEND_ALT_SVC,
        RECV_ALT_SVC,
        /** The peer sent HEADERS/DATA/PUSH_PROMISE after its END_STREAM: RST_STREAM(STREAM_CLOSED) (§5.1). */
        RESET_STREAM_ON_ERROR,
        /** A frame on a closed stream: ignored, stream error or connection error depending on {@link ClosedBy}. */
        RECV_ON_CLOSED_STREAM,
        /** PUSH_PROMISE on a closed parent: refused when we had reset the parent, else a connection error. */
        RECV_PUSH_ON_CLOSED_STREAM
    }

    record Transition(StreamState next, Action action) {}

    /** Indexed by state and input ordinals: looked up for every frame, so an array rather than nested EnumMaps. */
    private static final Transition[][] TABLE =
            new Transition[StreamState.values().length][StreamInput.values().length];

    static {
        // idle (§5.1: only HEADERS, PUSH_PROMISE and PRIORITY)
        add(IDLE, SEND_HEADERS, OPEN, Action.REQUEST_SENT);
        add(IDLE, RECV_HEADERS, OPEN, Action.REQUEST_RECEIVED);
        add(IDLE, SEND_PUSH_PROMISE, RESERVED_LOCAL, Action.SEND_NEW_PUSHED_STREAM);
        add(IDLE, RECV_PUSH_PROMISE, RESERVED_REMOTE, Action.RECV_NEW_PUSHED_STREAM);
        add(IDLE, RECV_ALTERNATIVE_SERVICE, IDLE, Action.NONE);
        add(IDLE, UPGRADE_CLIENT, HALF_CLOSED_LOCAL, Action.REQUEST_SENT);
        add(IDLE, UPGRADE_SERVER, HALF_CLOSED_REMOTE, Action.REQUEST_RECEIVED);

        // reserved (local): we may send HEADERS or RST_STREAM; the peer may send RST_STREAM or WINDOW_UPDATE
        add(RESERVED_LOCAL, SEND_HEADERS, HALF_CLOSED_REMOTE, Action.RESPONSE_SENT);
        add(RESERVED_LOCAL, SEND_RST_STREAM, CLOSED, Action.SEND_RESET_STREAM);
        add(RESERVED_LOCAL, RECV_RST_STREAM, CLOSED, Action.STREAM_RESET);
        add(RESERVED_LOCAL, RECV_WINDOW_UPDATE, RESERVED_LOCAL, Action.WINDOW_UPDATED);
        add(RESERVED_LOCAL, SEND_ALTERNATIVE_SERVICE, RESERVED_LOCAL, Action.SEND_ALT_SVC);
        add(RESERVED_LOCAL, RECV_ALTERNATIVE_SERVICE, RESERVED_LOCAL, Action.NONE);

        // reserved (remote): the peer may send HEADERS or RST_STREAM; we may send RST_STREAM or WINDOW_UPDATE
        add(RESERVED_REMOTE, RECV_HEADERS, HALF_CLOSED_LOCAL, Action.RESPONSE_RECEIVED);
        add(RESERVED_REMOTE, SEND_RST_STREAM, CLOSED, Action.SEND_RESET_STREAM);
        add(RESERVED_REMOTE, RECV_RST_STREAM, CLOSED, Action.STREAM_RESET);
        add(RESERVED_REMOTE, SEND_WINDOW_UPDATE, RESERVED_REMOTE, Action.NONE);
        add(RESERVED_REMOTE, RECV_ALTERNATIVE_SERVICE, RESERVED_REMOTE, Action.RECV_ALT_SVC);

        // open
        add(OPEN, SEND_HEADERS, OPEN, Action.RESPONSE_SENT);
        add(OPEN, RECV_HEADERS, OPEN, Action.RESPONSE_RECEIVED);
        add(OPEN, SEND_DATA, OPEN, Action.NONE);
        add(OPEN, RECV_DATA, OPEN, Action.DATA_RECEIVED);
        add(OPEN, SEND_END_STREAM, HALF_CLOSED_LOCAL, Action.NONE);
        add(OPEN, RECV_END_STREAM, HALF_CLOSED_REMOTE, Action.STREAM_HALF_CLOSED);
        add(OPEN, SEND_WINDOW_UPDATE, OPEN, Action.NONE);
        add(OPEN, RECV_WINDOW_UPDATE, OPEN, Action.WINDOW_UPDATED);
        add(OPEN, SEND_RST_STREAM, CLOSED, Action.SEND_RESET_STREAM);
        add(OPEN, RECV_RST_STREAM, CLOSED, Action.STREAM_RESET);
        add(OPEN, SEND_PUSH_PROMISE, OPEN, Action.SEND_PUSH_PROMISE);
        add(OPEN, RECV_PUSH_PROMISE, OPEN, Action.RECV_PUSH_PROMISE);
        add(OPEN, SEND_INFORMATIONAL_HEADERS, OPEN, Action.SEND_INFORMATIONAL);
        add(OPEN, RECV_INFORMATIONAL_HEADERS, OPEN, Action.RECV_INFORMATIONAL);
        add(OPEN, SEND_ALTERNATIVE_SERVICE, OPEN, Action.SEND_ALT_SVC);
        add(OPEN, RECV_ALTERNATIVE_SERVICE, OPEN, Action.RECV_ALT_SVC);

        // half-closed (remote): we may send anything; the peer only WINDOW_UPDATE, RST_STREAM (and PRIORITY)
        add(HALF_CLOSED_REMOTE, SEND_HEADERS, HALF_CLOSED_REMOTE, Action.RESPONSE_SENT);
        add(HALF_CLOSED_REMOTE, SEND_DATA, HALF_CLOSED_REMOTE, Action.NONE);
        add(HALF_CLOSED_REMOTE, SEND_END_STREAM, CLOSED, Action.SEND_END_STREAM);
        add(HALF_CLOSED_REMOTE, SEND_WINDOW_UPDATE, HALF_CLOSED_REMOTE, Action.NONE);
        add(HALF_CLOSED_REMOTE, RECV_WINDOW_UPDATE, HALF_CLOSED_REMOTE, Action.WINDOW_UPDATED);
        add(HALF_CLOSED_REMOTE, SEND_RST_STREAM, CLOSED, Action.SEND_RESET_STREAM);
        add(HALF_CLOSED_REMOTE, RECV_RST_STREAM, CLOSED, Action.STREAM_RESET);
        add(HALF_CLOSED_REMOTE, SEND_PUSH_PROMISE, HALF_CLOSED_REMOTE, Action.SEND_PUSH_PROMISE);
        add(HALF_CLOSED_REMOTE, SEND_INFORMATIONAL_HEADERS, HALF_CLOSED_REMOTE, Action.SEND_INFORMATIONAL);
        add(HALF_CLOSED_REMOTE, SEND_ALTERNATIVE_SERVICE, HALF_CLOSED_REMOTE, Action.SEND_ALT_SVC);
        add(HALF_CLOSED_REMOTE, RECV_ALTERNATIVE_SERVICE, HALF_CLOSED_REMOTE, Action.RECV_ALT_SVC);
        add(HALF_CLOSED_REMOTE, RECV_HEADERS, CLOSED, Action.RESET_STREAM_ON_ERROR);
        add(HALF_CLOSED_REMOTE, RECV_INFORMATIONAL_HEADERS, CLOSED, Action.RESET_STREAM_ON_ERROR);
        add(HALF_CLOSED_REMOTE, RECV_DATA, CLOSED, Action.RESET_STREAM_ON_ERROR);
        add(HALF_CLOSED_REMOTE, RECV_PUSH_PROMISE, CLOSED, Action.RESET_STREAM_ON_ERROR);

        // half-closed (local): the peer may send anything; we only WINDOW_UPDATE, RST_STREAM (and PRIORITY)
        add(HALF_CLOSED_LOCAL, RECV_HEADERS, HALF_CLOSED_LOCAL, Action.RESPONSE_RECEIVED);
        add(HALF_CLOSED_LOCAL, RECV_DATA, HALF_CLOSED_LOCAL, Action.DATA_RECEIVED);
        add(HALF_CLOSED_LOCAL, RECV_END_STREAM, CLOSED, Action.STREAM_ENDED);
        add(HALF_CLOSED_LOCAL, SEND_WINDOW_UPDATE, HALF_CLOSED_LOCAL, Action.NONE);
        add(HALF_CLOSED_LOCAL, RECV_WINDOW_UPDATE, HALF_CLOSED_LOCAL, Action.WINDOW_UPDATED);
        add(HALF_CLOSED_LOCAL, SEND_RST_STREAM, CLOSED, Action.SEND_RESET_STREAM);
        add(HALF_CLOSED_LOCAL, RECV_RST_STREAM, CLOSED, Action.STREAM_RESET);
        add(HALF_CLOSED_LOCAL, RECV_PUSH_PROMISE, HALF_CLOSED_LOCAL, Action.RECV_PUSH_PROMISE);
        add(HALF_CLOSED_LOCAL, RECV_INFORMATIONAL_HEADERS, HALF_CLOSED_LOCAL, Action.RECV_INFORMATIONAL);
        add(HALF_CLOSED_LOCAL, SEND_ALTERNATIVE_SERVICE, HALF_CLOSED_LOCAL, Action.SEND_ALT_SVC);
        add(HALF_CLOSED_LOCAL, RECV_ALTERNATIVE_SERVICE, HALF_CLOSED_LOCAL, Action.RECV_ALT_SVC);

        // closed: late WINDOW_UPDATE / RST_STREAM / ALTSVC are ignored; HEADERS, DATA and PUSH_PROMISE are judged
        // by what closed the stream; nothing may be sent
        add(CLOSED, RECV_WINDOW_UPDATE, CLOSED, Action.NONE);
        add(CLOSED, RECV_RST_STREAM, CLOSED, Action.NONE);
        add(CLOSED, RECV_ALTERNATIVE_SERVICE, CLOSED, Action.NONE);
        add(CLOSED, RECV_HEADERS, CLOSED, Action.RECV_ON_CLOSED_STREAM);
        add(CLOSED, RECV_INFORMATIONAL_HEADERS, CLOSED, Action.RECV_ON_CLOSED_STREAM);
        add(CLOSED, RECV_DATA, CLOSED, Action.RECV_ON_CLOSED_STREAM);
        add(CLOSED, RECV_PUSH_PROMISE, CLOSED, Action.RECV_PUSH_ON_CLOSED_STREAM);
    }

    private StreamStateMachine() {}

    private static void add(StreamState from, StreamInput input, StreamState to, Action action) {
        if (TABLE[from.ordinal()][input.ordinal()] != null) {
            throw new IllegalStateException("duplicate transition " + from + " x " + input);
        }
        TABLE[from.ordinal()][input.ordinal()] = new Transition(to, action);
    }

    /** The transition for a pair, or null when the pair is not allowed. Pure: nothing changes. */
    static Transition lookup(StreamState state, StreamInput input) {
        return TABLE[state.ordinal()][input.ordinal()];
    }

    /** The number of allowed pairs (for the exhaustive test). */
    static int size() {
        int n = 0;
        for (Transition[] row : TABLE) {
            for (Transition t : row) {
                n += t == null ? 0 : 1;
            }
        }
        return n;
    }
}
