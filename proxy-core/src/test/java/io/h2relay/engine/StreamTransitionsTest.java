package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (state, input) pair applied to a stream (ENGINE_PARITY row 10, h2's test_state_machines.py): an allowed pair
 * moves the stream and returns its action; a refused local input throws and leaves the stream as it was (better
 * than h2, which closed it); a refused received frame throws and closes the stream, as h2 does.
 */
class StreamTransitionsTest {

    static Stream<Arguments> pairs() {
        return Stream.of(StreamState.values())
                .flatMap(s -> Stream.of(StreamInput.values()).map(i -> Arguments.of(s, i)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("pairs")
    void eachPairEitherTransitionsOrFailsAsSpecified(StreamState state, StreamInput input) {
        H2Stream s = new H2Stream(1, true, 65535, 65535);
        s.state = state;
        StreamStateMachine.Transition t = StreamStateMachine.lookup(state, input);
        if (t != null) {
            assertEquals(t.action(), s.process(input));
            assertEquals(t.next(), s.state);
            return;
        }
        ProtocolError e = assertThrows(ProtocolError.class, () -> s.process(input));
        if (input.isSend()) {
            assertEquals(state, s.state);
            if (state == StreamState.CLOSED || state == StreamState.HALF_CLOSED_LOCAL) {
                assertInstanceOf(StreamClosedError.class, e);
            }
        } else {
            assertEquals(StreamState.CLOSED, s.state);
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("pairs")
    void closingTransitionsRecordWhatClosedTheStream(StreamState state, StreamInput input) {
        H2Stream s = new H2Stream(1, true, 65535, 65535);
        s.state = state;
        StreamStateMachine.Transition t = StreamStateMachine.lookup(state, input);
        if (t == null || t.next() != StreamState.CLOSED || state == StreamState.CLOSED) {
            return;
        }
        s.process(input);
        ClosedBy expected = switch (input) {
            case SEND_END_STREAM -> ClosedBy.SEND_END_STREAM;
            case RECV_END_STREAM -> ClosedBy.RECV_END_STREAM;
            case RECV_RST_STREAM -> ClosedBy.RECV_RST_STREAM;
            default -> ClosedBy.SEND_RST_STREAM;
        };
        assertEquals(expected, s.closedBy);
    }
}
