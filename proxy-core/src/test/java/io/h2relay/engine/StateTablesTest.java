package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every (state, input) pair of both tables against an independently written expectation (ENGINE_PARITY rows 9 and
 * 10). The behaviour of each pair inside the engine is proven by {@code StreamTransitionsTest}.
 */
class StateTablesTest {

    /** "FROM INPUT -> TO ACTION" for every allowed stream pair; everything else must be absent. */
    private static final String STREAM_PAIRS = """
            IDLE SEND_HEADERS -> OPEN REQUEST_SENT
            IDLE RECV_HEADERS -> OPEN REQUEST_RECEIVED
            IDLE SEND_PUSH_PROMISE -> RESERVED_LOCAL SEND_NEW_PUSHED_STREAM
            IDLE RECV_PUSH_PROMISE -> RESERVED_REMOTE RECV_NEW_PUSHED_STREAM
            IDLE RECV_ALTERNATIVE_SERVICE -> IDLE NONE
            IDLE UPGRADE_CLIENT -> HALF_CLOSED_LOCAL REQUEST_SENT
            IDLE UPGRADE_SERVER -> HALF_CLOSED_REMOTE REQUEST_RECEIVED
            RESERVED_LOCAL SEND_HEADERS -> HALF_CLOSED_REMOTE RESPONSE_SENT
            RESERVED_LOCAL SEND_RST_STREAM -> CLOSED SEND_RESET_STREAM
            RESERVED_LOCAL RECV_RST_STREAM -> CLOSED STREAM_RESET
            RESERVED_LOCAL RECV_WINDOW_UPDATE -> RESERVED_LOCAL WINDOW_UPDATED
            RESERVED_LOCAL SEND_ALTERNATIVE_SERVICE -> RESERVED_LOCAL SEND_ALT_SVC
            RESERVED_LOCAL RECV_ALTERNATIVE_SERVICE -> RESERVED_LOCAL NONE
            RESERVED_REMOTE RECV_HEADERS -> HALF_CLOSED_LOCAL RESPONSE_RECEIVED
            RESERVED_REMOTE SEND_RST_STREAM -> CLOSED SEND_RESET_STREAM
            RESERVED_REMOTE RECV_RST_STREAM -> CLOSED STREAM_RESET
            RESERVED_REMOTE SEND_WINDOW_UPDATE -> RESERVED_REMOTE NONE
            RESERVED_REMOTE RECV_ALTERNATIVE_SERVICE -> RESERVED_REMOTE RECV_ALT_SVC
            OPEN SEND_HEADERS -> OPEN RESPONSE_SENT
            OPEN RECV_HEADERS -> OPEN RESPONSE_RECEIVED
            OPEN SEND_DATA -> OPEN NONE
            OPEN RECV_DATA -> OPEN DATA_RECEIVED
            OPEN SEND_END_STREAM -> HALF_CLOSED_LOCAL NONE
            OPEN RECV_END_STREAM -> HALF_CLOSED_REMOTE STREAM_HALF_CLOSED
            OPEN SEND_WINDOW_UPDATE -> OPEN NONE
            OPEN RECV_WINDOW_UPDATE -> OPEN WINDOW_UPDATED
            OPEN SEND_RST_STREAM -> CLOSED SEND_RESET_STREAM
            OPEN RECV_RST_STREAM -> CLOSED STREAM_RESET
            OPEN SEND_PUSH_PROMISE -> OPEN SEND_PUSH_PROMISE
            OPEN RECV_PUSH_PROMISE -> OPEN RECV_PUSH_PROMISE
            OPEN SEND_INFORMATIONAL_HEADERS -> OPEN SEND_INFORMATIONAL
            OPEN RECV_INFORMATIONAL_HEADERS -> OPEN RECV_INFORMATIONAL
            OPEN SEND_ALTERNATIVE_SERVICE -> OPEN SEND_ALT_SVC
            OPEN RECV_ALTERNATIVE_SERVICE -> OPEN RECV_ALT_SVC
            HALF_CLOSED_REMOTE SEND_HEADERS -> HALF_CLOSED_REMOTE RESPONSE_SENT
            HALF_CLOSED_REMOTE SEND_DATA -> HALF_CLOSED_REMOTE NONE
            HALF_CLOSED_REMOTE SEND_END_STREAM -> CLOSED SEND_END_STREAM
            HALF_CLOSED_REMOTE SEND_WINDOW_UPDATE -> HALF_CLOSED_REMOTE NONE
            HALF_CLOSED_REMOTE RECV_WINDOW_UPDATE -> HALF_CLOSED_REMOTE WINDOW_UPDATED
            HALF_CLOSED_REMOTE SEND_RST_STREAM -> CLOSED SEND_RESET_STREAM
            HALF_CLOSED_REMOTE RECV_RST_STREAM -> CLOSED STREAM_RESET
            HALF_CLOSED_REMOTE SEND_PUSH_PROMISE -> HALF_CLOSED_REMOTE SEND_PUSH_PROMISE
            HALF_CLOSED_REMOTE SEND_INFORMATIONAL_HEADERS -> HALF_CLOSED_REMOTE SEND_INFORMATIONAL
            HALF_CLOSED_REMOTE SEND_ALTERNATIVE_SERVICE -> HALF_CLOSED_REMOTE SEND_ALT_SVC
            HALF_CLOSED_REMOTE RECV_ALTERNATIVE_SERVICE -> HALF_CLOSED_REMOTE RECV_ALT_SVC
            HALF_CLOSED_REMOTE RECV_HEADERS -> CLOSED RESET_STREAM_ON_ERROR
            HALF_CLOSED_REMOTE RECV_INFORMATIONAL_HEADERS -> CLOSED RESET_STREAM_ON_ERROR
            HALF_CLOSED_REMOTE RECV_DATA -> CLOSED RESET_STREAM_ON_ERROR
            HALF_CLOSED_REMOTE RECV_PUSH_PROMISE -> CLOSED RESET_STREAM_ON_ERROR
            HALF_CLOSED_LOCAL RECV_HEADERS -> HALF_CLOSED_LOCAL RESPONSE_RECEIVED
            HALF_CLOSED_LOCAL RECV_DATA -> HALF_CLOSED_LOCAL DATA_RECEIVED
            HALF_CLOSED_LOCAL RECV_END_STREAM -> CLOSED STREAM_ENDED
            HALF_CLOSED_LOCAL SEND_WINDOW_UPDATE -> HALF_CLOSED_LOCAL NONE
            HALF_CLOSED_LOCAL RECV_WINDOW_UPDATE -> HALF_CLOSED_LOCAL WINDOW_UPDATED
            HALF_CLOSED_LOCAL SEND_RST_STREAM -> CLOSED SEND_RESET_STREAM
            HALF_CLOSED_LOCAL RECV_RST_STREAM -> CLOSED STREAM_RESET
            HALF_CLOSED_LOCAL RECV_PUSH_PROMISE -> HALF_CLOSED_LOCAL RECV_PUSH_PROMISE
            HALF_CLOSED_LOCAL RECV_INFORMATIONAL_HEADERS -> HALF_CLOSED_LOCAL RECV_INFORMATIONAL
            HALF_CLOSED_LOCAL SEND_ALTERNATIVE_SERVICE -> HALF_CLOSED_LOCAL SEND_ALT_SVC
            HALF_CLOSED_LOCAL RECV_ALTERNATIVE_SERVICE -> HALF_CLOSED_LOCAL RECV_ALT_SVC
            CLOSED RECV_WINDOW_UPDATE -> CLOSED NONE
            CLOSED RECV_RST_STREAM -> CLOSED NONE
            CLOSED RECV_ALTERNATIVE_SERVICE -> CLOSED NONE
            CLOSED RECV_HEADERS -> CLOSED RECV_ON_CLOSED_STREAM
            CLOSED RECV_INFORMATIONAL_HEADERS -> CLOSED RECV_ON_CLOSED_STREAM
            CLOSED RECV_DATA -> CLOSED RECV_ON_CLOSED_STREAM
            CLOSED RECV_PUSH_PROMISE -> CLOSED RECV_PUSH_ON_CLOSED_STREAM
            """;

