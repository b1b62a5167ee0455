package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.FlowControlConfig;
import io.h2relay.origin.OriginServer;
import io.h2relay.origin.Tools;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's bounded-memory proof at full size: a 1 GiB upload from curl through the proxy (default configuration)
 * to a backend that reads at 10 MiB/s completes byte-exact, and the proxy's buffered-bytes gauge never passes the
 * configured per-stream and per-connection bounds. Asserts on the gauge, never on time; it takes about two minutes
 * because the backend's rate says so.
 */
class ProxyGigabyteUploadTest {

    @Test
    void aGigabyteUploadToA10MiBPerSecondBackendStaysWithinTheBufferBounds(@TempDir Path dir) throws Exception {
        ActorTestKit kit = ActorTestKit.create();
        try {
            OriginServer origin = ProxyFixture.origin(kit);
            ProxyServer proxy = ProxyFixture.proxyTo(kit, origin.address(), "");
            FlowControlConfig bounds = ConfigLoader.defaults().flowControl();
            long size = 1L << 30;
            Path file = Tools.patternFile(dir, size);

            Tools.Result r = Tools.run(900, "curl", "--http2-prior-knowledge", "-sS", "--max-time", "890",
                    "-T", file.toString(), base(proxy) + "/sha256?rate=" + (10 << 20));

            assertEquals(0, r.exit(), "curl failed: " + r.stderr());
            assertEquals(size + " " + Tools.patternSha256(size) + "\n", r.out());
            ProxyMetrics m = proxy.metrics();
            assertTrue(m.peakStreamBufferedBytes() <= bounds.maxStreamBuffer(),
                    "stream peak " + m.peakStreamBufferedBytes() + " > " + bounds.maxStreamBuffer());
            assertTrue(m.peakConnectionBufferedBytes() <= bounds.maxConnectionBuffer(),
                    "connection peak " + m.peakConnectionBufferedBytes() + " > " + bounds.maxConnectionBuffer());
            assertTrue(m.peakStreamBufferedBytes() > 0, "the gauge never saw the upload");
            ProxyFixture.stop(proxy);
            origin.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            kit.shutdownTestKit();
        }
    }
}
