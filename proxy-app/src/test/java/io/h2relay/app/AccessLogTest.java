package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.h2relay.config.AccessLogConfig;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.InvalidConfigException;
import io.h2relay.config.ProxyConfig;
import io.h2relay.hpack.Header;
import io.h2relay.origin.OriginServer;
import io.h2relay.proxy.ExchangeRecord;
import io.h2relay.proxy.ProxyServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log: lines from real exchanges, the pattern variables, rotation, and dropping instead of blocking. */
class AccessLogTest {

    private static AccessLogConfig config(String hocon) {
        return ConfigLoader.parse("h2relay.access-log { " + hocon + " }", "test.conf").accessLog();
    }

    private static ExchangeRecord record(int status, long bytes) {
        return new ExchangeRecord(Instant.parse("2026-11-22T07:50:01.123Z"), 4_321_000_000L, 2_000_000L, "main",
                new InetSocketAddress("192.0.2.7", 51234), "h2c", false, 3, "api", "backend",
                "h2c://10.0.0.1:9000",
                List.of(Header.of(":method", "GET"), Header.of(":scheme", "http"), Header.of(":authority", "a.example"),
                        Header.of(":path", "/v1/x?q=\"1\""), Header.of("user-agent", "tester/1.0")),
                null, 0, null, false, status, List.of(Header.of(":status", Integer.toString(status))), null, bytes,
                null, false, null, ExchangeRecord.Outcome.COMPLETED, -1);
    }

    @Test
    void aPatternReplacesItsVariables() {
        AccessLogFormat f = AccessLogFormat.pattern("$remote_addr:$remote_port \"$request\" $status $body_bytes_sent "
                + "${request_time}s $upstream_time $route/$cluster $upstream_addr $http_user_agent $http_referer "
                + "$outcome $reset_code $protocol #$stream_id $authority");
        StringBuilder out = new StringBuilder();
        f.append(record(200, 1024), out);
        assertEquals("192.0.2.7:51234 \"GET /v1/x?q=\"1\" HTTP/2\" 200 1024 4.321s 0.002 api/backend "
                + "h2c://10.0.0.1:9000 tester/1.0 - completed - h2c #3 a.example\n", out.toString());
    }

    @Test
    void theDefaultPatternIsNghttpxsCombinedFormat() {
        StringBuilder out = new StringBuilder();
        AccessLogFormat.of(config("format = pattern")).append(record(404, 9), out);
        assertTrue(out.toString().matches("192\\.0\\.2\\.7 - - \\[22/Nov/2026:\\d\\d:\\d\\d:01 [+-]\\d{4}] "
                + "\"GET /v1/x\\?q=\"1\" HTTP/2\" 404 9 \"-\" \"tester/1\\.0\" 4\\.321\n"), out.toString());
    }

