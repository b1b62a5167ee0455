package io.h2relay.engine;

import static io.h2relay.engine.ConnectionInput.*;
import static io.h2relay.engine.ConnectionState.*;


/**
 * The connection-level state machine as a table, {@code (state, input) -> next state}, after python h2's
 * {@code H2ConnectionStateMachine}. It settles which frame kinds each role may send or receive: a server never
 * receives PUSH_PROMISE, a client never sends it, nothing but SETTINGS/PING/PRIORITY/WINDOW_UPDATE/GOAWAY flows before
 * the first request.
 *
 * <p>Unlike h2, GOAWAY does not close the connection: RFC 9113 §6.8 lets streams up to the last-stream-id finish, so
 * a GOAWAY in either direction keeps the state, and the engine refuses new streams itself (ENGINE_PARITY §8 D8).
 * CLOSED means a connection error: from then on only GOAWAY passes.
 *
 * <p>A missing pair is not allowed. For a local input the caller gets a {@link ProtocolError} and the state stays;
 * for a received frame the connection moves to CLOSED and the peer gets GOAWAY(PROTOCOL_ERROR).
 */
final class ConnectionStateMachine {

    /** Indexed by state and input ordinals: consulted for every frame, so an array rather than nested EnumMaps. */
    private static final ConnectionState[][] TABLE =
            new ConnectionState[ConnectionState.values().length][ConnectionInput.values().length];

    static {
        // Before the first request: connection-level frames only. The first HEADERS (or a role-specific extension
        // frame) reveals the roles.
        add(IDLE, IDLE, SEND_SETTINGS, RECV_SETTINGS, SEND_WINDOW_UPDATE, RECV_WINDOW_UPDATE, SEND_PING, RECV_PING,
                SEND_PRIORITY, RECV_PRIORITY, SEND_PRIORITY_UPDATE, RECV_PRIORITY_UPDATE, SEND_GOAWAY, RECV_GOAWAY);
        add(IDLE, CLIENT_OPEN, SEND_HEADERS, RECV_ALTERNATIVE_SERVICE, RECV_ORIGIN);
        add(IDLE, SERVER_OPEN, RECV_HEADERS, SEND_ALTERNATIVE_SERVICE, SEND_ORIGIN);

        // RFC 9218 §7.1: PRIORITY_UPDATE flows from client to server only.
        add(CLIENT_OPEN, CLIENT_OPEN, SEND_HEADERS, SEND_DATA, SEND_WINDOW_UPDATE, SEND_PING, SEND_SETTINGS,
                SEND_PRIORITY, SEND_RST_STREAM, SEND_PRIORITY_UPDATE, SEND_GOAWAY,
                RECV_HEADERS, RECV_PUSH_PROMISE, RECV_DATA, RECV_WINDOW_UPDATE, RECV_PING, RECV_SETTINGS,
                RECV_RST_STREAM, RECV_PRIORITY, RECV_ALTERNATIVE_SERVICE, RECV_ORIGIN, RECV_GOAWAY);

        add(SERVER_OPEN, SERVER_OPEN, SEND_HEADERS, SEND_PUSH_PROMISE, SEND_DATA, SEND_WINDOW_UPDATE, SEND_PING,
                SEND_SETTINGS, SEND_PRIORITY, SEND_RST_STREAM, SEND_ALTERNATIVE_SERVICE, SEND_ORIGIN, SEND_GOAWAY,
                RECV_HEADERS, RECV_DATA, RECV_WINDOW_UPDATE, RECV_PING, RECV_SETTINGS, RECV_PRIORITY,
                RECV_RST_STREAM, RECV_PRIORITY_UPDATE, RECV_GOAWAY);

        add(CLOSED, CLOSED, SEND_GOAWAY, RECV_GOAWAY);
    }

    private ConnectionState state = IDLE;

    private static void add(ConnectionState from, ConnectionState to, ConnectionInput... inputs) {
        for (ConnectionInput input : inputs) {
            if (TABLE[from.ordinal()][input.ordinal()] != null) {
                throw new IllegalStateException("duplicate transition " + from + " x " + input);
            }
            TABLE[from.ordinal()][input.ordinal()] = to;
        }
    }

    /** The next state for a pair, or null when not allowed. Pure. */
    static ConnectionState lookup(ConnectionState state, ConnectionInput input) {
        return TABLE[state.ordinal()][input.ordinal()];
    }

    static int size() {
        int n = 0;
        for (ConnectionState[] row : TABLE) {
            for (ConnectionState to : row) {
                n += to == null ? 0 : 1;
            }
        }
        return n;
    }

    ConnectionState state() {
        return state;
    }

    /** Checks a local action without changing anything; throws when the current state forbids it. */
    ConnectionState check(ConnectionInput input) {
        ConnectionState next = lookup(state, input);
        if (next == null) {
            throw new ProtocolError("cannot " + describe(input) + " in connection state " + state);
        }
        return next;
    }

    /** Applies a local action that {@link #check} accepted. */
    void apply(ConnectionInput input) {
        state = check(input);
    }

    /**
     * Applies a received frame's input. Returns false, after moving to CLOSED, when the pair is not allowed: the
     * caller then goes away with PROTOCOL_ERROR.
     */
    boolean receive(ConnectionInput input) {
        ConnectionState next = lookup(state, input);
        if (next == null) {
            state = CLOSED;
            return false;
        }
        state = next;
        return true;
    }

    void close() {
        state = CLOSED;
    }

    static String describe(ConnectionInput input) {
        String name = input.name();
        return (input.isSend() ? "send " : "receive ") + name.substring(name.indexOf('_') + 1);
    }
}
