package io.h2relay.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.http1.Http1Event.Malformed;
import io.h2relay.http1.Http1Event.RequestHead;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SmugglingTest {

    static Stream<SmugglingCases.Case> cases() {
        return SmugglingCases.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySmugglingPayloadIsRefusedWithItsStatusAndClosesUnderEverySplit(SmugglingCases.Case c) {
        List<Http1Event> events = Wire.serveAllSplits(Http1Config.defaults(), c.raw(), false);
        Malformed m = Wire.malformed(events);
        assertEquals(c.status(), m.status(), () -> c.name() + ": " + events);
        assertTrue(m.closeConnection(), c.name());
        assertEquals(c.headsBefore(), Wire.count(events, RequestHead.class), () -> c.name() + ": " + events);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nothingAfterTheErrorIsParsedAndTheConnectionMustClose(SmugglingCases.Case c) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        List<Http1Event> events = server.receiveData(java.nio.ByteBuffer.wrap(Wire.bytes(c.raw())));
        // Answer a head that made it through, as a proxy would, then keep reading.
        if (server.ourState() == Http1State.SEND_RESPONSE && server.theirState() != Http1State.ERROR) {
            events = new java.util.ArrayList<>(events);
            server.sendResponseHead(200, List.of(), true);
            events.addAll(server.pollEvents());
        }
        assertEquals(Http1State.ERROR, server.theirState(), c.name() + ": " + events);
        assertEquals(List.of(), server.receiveData(java.nio.ByteBuffer.wrap(Wire.bytes(
                "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))), "input after an error is ignored");
        assertTrue(!server.keepAlive());
    }

    @Provide
    Arbitrary<Tuple2<SmugglingCases.Case, List<Integer>>> caseAndCuts() {
        return Arbitraries.of(SmugglingCases.ALL).flatMap(c -> Arbitraries.integers()
                .between(1, Math.max(1, c.raw().length() - 1)).list().ofMaxSize(12).map(cuts -> Tuple.of(c, cuts)));
    }

    @Property(tries = 300)
    void randomSplitsOfSmugglingPayloadsGiveTheSameEventsAsOneRead(
            @ForAll("caseAndCuts") Tuple2<SmugglingCases.Case, List<Integer>> input) {
        byte[] raw = Wire.bytes(input.get1().raw());
        List<Http1Event> whole = Wire.normalize(Wire.serve(Http1Config.defaults(), raw, new int[] {raw.length}, true));
        List<Http1Event> split = Wire.normalize(Wire.serve(Http1Config.defaults(), raw,
                Wire.fromCuts(raw.length, input.get2()), true));
        assertEquals(whole, split);
    }
}
