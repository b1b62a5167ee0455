package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.frame.ErrorCode;
import io.h2relay.origin.Tools;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The exchange hook (contract C4) over real sockets: one record per exchange, whatever the way it ended. */
class ExchangeRecordTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();

    /** Collects records; captures {@code limit} body bytes on route "echo" only. */
    private static final class Recorder implements ExchangeObserver {
        final BlockingQueue<ExchangeRecord> records = new LinkedBlockingQueue<>();
        final int limit;

        Recorder(int limit) {
            this.limit = limit;
        }

        @Override
        public void exchangeEnded(ExchangeRecord record) {
            records.add(record);
        }

        @Override
        public int captureLimit(String routeName) {
            return routeName.equals("echo") ? limit : 0;
        }

        ExchangeRecord next() throws InterruptedException {
            ExchangeRecord r = records.poll(20, TimeUnit.SECONDS);
            assertNotNull(r, "no exchange record within 20 s");
            return r;
        }
    }

    private static String routes() {
        return """
                clusters.origin.endpoints = ["h2c://127.0.0.1:%d"]
                routes.echo { path-prefix = "/echo", cluster = origin }
                routes.bytes { path-prefix = "/bytes", cluster = origin }
                """.formatted(ORIGIN.address().getPort());
    }

    @Test
    void aCompletedExchangeCarriesHeadsTimingsCountsAndTheCapturedBodies() throws Exception {
        Recorder rec = new Recorder(5);
        ProxyServer proxy = ProxyFixture.proxy(KIT, routes(), List.of(rec));
        try {
            Instant before = Instant.now();
            Tools.Result r = ProxyFixture.curlOk("--data-binary", "hello, world", "-H", "priority: u=2",
                    base(proxy) + "/echo");
            assertEquals("hello, world", r.out());
            ExchangeRecord x = rec.next();
            assertEquals(ExchangeRecord.Outcome.COMPLETED, x.outcome());
            assertEquals(-1, x.resetCode());
            assertEquals(200, x.status());
            assertEquals("main", x.listener());
            assertEquals("h2c", x.protocol());
            assertFalse(x.tls());
            assertEquals(1, x.streamId());
            assertEquals("127.0.0.1", x.client().getAddress().getHostAddress());
            assertEquals("echo", x.route());
            assertEquals("origin", x.cluster());
            assertEquals("h2c://127.0.0.1:" + ORIGIN.address().getPort(), x.upstream());
            assertEquals("POST", x.requestField(":method"));
            assertEquals("/echo", x.requestField(":path"));
            assertNull(x.requestField("x-forwarded-for"), "the request head is as the client sent it");
            assertEquals("2 h2relay", x.responseField("via"), "the response head is as the client received it");
            assertEquals("u=2", x.priority());
            assertEquals(12, x.requestBodyBytes());
            assertEquals(12, x.responseBodyBytes());
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), x.requestBody());
            assertTrue(x.requestBodyTruncated());
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), x.responseBody());
            assertTrue(x.responseBodyTruncated());
            assertFalse(x.started().isBefore(before.minusMillis(1)), x.started() + " before " + before);
            assertTrue(x.upstreamNanos() >= 0, "the backend answered");
            assertTrue(x.durationNanos() >= x.upstreamNanos(), x.durationNanos() + " < " + x.upstreamNanos());
            assertTrue(x.durationNanos() < Duration.ofSeconds(60).toNanos());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void bodiesAreCapturedWholeWithinTheLimitAndNotOnOtherRoutes() throws Exception {
        Recorder rec = new Recorder(1 << 20);
        ProxyServer proxy = ProxyFixture.proxy(KIT, routes(), List.of(rec));
        try {
            ProxyFixture.curlOk("--data-binary", "abc", base(proxy) + "/echo");
            ExchangeRecord echo = rec.next();
            assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), echo.requestBody());
            assertFalse(echo.requestBodyTruncated());
            assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), echo.responseBody());
            assertFalse(echo.responseBodyTruncated());

            ProxyFixture.curlOk("-o", "/dev/null", base(proxy) + "/bytes/70000");
            ExchangeRecord bytes = rec.next();
            assertEquals("bytes", bytes.route());
            assertEquals(70000, bytes.responseBodyBytes());
            assertEquals(0, bytes.requestBodyBytes());
            assertNull(bytes.responseBody(), "route bytes asks for no capture");
            assertNull(bytes.requestBody());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aLocal404IsRecordedWithoutRouteOrUpstream() throws Exception {
        Recorder rec = new Recorder(100);
        ProxyServer proxy = ProxyFixture.proxy(KIT, routes(), List.of(rec));
        try {
            assertEquals("404", ProxyFixture.status(base(proxy) + "/nowhere"));
            ExchangeRecord x = rec.next();
            assertEquals(ExchangeRecord.Outcome.LOCAL_RESPONSE, x.outcome());
            assertEquals(404, x.status());
            assertNull(x.route());
            assertNull(x.cluster());
            assertNull(x.upstream());
            assertEquals(-1, x.upstreamNanos());
            assertEquals("/nowhere", x.requestField(":path"));
            assertEquals("404", x.responseField(":status"));
            assertEquals("no route for this request\n".length(), x.responseBodyBytes());
            assertNull(x.responseBody(), "no route, no capture");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aBackendResetPassedOnIsRecordedWithItsCode() throws Exception {
        Recorder rec = new Recorder(0);
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.RESET_MIDWAY)) {
            ProxyServer proxy = ProxyFixture.proxy(KIT, "clusters.backend.endpoints = [\"h2c://127.0.0.1:"
                    + backend.address().getPort() + "\"]\nroutes.default.cluster = backend\n", List.of(rec));
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                H2TestClient.Response r = client.response(client.request(H2TestClient.get("x", "/"), true));
                assertNotNull(r.reset());
                ExchangeRecord x = rec.next();
                assertEquals(ExchangeRecord.Outcome.UPSTREAM_RESET, x.outcome());
                assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), x.resetCode());
                assertEquals(200, x.status());
                assertEquals(1000, x.responseBodyBytes());
                assertTrue(x.upstreamNanos() >= 0);
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aClientResetIsRecordedWithItsCode() throws Exception {
        Recorder rec = new Recorder(0);
        try (ScriptedBackend backend = new ScriptedBackend((conn, e) -> { })) {
            ProxyServer proxy = ProxyFixture.proxy(KIT, "clusters.backend.endpoints = [\"h2c://127.0.0.1:"
                    + backend.address().getPort() + "\"]\nroutes.default.cluster = backend\n", List.of(rec));
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("x", "/upload"), false);
                client.send(id, new byte[5000], false);
                backend.await(Event.DataReceived.class, d -> true);
                client.act(c -> c.resetStream(id, ErrorCode.CANCEL.code()));
                ExchangeRecord x = rec.next();
                assertEquals(ExchangeRecord.Outcome.CLIENT_RESET, x.outcome());
                assertEquals(ErrorCode.CANCEL.code(), x.resetCode());
                assertEquals(0, x.status(), "no response reached the client");
                assertNull(x.responseHead());
                assertEquals(5000, x.requestBodyBytes());
                assertEquals(-1, x.upstreamNanos(), "the backend never answered");
                assertNotNull(x.upstream(), "the request reached a backend");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aTimeoutIsRecordedAs504() throws Exception {
        Recorder rec = new Recorder(0);
        try (ScriptedBackend backend = new ScriptedBackend((conn, e) -> { })) {
            ProxyServer proxy = ProxyFixture.proxy(KIT, "clusters.backend { endpoints = [\"h2c://127.0.0.1:"
                    + backend.address().getPort() + "\"], request-timeout = 200ms }\n"
                    + "routes.default.cluster = backend\n", List.of(rec));
            try {
                assertEquals("504", ProxyFixture.status(base(proxy) + "/slow"));
                ExchangeRecord x = rec.next();
                assertEquals(ExchangeRecord.Outcome.TIMEOUT, x.outcome());
                assertEquals(504, x.status());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void everyExchangeIsRecordedOnceAndObserversSeeTheSameRecords() throws Exception {
        Recorder a = new Recorder(0);
        Recorder b = new Recorder(0);
        ProxyServer proxy = ProxyFixture.proxy(KIT, routes(), List.of(a, b));
        try {
            String url = base(proxy) + "/bytes/10";
            // Three streams on one connection (curl 7.88 cannot reuse a prior-knowledge connection for more URLs).
            Tools.Result r = Tools.run(30, "nghttp", "-n", url, url + "?a", url + "?b");
            assertEquals(0, r.exit(), r.stderr());
            for (int i = 0; i < 3; i++) {
                assertEquals(a.next(), b.next());
            }
            assertNull(a.records.poll(200, TimeUnit.MILLISECONDS), "three requests, three records");
            assertEquals(3, proxy.metrics().exchanges());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }
}
