package io.h2relay.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Http1Connection#holdsInput()}: whether the next body events are views of the codec's own buffer. */
class HeldInputTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aPartialChunkLineIsHeldAndTheNextReadsBodyComesFromTheCodecsBuffer() {
        Http1Connection c = new Http1Connection(Http1Role.CLIENT);
        c.sendRequestHead("GET", "/", List.of(Http1Field.of("Host", "a")), true);
        c.receiveData(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r"));
        assertTrue(c.holdsInput(), "\"5\\r\" waits for its LF");
        ByteBuffer in = bytes("\nhello\r\n0\r\n\r\n");
        List<Http1Event> events = c.receiveData(in);
        Http1Event.Data d = (Http1Event.Data) events.get(0);
        assertEquals("hello", StandardCharsets.ISO_8859_1.decode(d.data().duplicate()).toString());
        in.clear().put(new byte[in.capacity()]); // the caller reuses its buffer: the event is a view of the codec's
        assertEquals("hello", StandardCharsets.ISO_8859_1.decode(d.data().duplicate()).toString());
        assertFalse(c.holdsInput());
    }

    @Test
    void wholeInputIsNotHeldAndBodyEventsViewTheCallersBuffer() {
        Http1Connection c = new Http1Connection(Http1Role.CLIENT);
        c.sendRequestHead("GET", "/", List.of(Http1Field.of("Host", "a")), true);
        c.receiveData(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"));
        assertFalse(c.holdsInput());
        ByteBuffer in = bytes("hello");
        Http1Event.Data d = (Http1Event.Data) c.receiveData(in).get(0);
        in.clear().put(bytes("HELLO"));
        assertEquals("HELLO", StandardCharsets.ISO_8859_1.decode(d.data().duplicate()).toString(),
                "a view of the caller's bytes, not a copy");
    }
}
