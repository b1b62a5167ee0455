package io.h2relay.proxy;

import static io.h2relay.proxy.RawHttp1Backend.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The proxy in front of HTTP/1.1 backends ({@code http://}) that a test writes byte by byte. */
class Http1UpstreamTest {

    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stopKit() {
        KIT.shutdownTestKit();
    }

    private static ProxyServer proxyTo(RawHttp1Backend backend, String extra) throws Exception {
        return ProxyFixture.proxy(KIT, "clusters.backend.endpoints = [\"" + backend.url() + "\"]\n"
                + "routes.default.cluster = backend\n" + extra);
    }

    private static boolean ok(OutputStream out, String body, String... fields) throws java.io.IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (String f : fields) {
            sb.append(f).append("\r\n");
        }
        sb.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        write(out, sb.toString());
        return true;
    }

    private static String header(List<Header> head, String name) {
        return head.stream().filter(h -> h.name().equals(name)).map(Header::value).findFirst().orElse(null);
    }

    private static H2TestClient.Response get(ProxyServer proxy, String path, Header... extra) throws Exception {
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            return client.response(client.request(H2TestClient.get("example.test", path, extra), true));
        }
    }

    @Test
    void requestHeadIsMappedToHttp1AndTheResponseBack() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> ok(out, "hello", "Connection: keep-alive",
                "Keep-Alive: timeout=5", "X-Foo: bar", "Set-Cookie: a=1", "Set-Cookie: b=2"), true)) {
            ProxyServer proxy = proxyTo(backend, "");
            try {
                H2TestClient.Response r = get(proxy, "/p?q=1", Header.of("cookie", "a=1"), Header.of("cookie", "b=2"),
                        Header.of("te", "trailers"), Header.of("x-custom", "v"));
                assertEquals("200", r.status());
                assertEquals("hello", new String(r.body(), StandardCharsets.UTF_8));
                assertEquals("bar", header(r.head(), "x-foo"));
                assertEquals(2, r.head().stream().filter(h -> h.name().equals("set-cookie")).count());
                assertNull(header(r.head(), "keep-alive"));
                assertNull(header(r.head(), "connection"));
                assertTrue(header(r.head(), "via").startsWith("1.1 "), String.valueOf(r.head()));

                RawHttp1Backend.Request seen = backend.requests.get(0);
                assertEquals("GET /p?q=1 HTTP/1.1", seen.line());
                assertEquals("example.test", seen.field("host"));
                assertEquals(1, seen.count("host"));
                assertEquals("a=1; b=2", seen.field("cookie"), "cookies joined (RFC 9113 §8.2.3)");
                assertEquals(1, seen.count("cookie"));
                assertNull(seen.field("te"));
                assertEquals("v", seen.field("x-custom"));
                assertNotNull(seen.field("x-forwarded-for"));
                assertNull(seen.field("transfer-encoding"), "a GET without body is not chunked");
                assertNull(seen.field("content-length"));
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void keepAliveConnectionsCarryOneRequestAfterAnother() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> ok(out, "n" + c.served), true)) {
            // One connection at most, so the count below cannot depend on whether the pool heard the connection is
            // free before the next request came (with more allowed it may rightly open another).
            ProxyServer proxy = proxyTo(backend, "clusters.backend.max-connections-per-endpoint = 1\n");
            try {
                for (int i = 0; i < 5; i++) {
                    assertEquals("n" + i, new String(get(proxy, "/").body(), StandardCharsets.UTF_8));
                }
                assertEquals(1, backend.connections.get());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void chunkedResponseTrailersReachTheClient() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-checksum\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n");
            return true;
        }, true)) {
            ProxyServer proxy = proxyTo(backend, "");
            try {
                H2TestClient.Response r = get(proxy, "/");
                assertEquals("hello world", new String(r.body(), StandardCharsets.UTF_8));
                assertEquals(List.of(Header.of("x-checksum", "abc")), r.trailers());
                assertNull(header(r.head(), "transfer-encoding"));
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void anUploadWithoutLengthGoesChunkedWithItsTrailers() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> ok(out, "got " + r.body().length), true)) {
            ProxyServer proxy = proxyTo(backend, "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("example.test", "/up"), false);
                client.send(id, "abcdef".getBytes(StandardCharsets.US_ASCII), false);
                client.act(e -> e.sendHeaders(id, List.of(Header.of("x-sum", "42")), true));
                H2TestClient.Response r = client.response(id);
                assertEquals("got 6", new String(r.body(), StandardCharsets.UTF_8));
                RawHttp1Backend.Request seen = backend.requests.get(0);
                assertEquals("chunked", seen.field("transfer-encoding"));
                assertEquals("x-sum: 42", seen.field("x-received-trailers"));
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void anUploadWithContentLengthKeepsIt() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> ok(out, new String(r.body(),
                StandardCharsets.ISO_8859_1)), true)) {
            ProxyServer proxy = proxyTo(backend, "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("example.test", "/up", Header.of("content-length", "5")),
                        false);
                client.send(id, "12345".getBytes(StandardCharsets.US_ASCII), true);
                H2TestClient.Response r = client.response(id);
                assertEquals("12345", new String(r.body(), StandardCharsets.UTF_8));
                RawHttp1Backend.Request seen = backend.requests.get(0);
                assertEquals("5", seen.field("content-length"));
                assertNull(seen.field("transfer-encoding"));
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void requestTrailersAreDroppedWhenTheBodyHasAContentLength() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> ok(out, "got " + r.body().length), true)) {
            // One connection at most: the next request waits for it rather than racing its release to the pool, so a
            // second connection can only mean the first was closed.
            ProxyServer proxy = proxyTo(backend, "clusters.backend.max-connections-per-endpoint = 1\n");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("example.test", "/up", Header.of("content-length", "3")),
                        false);
                client.send(id, "abc".getBytes(StandardCharsets.US_ASCII), false);
                client.act(e -> e.sendHeaders(id, List.of(Header.of("x-sum", "42")), true));
                assertEquals("got 3", new String(client.response(id).body(), StandardCharsets.UTF_8));
                RawHttp1Backend.Request seen = backend.requests.get(0);
                assertEquals("3", seen.field("content-length"));
                assertNull(seen.field("x-received-trailers"), "RFC 9112 §7.1.2: trailers need chunked framing");
                assertEquals("got 0", new String(get(proxy, "/next").body(), StandardCharsets.UTF_8));
                assertEquals(1, backend.connections.get(), "the connection stayed usable");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aSilentBackendIs504AndItsConnectionIsClosedNotReused() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            if (r.line().contains("/silent")) {
                try {
                    c.in.read(); // never answers; the proxy gives up and resets the connection
                } catch (java.io.IOException reset) {
                    // aborted: that is the end
                }
                closed.countDown();
                return false;
            }
            return ok(out, "spoke");
        }, true)) {
            ProxyServer proxy = proxyTo(backend, "routes.default.timeout = 300ms");
            try {
                assertEquals("504", get(proxy, "/silent").status());
                assertTrue(closed.await(20, TimeUnit.SECONDS), "HTTP/1.1 cannot cancel one exchange: the connection goes");
                assertEquals("spoke", new String(get(proxy, "/next").body(), StandardCharsets.UTF_8));
                assertEquals(2, backend.connections.get());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aClientResetClosesTheBackendConnection() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            out.flush();
            try {
                while (c.in.read() != -1) {
                    // wait for the proxy to close
                }
            } catch (java.io.IOException reset) {
                // aborted: as good as closed
            }
            closed.countDown();
            return false;
        }, true)) {
            ProxyServer proxy = proxyTo(backend, "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.get("example.test", "/stream"), true);
                client.await(Event.DataReceived.class, d -> d.streamId() == id);
                client.act(e -> e.resetStream(id, ErrorCode.CANCEL.code()));
                assertTrue(closed.await(20, TimeUnit.SECONDS));
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void closeDelimitedAndConnectionCloseResponsesRetireTheConnection() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            if (r.line().startsWith("GET /until-close")) {
                write(out, "HTTP/1.1 200 OK\r\n\r\nall of it");
                return false;
            }
            return ok(out, "closing", "Connection: close") && false;
        }, true)) {
            ProxyServer proxy = proxyTo(backend, "");
            try {
                assertEquals("all of it", new String(get(proxy, "/until-close").body(), StandardCharsets.UTF_8));
                assertEquals("closing", new String(get(proxy, "/close").body(), StandardCharsets.UTF_8));
                assertEquals("all of it", new String(get(proxy, "/until-close").body(), StandardCharsets.UTF_8));
                assertEquals(3, backend.connections.get(), "no connection was reused after its end was announced");
                assertEquals(0, proxy.metrics().retries());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    /** The backend closes a kept-alive connection just as the proxy reuses it: nothing of the response came. */
    private static RawHttp1Backend staleAfterFirst() throws Exception {
        return new RawHttp1Backend((c, r, out) -> c.served == 0 && ok(out, "fresh " + c.index), true);
    }

    @Test
    void anIdempotentRequestOnAStaleKeepAliveConnectionIsRetried() throws Exception {
        try (RawHttp1Backend backend = staleAfterFirst()) {
            ProxyServer proxy = proxyTo(backend, "");
            try {
                assertEquals("fresh 1", new String(get(proxy, "/a").body(), StandardCharsets.UTF_8));
                H2TestClient.Response r = get(proxy, "/b");
                assertEquals("200", r.status());
                assertEquals("fresh 2", new String(r.body(), StandardCharsets.UTF_8));
                assertEquals(1, proxy.metrics().retries());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aPostOnAStaleKeepAliveConnectionIsNotRetried() throws Exception {
        try (RawHttp1Backend backend = staleAfterFirst()) {
            ProxyServer proxy = proxyTo(backend, "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                assertEquals("fresh 1", new String(get(proxy, "/a").body(), StandardCharsets.UTF_8));
                int id = client.request(H2TestClient.post("example.test", "/b", Header.of("content-length", "2")),
                        false);
                client.send(id, "hi".getBytes(StandardCharsets.US_ASCII), true);
                H2TestClient.Response r = client.response(id);
                assertEquals("502", r.status());
                assertEquals(0, proxy.metrics().retries());
                assertEquals(2, backend.requests.size(), "the POST reached the backend once");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void headAndNoContentResponsesHaveNoBody() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            if (r.line().startsWith("HEAD")) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
            } else if (r.line().contains("/204")) {
                write(out, "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n");
            } else {
                write(out, "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 1000\r\n\r\n");
            }
            return true;
        }, true)) {
            ProxyServer proxy = proxyTo(backend, "clusters.backend.max-connections-per-endpoint = 1\n");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                List<Header> head = H2TestClient.get("example.test", "/h");
                head.set(0, Header.of(":method", "HEAD"));
                H2TestClient.Response r = client.response(client.request(head, true));
                assertEquals("200", r.status());
                assertEquals("1000", header(r.head(), "content-length"));
                assertEquals(0, r.body().length);
                assertEquals("204", get(proxy, "/204").status());
                H2TestClient.Response notModified = get(proxy, "/304");
                assertEquals("304", notModified.status());
                assertEquals(0, notModified.body().length);
                assertEquals(1, backend.connections.get(), "all three on one kept-alive connection");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void expectContinueReachesTheBackendAndItsHundredReachesTheClient() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            assertEquals("100-continue", r.field("expect"));
            write(out, "HTTP/1.1 100 Continue\r\n\r\n");
            out.flush();
            byte[] body = c.in.readNBytes(Integer.parseInt(r.field("content-length")));
            return ok(out, "read " + new String(body, StandardCharsets.US_ASCII));
        }, false)) {
            ProxyServer proxy = proxyTo(backend, "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("example.test", "/c", Header.of("expect", "100-continue"),
                        Header.of("content-length", "3")), false);
                Event.InformationalResponseReceived info = client.await(Event.InformationalResponseReceived.class,
                        i -> i.streamId() == id);
                assertEquals("100", header(info.headers(), ":status"));
                client.send(id, "abc".getBytes(StandardCharsets.US_ASCII), true);
                H2TestClient.Response r = client.response(id);
                assertEquals("read abc", new String(r.body(), StandardCharsets.UTF_8));
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aMalformedResponseIs502() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
            return true;
        }, true)) {
            ProxyServer proxy = proxyTo(backend, "");
            try {
                assertEquals("502", get(proxy, "/").status());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aConnectionLostMidResponseResetsTheClientStream() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
            return false;
        }, true)) {
            ProxyServer proxy = proxyTo(backend, "");
            try {
                H2TestClient.Response r = get(proxy, "/");
                assertEquals("200", r.status());
                assertNotNull(r.reset(), "the truncated response must not look complete");
                assertEquals(ErrorCode.INTERNAL_ERROR.code(), r.reset().errorCode());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void anEarlyAnswerStopsTheUploadWithNoError() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            write(out, "HTTP/1.1 413 Content Too Large\r\nContent-Length: 3\r\nConnection: close\r\n\r\nno!");
            return false;
        }, false)) {
            ProxyServer proxy = proxyTo(backend, "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("example.test", "/big"), false);
                client.send(id, new byte[1000], false);
                H2TestClient.Response r = client.response(id);
                assertEquals("413", r.status());
                assertEquals("no!", new String(r.body(), StandardCharsets.UTF_8));
                Event.StreamReset reset = r.reset() != null ? r.reset()
                        : client.await(Event.StreamReset.class, s -> s.streamId() == id);
                assertEquals(ErrorCode.NO_ERROR.code(), reset.errorCode());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void connectionsPerEndpointBoundConcurrencyAndTheQueueOverflowsTo503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch twoArrived = new CountDownLatch(2);
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            twoArrived.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ok(out, "done");
        }, true)) {
            ProxyServer proxy = proxyTo(backend, "clusters.backend { max-connections-per-endpoint = 2\n"
                    + " max-pending-requests = 1 }");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    ids.add(client.request(H2TestClient.get("example.test", "/" + i), true));
                }
                assertTrue(twoArrived.await(20, TimeUnit.SECONDS));
                int overflow = client.request(H2TestClient.get("example.test", "/overflow"), true);
                assertEquals("503", client.response(overflow).status());
                release.countDown();
                for (int id : ids) {
                    assertEquals("200", client.response(id).status());
                }
                assertEquals(2, backend.connections.get());
                assertFalse(backend.requests.stream().anyMatch(r -> r.line().contains("overflow")));
            } finally {
                release.countDown();
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aRequestResetWhileItWaitsForABusyBackendIsNeverSent() throws Exception {
        CountDownLatch slowArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            if (r.line().contains("/slow")) {
                slowArrived.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ok(out, "done " + r.line().split(" ")[1]);
        }, true)) {
            // One connection, busy with /slow: the next request waits in the proxy for it.
            ProxyServer proxy = proxyTo(backend, "clusters.backend.max-connections-per-endpoint = 1\n");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int slow = client.request(H2TestClient.get("example.test", "/slow"), true);
                assertTrue(slowArrived.await(10, TimeUnit.SECONDS));
                int waiting = client.request(H2TestClient.get("example.test", "/waiting"), true);
                client.act(e -> e.resetStream(waiting, ErrorCode.CANCEL.code()));
                client.act(e -> e.ping(7L)); // answered after the reset was handled: the Stream is gone by then
                client.await(Event.PingAckReceived.class, p -> true);
                release.countDown();
                assertEquals("done /slow", new String(client.response(slow).body(), StandardCharsets.UTF_8));
                assertEquals("done /next", new String(get(proxy, "/next").body(), StandardCharsets.UTF_8));
                List<String> lines = new ArrayList<>();
                for (RawHttp1Backend.Request r : backend.requests) {
                    lines.add(r.line());
                }
                assertEquals(List.of("GET /slow HTTP/1.1", "GET /next HTTP/1.1"), lines,
                        "the reset request never reached the backend");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }
}
