package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static io.h2relay.proxy.ProxyFixture.curlOk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.origin.BodyPattern;
import io.h2relay.origin.Tools;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end flow control: a slow reader on either side slows the other side's window, and the proxy's
 * buffered-bytes gauge never passes the configured bounds.
 */
class ProxyFlowControlTest {

    private static final int STREAM_WINDOW = 256 * 1024;
    private static final int CONNECTION_WINDOW = 512 * 1024;
    private static final String FLOW = """
            flow-control { stream-window = %d, connection-window = %d, max-stream-buffer = %d,
                           max-connection-buffer = %d }
            """.formatted(STREAM_WINDOW, CONNECTION_WINDOW, STREAM_WINDOW, CONNECTION_WINDOW);

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();

    @Test
    void anUploadToASlowBackendNeverBuffersPastTheBounds(@TempDir Path dir) throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), FLOW);
        try {
            long size = 16L << 20;
            Path file = Tools.patternFile(dir, size);
            // The backend credits 16 MiB/s; curl would send much faster.
            Tools.Result r = curlOk("-T", file.toString(), base(proxy) + "/sha256?rate=" + (16 << 20));
            assertEquals(size + " " + Tools.patternSha256(size) + "\n", r.out());
            ProxyMetrics m = proxy.metrics();
            assertTrue(m.peakStreamBufferedBytes() <= STREAM_WINDOW, "stream peak " + m.peakStreamBufferedBytes());
            assertTrue(m.peakConnectionBufferedBytes() <= CONNECTION_WINDOW,
                    "connection peak " + m.peakConnectionBufferedBytes());
            assertTrue(m.peakStreamBufferedBytes() >= STREAM_WINDOW / 2,
                    "the slow backend should have filled the stream window: " + m.peakStreamBufferedBytes());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aClientThatStopsReadingStopsTheBackendAtTheWindow() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), FLOW);
        int size = 4 << 20;
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            client.autoAcknowledge(false);
            int id = client.request(H2TestClient.get("x", "/bytes/" + size), true);
            ProxyMetrics m = proxy.metrics();
            // Our 64 KiB windows fill; the proxy then holds what the backend sent within the stream window it
            // announced (minus what went on to us: credit is returned once bytes leave), and no more.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (m.bufferedBytes() < STREAM_WINDOW / 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long held = m.bufferedBytes();
            assertTrue(held >= STREAM_WINDOW / 2 && held <= STREAM_WINDOW, "held while the client reads nothing: "
                    + held);
            client.autoAcknowledge(true);
            long received = 0;
            for (Event e; received < 65_535; ) {
                e = client.await(Event.DataReceived.class, d -> d.streamId() == id);
                int n = ((Event.DataReceived) e).flowControlledLength();
                client.acknowledge(n, id);
                received += n;
                if (received >= 65_535) {
                    break;
                }
            }
            H2TestClient.Response rest = client.response(id);
            assertEquals(size - received, rest.body().length);
            byte[] expected = new byte[rest.body().length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = BodyPattern.at(received + i);
            }
            assertArrayEquals(expected, rest.body());
            assertTrue(m.peakStreamBufferedBytes() <= STREAM_WINDOW, "stream peak " + m.peakStreamBufferedBytes());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }
}
