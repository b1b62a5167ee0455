package io.h2relay.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The origin's {@code push} and {@code compress} queries as {@link Endpoint.Request} reads them. */
class OriginServerQueryTest {

    private static Endpoint.Request get(String path, String... acceptEncoding) {
        List<Header> headers = new ArrayList<>(List.of(Header.of(":method", "GET"), Header.of(":path", path)));
        for (String a : acceptEncoding) {
            headers.add(Header.of("accept-encoding", a));
        }
        return Endpoint.Request.of(headers);
    }

    @Test
    void pushListsThePathsInOrderOnAnyEndpoint() {
        assertEquals(List.of("/bytes/10", "/headers"), get("/push?push=/bytes/10,/headers").push());
        assertEquals(Endpoint.Kind.ROOT, get("/push?push=/a").kind());
        assertEquals(List.of("/a"), get("/bytes/5?x=1&push=/a").push());
        assertEquals(Endpoint.Kind.BYTES, get("/bytes/5?x=1&push=/a").kind());
        assertEquals(List.of(), get("/push").push());
        assertEquals(List.of(), get("/push?push=").push());
    }

    @Test
    void compressPrefersGzipThenBrThenDeflateAmongTheAcceptedCodings() {
        assertEquals("gzip", get("/?compress", "deflate, br, gzip").coding());
        assertEquals("br", get("/?compress", "deflate, br").coding());
        assertEquals("deflate", get("/?compress", "identity", "deflate").coding(), "repeated fields combine");
        assertEquals("deflate", get("/?compress=deflate", "gzip, deflate").coding());
    }

    @Test
    void compressSendsIdentityWhenNoAskedCodingIsAccepted() {
        assertNull(get("/?compress").coding(), "no accept-encoding");
        assertNull(get("/?compress", "gzip;q=0, deflate;q=0.0").coding(), "q=0 refuses a coding (RFC 9110 §12.4.2)");
        assertEquals("gzip", get("/?compress", "gzip;q=0.5").coding());
        assertNull(get("/?compress=br", "gzip").coding());
        assertNull(get("/?compress=zstd", "zstd, gzip").coding(), "only gzip, br and deflate are produced");
        assertNull(get("/", "gzip").coding(), "no compress query, no coding");
        assertNull(get("/echo?compress", "gzip").coding(), "/echo streams, never compressed");
    }
}
