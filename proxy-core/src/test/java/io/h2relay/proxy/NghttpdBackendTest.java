package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.hpack.Header;
import io.h2relay.origin.Tools;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nghttpd (nghttp2's server) as the backend: another implementation on the other side of the proxy. */
class NghttpdBackendTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final byte[] FILE = new byte[5 << 20];
    private static Process nghttpd;
    private static ProxyServer proxy;

    @TempDir
    static Path docroot;

    @BeforeAll
    static void start() throws Exception {
        new Random(42).nextBytes(FILE);
        Files.write(docroot.resolve("file.bin"), FILE);
        Files.write(docroot.resolve("small.bin"), new byte[1024]);
        int port = ProxyFixture.freePort();
        // At most 3 streams per connection: the proxy must hold the rest back, not have them refused.
        nghttpd = Tools.start("nghttpd", "--no-tls", "--echo-upload", "-m", "3", "--trailer", "x-nghttpd: yes",
                "-a", "127.0.0.1", "-d", docroot.toString(), Integer.toString(port));
        ProxyFixture.awaitListening(nghttpd, "nghttpd", port);
        proxy = ProxyFixture.proxyTo(KIT, new InetSocketAddress("127.0.0.1", port), "");
    }

    @AfterAll
    static void stop() throws Exception {
        ProxyFixture.stop(proxy);
        nghttpd.destroy();
        nghttpd.waitFor(10, TimeUnit.SECONDS);
        KIT.shutdownTestKit();
    }

    @Test
    void aFileArrivesByteExactWithTheBackendsTrailer() throws Exception {
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            H2TestClient.Response r = client.response(client.request(H2TestClient.get("x", "/file.bin"), true));
            assertEquals("200", r.status());
            assertArrayEquals(FILE, r.body());
            assertTrue(r.trailers().contains(Header.of("x-nghttpd", "yes")), String.valueOf(r.trailers()));
        }
    }

    @Test
    void anUploadIsEchoedByteExact() throws Exception {
        byte[] upload = new byte[3 << 20];
        new Random(3).nextBytes(upload);
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            int id = client.request(H2TestClient.post("x", "/echo"), false);
            client.send(id, upload, true);
            H2TestClient.Response r = client.response(id);
            assertEquals("200", r.status());
            assertArrayEquals(upload, r.body());
        }
    }

    @Test
    void theBackendsStreamLimitIsRespected() throws Exception {
        long retriesBefore = proxy.metrics().retries();
        Tools.Result r = Tools.run(60, "h2load", "-n", "300", "-c", "1", "-m", "30", base(proxy) + "/small.bin");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("300 succeeded, 0 failed, 0 errored"), r.out());
        assertEquals(retriesBefore, proxy.metrics().retries(), "no stream was refused, so none was retried");
    }
}
