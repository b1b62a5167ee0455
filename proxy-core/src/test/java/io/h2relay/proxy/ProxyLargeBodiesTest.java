package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.origin.Tools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** 100 MiB through the proxy both ways, byte-exact (hashed), with the default windows. */
class ProxyLargeBodiesTest {

    private static final long SIZE = 100L << 20;
    @RegisterExtension
    static final OriginKit ORIGIN = OriginKit.withProxy();

    @Test
    void aHundredMebibyteDownloadArrivesIntact(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("download");
        ProxyFixture.curlOk("-o", out.toString(), base(ORIGIN.proxy()) + "/bytes/" + SIZE);
        assertEquals(SIZE, Files.size(out));
        assertEquals(Tools.patternSha256(SIZE), sha256(out));
    }

    @Test
    void aHundredMebibyteUploadIsEchoedIntact(@TempDir Path dir) throws Exception {
        Path in = Tools.patternFile(dir, SIZE);
        Path out = dir.resolve("echo");
        ProxyFixture.curlOk("-T", in.toString(), "-o", out.toString(), base(ORIGIN.proxy()) + "/echo");
        assertEquals(SIZE, Files.size(out));
        assertEquals(Tools.patternSha256(SIZE), sha256(out));
        assertTrue(ORIGIN.proxy().metrics().peakConnectionBufferedBytes() <= 4 << 20,
                "connection peak " + ORIGIN.proxy().metrics().peakConnectionBufferedBytes());
    }

    @Test
    void concurrentLargeStreamsOnOneConnectionStayApart() throws Exception {
        try (H2TestClient client = new H2TestClient(ORIGIN.proxy().address("main"))) {
            int[] ids = new int[6];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = client.request(H2TestClient.get("x", "/bytes/" + ((4 << 20) + i * 1001)), true);
            }
            for (int i = 0; i < ids.length; i++) {
                byte[] body = client.response(ids[i]).body();
                assertEquals((4 << 20) + i * 1001, body.length);
                assertEquals(Tools.patternSha256(body.length), Tools.sha256(body), "stream " + ids[i]);
            }
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest d = Tools.digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                d.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