    /** "FROM -> TO: INPUTS..." for every allowed connection pair. */
    private static final String CONNECTION_PAIRS = """
            IDLE -> IDLE: SEND_SETTINGS RECV_SETTINGS SEND_WINDOW_UPDATE RECV_WINDOW_UPDATE SEND_PING RECV_PING SEND_PRIORITY RECV_PRIORITY SEND_PRIORITY_UPDATE RECV_PRIORITY_UPDATE SEND_GOAWAY RECV_GOAWAY
            IDLE -> CLIENT_OPEN: SEND_HEADERS RECV_ALTERNATIVE_SERVICE RECV_ORIGIN
            IDLE -> SERVER_OPEN: RECV_HEADERS SEND_ALTERNATIVE_SERVICE SEND_ORIGIN
            CLIENT_OPEN -> CLIENT_OPEN: SEND_HEADERS SEND_DATA SEND_WINDOW_UPDATE SEND_PING SEND_SETTINGS SEND_PRIORITY SEND_RST_STREAM SEND_PRIORITY_UPDATE SEND_GOAWAY RECV_HEADERS RECV_PUSH_PROMISE RECV_DATA RECV_WINDOW_UPDATE RECV_PING RECV_SETTINGS RECV_RST_STREAM RECV_PRIORITY RECV_ALTERNATIVE_SERVICE RECV_ORIGIN RECV_GOAWAY
            SERVER_OPEN -> SERVER_OPEN: SEND_HEADERS SEND_PUSH_PROMISE SEND_DATA SEND_WINDOW_UPDATE SEND_PING SEND_SETTINGS SEND_PRIORITY SEND_RST_STREAM SEND_ALTERNATIVE_SERVICE SEND_ORIGIN SEND_GOAWAY RECV_HEADERS RECV_DATA RECV_WINDOW_UPDATE RECV_PING RECV_SETTINGS RECV_PRIORITY RECV_RST_STREAM RECV_PRIORITY_UPDATE RECV_GOAWAY
            CLOSED -> CLOSED: SEND_GOAWAY RECV_GOAWAY
            """;

