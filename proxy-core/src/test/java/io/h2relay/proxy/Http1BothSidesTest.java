package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static io.h2relay.proxy.ProxyFixture.curl11Ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.origin.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/1.1 on both sides: curl --http1.1 through the proxy to nginx and to the JDK's HttpServer (http://). */
class Http1BothSidesTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final int LARGE = 12 << 20;
    private static byte[] file;
    private static Http1Backends backends;
    private static ProxyServer proxy;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        file = new byte[LARGE];
        new Random(11).nextBytes(file);
        backends = new Http1Backends(KIT, dir, file, "", "");
        proxy = backends.proxy;
    }

    @AfterAll
    static void stop() throws Exception {
        backends.close();
        KIT.shutdownTestKit();
    }

    @Test
    void keepAliveRequestsReachNginx() throws Exception {
        Tools.Result r = curl11Ok("-w", "%{num_connects} %{http_code}\\n", base(proxy) + "/fixed", base(proxy) + "/fixed");
        assertEquals("fixed body\n1 200\nfixed body\n0 200\n", r.out());
    }

    @Test
    void aLargeFileFromNginxArrivesByteExact() throws Exception {
        Tools.Result r = curl11Ok(base(proxy) + "/nginx/large.bin");
        assertEquals(Tools.sha256(file), Tools.sha256(r.stdout()));
    }

    @Test
    void aChunkedUploadIsEchoedByteExactByTheJdkServer() throws Exception {
        Path upload = dir.resolve("upload.bin");
        Files.write(upload, file);
        Tools.Result r = curl11Ok("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + upload,
                base(proxy) + "/echo");
        assertEquals(Tools.sha256(file), Tools.sha256(r.stdout()));
        Tools.Result v = curl11Ok("-v", "--data-binary", "small", "-o", "/dev/null", base(proxy) + "/echo");
        assertTrue(v.stderr().toLowerCase().contains("< transfer-encoding: chunked"), v.stderr());
    }
}
