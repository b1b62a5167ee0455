package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.h2relay.frame.ErrorCode;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link H2Connection#receiveData}. In a normal build this runs in regression mode: the
 * seeds under {@code src/test/resources/io/h2relay/engine/EngineFuzzTestInputs/} and every crash input saved there
 * are replayed. To fuzz for real (5 minutes, the annotation's bound; findings are written next to the seeds):
 *
 * <pre>JAZZER_FUZZ=1 mvn -B -pl proxy-core test -Dtest=EngineFuzzTest -Djazzer.hooks=true</pre>
 *
 * <p>Input layout: byte 0 picks the side (bit 0: client) and the read size (bits 1-6: 1..64 bytes per
 * {@code receiveData}); the rest is what the peer sends, after the preface and an empty SETTINGS that the harness
 * supplies so the fuzzer starts past them.
 */
class EngineFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void receiveDataOnlyEverEndsInDocumentedWays(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean client = (input[0] & 1) != 0;
        int read = 1 + ((input[0] >> 1) & 63);
        H2Connection conn = new H2Connection(client ? H2Configuration.client() : H2Configuration.server());
        conn.initiateConnection();
        if (client) {
            conn.sendHeaders(1, FrameFactory.REQUEST, false);
        }
        FrameFactory peer = new FrameFactory();
        conn.receiveData(ByteBuffer.wrap(client ? peer.settings(new io.h2relay.frame.Settings())
                : peer.clientPreface()));
        for (int at = 1; at < input.length; at += read) {
            int n = Math.min(read, input.length - at);
            List<Event> events = conn.receiveData(ByteBuffer.wrap(input, at, n).slice());
            for (Event e : events) {
                if (e instanceof Event.ConnectionTerminated t && !t.remote()) {
                    assertTrue(t.errorCode() != ErrorCode.INTERNAL_ERROR.code(), t.toString());
                }
                respond(conn, e);
            }
            assertTrue(conn.reader.bufferedBytes() <= 9 + conn.maxInboundFrameSize());
            assertTrue(conn.assembler.length() <= conn.config.limits().maxHeaderBlockBytes());
            if ((n & 1) == 0) {
                conn.dataToSend();
            }
        }
    }

    private static void respond(H2Connection conn, Event e) {
        try {
            if (e instanceof Event.RequestReceived r) {
                conn.sendHeaders(r.streamId(), FrameFactory.RESPONSE, false);
                conn.queueData(r.streamId(), ByteBuffer.allocate(100), true);
            } else if (e instanceof Event.DataReceived d) {
                conn.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
            }
        } catch (H2Error expected) {
            // lost a race with the peer's own frames: a documented outcome
        }
    }
}