    private static Map<String, String> streamExpectations() {
        Map<String, String> expected = new HashMap<>();
        STREAM_PAIRS.lines().forEach(line -> {
            String[] p = line.trim().split("\\s+");
            expected.put(p[0] + " " + p[1], p[3] + " " + p[4]);
        });
        return expected;
    }

    private static Map<String, String> connectionExpectations() {
        Map<String, String> expected = new HashMap<>();
        CONNECTION_PAIRS.lines().forEach(line -> {
            String[] halves = line.split(":");
            String[] fromTo = halves[0].trim().split("\\s*->\\s*");
            for (String input : halves[1].trim().split("\\s+")) {
                expected.put(fromTo[0] + " " + input, fromTo[1]);
            }
        });
        return expected;
    }

    static Stream<Arguments> streamPairs() {
        return Stream.of(StreamState.values()).flatMap(s -> Stream.of(StreamInput.values()).map(i -> Arguments.of(s, i)));
    }

    static Stream<Arguments> connectionPairs() {
        return Stream.of(ConnectionState.values())
                .flatMap(s -> Stream.of(ConnectionInput.values()).map(i -> Arguments.of(s, i)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("streamPairs")
    void streamTableMatchesTheSpecification(StreamState state, StreamInput input) {
        String expected = streamExpectations().get(state + " " + input);
        StreamStateMachine.Transition t = StreamStateMachine.lookup(state, input);
        if (expected == null) {
            assertNull(t, "not allowed: " + state + " x " + input);
        } else {
            assertEquals(expected, t.next() + " " + t.action());
        }
    }

    @Test
    void streamTableHasExactlyTheListedPairs() {
        assertEquals(streamExpectations().size(), StreamStateMachine.size());
        assertEquals(67, StreamStateMachine.size());
    }

    @Test
    void nakedContinuationIsNeverAStreamInput() {
        for (StreamState s : StreamState.values()) {
            assertNull(StreamStateMachine.lookup(s, StreamInput.RECV_CONTINUATION));
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("connectionPairs")
    void connectionTableMatchesTheSpecification(ConnectionState state, ConnectionInput input) {
        String expected = connectionExpectations().get(state + " " + input);
        ConnectionState next = ConnectionStateMachine.lookup(state, input);
        assertEquals(expected, next == null ? null : next.name());
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("connectionPairs")
    void aDisallowedLocalInputThrowsAndKeepsTheStateWhileAReceivedOneCloses(ConnectionState state,
            ConnectionInput input) {
        ConnectionStateMachine m = machineIn(state);
        ConnectionState expected = ConnectionStateMachine.lookup(state, input);
        if (input.isSend()) {
            if (expected == null) {
                assertThrows(ProtocolError.class, () -> m.apply(input));
                assertEquals(state, m.state());
            } else {
                m.apply(input);
                assertEquals(expected, m.state());
            }
        } else {
            assertEquals(expected != null, m.receive(input));
            assertEquals(expected == null ? ConnectionState.CLOSED : expected, m.state());
        }
    }

    @Test
    void connectionTableHasExactlyTheListedPairs() {
        assertEquals(connectionExpectations().size(), ConnectionStateMachine.size());
    }

    private static ConnectionStateMachine machineIn(ConnectionState state) {
        ConnectionStateMachine m = new ConnectionStateMachine();
        switch (state) {
            case IDLE -> { }
            case CLIENT_OPEN -> m.apply(ConnectionInput.SEND_HEADERS);
            case SERVER_OPEN -> m.receive(ConnectionInput.RECV_HEADERS);
            case CLOSED -> m.close();
        }
        assertEquals(state, m.state());
        return m;
    }
}