    @Test
    void anUnknownVariableIsAConfigurationError() {
        InvalidConfigException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidConfigException.class,
                () -> config("format = pattern, pattern = \"$status $bogus\""));
        assertTrue(e.getMessage().contains("h2relay.access-log.pattern"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown variable $bogus"), e.getMessage());
    }

    @Test
    void jsonLinesFromRealExchangesGoToTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logs/access.log");
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "access-log-test");
        try {
            ProxyConfig defaults = ConfigLoader.defaults();
            OriginServer origin = OriginServer.start(system, new InetSocketAddress("127.0.0.1", 0),
                    defaults.flowControl(), defaults.limits()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            ProxyConfig config = ConfigLoader.parse("""
                    h2relay {
                      listeners.main.address = "127.0.0.1:0"
                      clusters.origin.endpoints = ["h2c://127.0.0.1:%d"]
                      routes.bytes { path-prefix = "/bytes", cluster = origin }
                      access-log { output = file, file = "%s" }
                    }
                    """.formatted(origin.address().getPort(), file), "t.conf");
            MeterRegistry registry = new SimpleMeterRegistry();
            AccessLog log = AccessLog.start(config.accessLog(), registry, System.out);
            ProxyServer proxy = ProxyServer.start(system, config, List.of(log)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            String base = "http://127.0.0.1:" + proxy.address("main").getPort();
            Proc.run(Path.of("."), Proc.program("curl", "curl"), "--http2-prior-knowledge", "-sS", "-o", "/dev/null",
                    "-A", "t\"q", base + "/bytes/10");
            Proc.run(Path.of("."), Proc.program("curl", "curl"), "--http2-prior-knowledge", "-sS", "-o", "/dev/null",
                    base + "/nowhere");
            proxy.drain(java.time.Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            log.close();

            List<String> lines = Files.readAllLines(file);
            assertEquals(2, lines.size(), lines.toString());
            ObjectMapper json = new ObjectMapper();
            // Each line is written when its exchange ends, which is not always in the order the requests came.
            boolean okFirst = json.readTree(lines.get(0)).get("status").asInt() == 200;
            JsonNode ok = json.readTree(lines.get(okFirst ? 0 : 1));
            assertEquals(200, ok.get("status").asInt());
            assertEquals("GET", ok.get("method").asText());
            assertEquals("/bytes/10", ok.get("path").asText());
            assertEquals(10, ok.get("body_bytes_sent").asLong());
            assertEquals("bytes", ok.get("route").asText());
            assertEquals("completed", ok.get("outcome").asText());
            assertEquals("t\"q", ok.get("user_agent").asText(), "escaped and read back");
            assertTrue(ok.get("upstream_time").isNumber());
            assertTrue(ok.get("reset_code").isNull());
            JsonNode miss = json.readTree(lines.get(okFirst ? 1 : 0));
            assertEquals(404, miss.get("status").asInt());
            assertTrue(miss.get("route").isNull());
            assertEquals("local_response", miss.get("outcome").asText());
            assertEquals(2, registry.find("h2relay.access.log.lines").counter().count());
            assertEquals(0, registry.find("h2relay.access.log.dropped").counter().count());
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    @Test
    void aFullFileIsRotatedKeepingMaxFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        AccessLog log = AccessLog.start(config("output = file, file = \"" + file + "\", max-file-size = 1024, "
                + "max-files = 2"), new SimpleMeterRegistry(), System.out);
        for (int i = 0; i < 40; i++) {
            log.exchangeEnded(record(200, i));
        }
        log.close();
        assertTrue(Files.exists(file));
        assertTrue(Files.exists(Path.of(file + ".1")));
        assertTrue(Files.exists(Path.of(file + ".2")));
        assertFalse(Files.exists(Path.of(file + ".3")), "max-files = 2");
        for (Path p : List.of(file, Path.of(file + ".1"), Path.of(file + ".2"))) {
            long size = Files.size(p);
            assertTrue(size > 0 && size <= 1024, p + ": " + size);
            for (String line : Files.readAllLines(p)) {
                assertTrue(line.startsWith("{\"time\":") && line.endsWith("}"), "whole lines only: " + line);
            }
        }
        String last = Files.readAllLines(file).get(Files.readAllLines(file).size() - 1);
        assertTrue(last.contains("\"body_bytes_sent\":39"), "the newest line is in the live file: " + last);
    }

    @Test
    void aSlowWriterDropsLinesAndCountsThemInsteadOfBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    release.await(); // a disk that does not answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        };
        MeterRegistry registry = new SimpleMeterRegistry();
        AccessLog log = AccessLog.start(config("output = stdout, queue-size = 1"), registry, new PrintStream(stuck));
        for (int i = 0; i < 10; i++) {
            log.exchangeEnded(record(200, i)); // returns at once, whatever the writer does
        }
        double dropped = registry.find("h2relay.access.log.dropped").counter().count();
        assertTrue(dropped >= 8, "one line in the writer, one queued, the rest dropped: " + dropped);
        release.countDown();
        log.close();
        double written = registry.find("h2relay.access.log.lines").counter().count();
        assertEquals(10, written + dropped);
        String out;
        synchronized (sink) {
            out = sink.toString(StandardCharsets.UTF_8);
        }
        assertEquals((long) written, out.lines().count());
        assertNull(AccessLog.start(config("output = off"), registry, System.out), "off: no writer at all");
    }
}
