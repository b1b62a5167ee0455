package io.h2relay.app.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarBodies;
import io.h2relay.app.har.HarJson;
import io.h2relay.app.har.HarRedaction;
import io.h2relay.config.RecordConfig;
import io.h2relay.hpack.Header;
import io.h2relay.proxy.ExchangeRecord;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarRecorderTest {

    @TempDir
    Path dir;

    static ExchangeRecord exchange(String route, int stream, byte[] requestBody, byte[] responseBody) {
        return new ExchangeRecord(Instant.parse("2026-11-22T07:00:00Z"), 12_000_000, 8_000_000, "main",
                new InetSocketAddress("127.0.0.1", 50000), "h2c", false, stream, route, "origin",
                "h2c://127.0.0.1:8081",
                List.of(Header.of(":method", "POST"), Header.of(":scheme", "http"),
                        Header.of(":authority", "example.test"), Header.of(":path", "/echo?a=1&b"),
                        Header.of("authorization", "Bearer secret"), Header.of("content-type", "text/plain")),
                List.of(Header.of("x-checksum", "abc")), requestBody.length, requestBody, false,
                200, List.of(Header.of(":status", "200"), Header.of("set-cookie", "s=1"),
                        Header.of("content-type", "application/octet-stream")),
                null, 5000, responseBody, true, "u=2", ExchangeRecord.Outcome.COMPLETED, -1);
    }

    @Test
    void entryCarriesHeadsBodiesTimingsAndExtensions() {
        byte[] binary = {0, 1, 2, (byte) 0xfe};
        Har.Entry e = HarEntries.of(exchange("r", 5, "hi".getBytes(StandardCharsets.UTF_8), binary), false);
        assertEquals("http://example.test/echo?a=1&b", e.request().url());
        assertEquals("POST", e.request().method());
        assertEquals("h2", e.request().httpVersion());
        assertEquals(List.of(Har.NameValue.of("a", "1"), Har.NameValue.of("b", "")), e.request().queryString());
        assertTrue(e.request().headers().stream().noneMatch(h -> h.name().startsWith(":")));
        assertEquals(HarRedaction.REDACTED, value(e.request().headers(), "authorization"));
        assertEquals(HarRedaction.REDACTED, value(e.response().headers(), "set-cookie"));
        assertEquals("hi", e.request().postData().text());
        assertNull(e.request().postData().encoding());
        assertEquals("base64", e.response().content().encoding());
        assertArrayEquals(binary, HarBodies.decode(e.response().content().text(), "base64"));
        assertEquals(5000, e.response().content().size());
        assertEquals(12.0, e.time());
        assertEquals(e.time(), e.timings().send() + e.timings().waitMs() + e.timings().receive(), 1e-9,
                "HAR 1.2: the phases add up to the entry's time");
        assertEquals(8.0, e.timings().waitMs());
        assertEquals(5, e.h2relay().streamId());
        assertEquals("u=2", e.h2relay().priority());
        assertEquals(List.of(Har.NameValue.of("x-checksum", "abc")), e.h2relay().requestTrailers());
        assertEquals(Boolean.TRUE, e.h2relay().responseBodyTruncated());
        assertNull(e.h2relay().requestBodyTruncated());
        assertNull(e.h2relay().resetCode());
        assertEquals("Bearer secret",
                value(HarEntries.of(exchange("r", 5, new byte[0], new byte[0]), true).request().headers(),
                        "authorization"), "opted in");
    }

    @Test
    void exchangeWithoutResponseIsStatusZero() {
        ExchangeRecord r = exchange("r", 1, new byte[0], null);
        ExchangeRecord reset = new ExchangeRecord(r.started(), r.durationNanos(), -1, r.listener(), r.client(),
                "http/1.1", false, 1, null, null, null, r.requestHead(), null, 0, null, false, 0, null, null, 0,
                null, false, null, ExchangeRecord.Outcome.CLIENT_RESET, 8);
        Har.Entry e = HarEntries.of(reset, false);
        assertEquals(0, e.response().status());
        assertEquals("http/1.1", e.request().httpVersion());
        assertNull(e.request().postData());
        assertEquals("CLIENT_RESET", e.h2relay().outcome());
        assertEquals(8, e.h2relay().resetCode());
    }

    @Test
    void fullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
        Path file = dir.resolve("t.har");
        HarRecorder recorder = HarRecorder.create(new RecordConfig(file.toString(), true, 1024, false, 2), Set.of(),
                "test");
        for (int i = 1; i <= 5; i++) {
            recorder.exchangeEnded(exchange("r", 2 * i - 1, new byte[0], new byte[0]));
        }
        assertEquals(3, recorder.dropped());
        recorder.startWriter();
        recorder.close();
        assertEquals(2, recorder.written());
        List<Har.Entry> entries = HarJson.read(file).log().entries();
        assertEquals(List.of(1, 3), entries.stream().map(e -> e.h2relay().streamId()).toList());
    }

    @Test
    void onlyRecordedRoutesAreQueuedAndCaptured() throws Exception {
        Path file = dir.resolve("routes.har");
        HarRecorder recorder = HarRecorder.create(new RecordConfig(file.toString(), false, 4096, false, 10),
                Set.of("api"), "test");
        assertEquals(4096, recorder.captureLimit("api"));
        assertEquals(0, recorder.captureLimit("static"));
        assertEquals(0, recorder.captureLimit(null));
        recorder.exchangeEnded(exchange("api", 1, new byte[0], new byte[0]));
        recorder.exchangeEnded(exchange("static", 3, new byte[0], new byte[0]));
        recorder.exchangeEnded(exchange(null, 5, new byte[0], new byte[0]));
        recorder.startWriter();
        recorder.close();
        assertEquals(List.of("api"), HarJson.read(file).log().entries().stream().map(e -> e.h2relay().route())
                .toList());
        assertEquals(0, recorder.dropped());
    }

    private static String value(List<Har.NameValue> fields, String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().value();
    }
}
