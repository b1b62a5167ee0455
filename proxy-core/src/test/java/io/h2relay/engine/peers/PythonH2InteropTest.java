package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.frame.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * python-hyper's h2 (Debian python3-h2), the engine's behavioural reference, as a client of the engine's server side:
 * request trailers, PING, malformed requests beside a good one, and GOAWAY. The client is a script written at test
 * time; it prints one JSON object describing what its h2 connection saw.
 */
class PythonH2InteropTest {

    private static final String SCRIPT = """
            import json, socket, sys
            import h2.config, h2.connection, h2.events, h2.settings

            port, mode = int(sys.argv[1]), sys.argv[2]
            AUTHORITY = "127.0.0.1:%d" % port

            def request(path, method="GET", extra=()):
                return ([(":method", method), (":scheme", "http"), (":authority", AUTHORITY), (":path", path)]
                        + list(extra))

            def connect(validate=True):
                config = h2.config.H2Configuration(client_side=True, validate_outbound_headers=validate,
                                                   normalize_outbound_headers=validate)
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                conn = h2.connection.H2Connection(config=config)
                conn.initiate_connection()
                sock.sendall(conn.data_to_send())
                return sock, conn

            def pump(sock, conn, streams, until):
                # Reads until until(streams, seen) holds; records per stream what h2 reported.
                seen = {"events": [], "eof": False}
                while not until(streams, seen):
                    data = sock.recv(65536)
                    if not data:
                        seen["eof"] = True
                        break
                    for e in conn.receive_data(data):
                        seen["events"].append(type(e).__name__)
                        sid = getattr(e, "stream_id", None)
                        s = streams.setdefault(sid, {"body": b""}) if sid else None
                        if isinstance(e, h2.events.ResponseReceived):
                            s["status"] = dict(e.headers)[b":status"].decode()
                        elif isinstance(e, h2.events.DataReceived):
                            s["body"] += e.data
                            conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                        elif isinstance(e, h2.events.TrailersReceived):
                            s["trailers"] = {k.decode(): v.decode() for k, v in e.headers}
                        elif isinstance(e, h2.events.StreamEnded):
                            s["ended"] = True
                        elif isinstance(e, h2.events.StreamReset):
                            s["reset"] = e.error_code
                        elif isinstance(e, h2.events.PingAckReceived):
                            seen["ping_ack"] = e.ping_data.decode()
                        elif isinstance(e, h2.events.ConnectionTerminated):
                            seen["goaway"] = {"error_code": e.error_code, "last_stream_id": e.last_stream_id}
                    out = conn.data_to_send()
                    if out:
                        sock.sendall(out)
                return seen

            def finished(ids):
                return lambda streams, seen: all(
                    streams.get(i, {}).get("ended") or "reset" in streams.get(i, {}) for i in ids)

            def report(streams, seen):
                for s in streams.values():
                    s["body_length"] = len(s["body"])
                    s["body"] = s["body"].decode("latin-1") if len(s["body"]) <= 100 else None
                seen["streams"] = {str(k): v for k, v in streams.items()}
                print(json.dumps(seen))

            streams = {}
            if mode == "trailers-and-ping":
                sock, conn = connect()
                body = bytes(i % 251 for i in range(40000))
                conn.send_headers(1, request("/echo", "POST", [("te", "trailers")]))
                for at in range(0, len(body), 16384):
                    conn.send_data(1, body[at:at + 16384])
                conn.send_headers(1, [("x-checksum", "9f00"), ("x-parts", "3")], end_stream=True)
                conn.ping(b"h2relay!")
                sock.sendall(conn.data_to_send())
                seen = pump(sock, conn, streams, lambda st, se: finished([1])(st, se) and "ping_ack" in se)
                seen["echo_exact"] = streams[1]["body"] == body
                report(streams, seen)
            elif mode == "malformed":
                # h2 with its own checks off sends what RFC 9113 §8.2-8.3 forbids; stream 13 is a good request.
                sock, conn = connect(validate=False)
                bad = {
                    1: request("/", extra=[("X-Upper", "1")]),
                    3: request("/", extra=[("connection", "close")]),
                    5: request("/", extra=[("te", "gzip")]),
                    7: [(":method", "GET"), (":scheme", "http"), (":authority", AUTHORITY)],
                    9: [(":method", "GET"), ("accept", "*/*"), (":scheme", "http"), (":authority", AUTHORITY),
                        (":path", "/")],
                }
                for sid, headers in bad.items():
                    conn.send_headers(sid, headers, end_stream=(sys.argv[3] == "ended"))
                conn.send_headers(11, request("/echo", "POST", [("content-length", "10")]))
                conn.send_data(11, b"12345", end_stream=True)
                conn.send_headers(13, request("/bytes/3000"), end_stream=True)
                sock.sendall(conn.data_to_send())
                seen = pump(sock, conn, streams, finished([1, 3, 5, 7, 9, 11, 13]))
                report(streams, seen)
            elif mode == "goaway":
                sock, conn = connect()
                conn.send_headers(1, request("/goaway"), end_stream=True)
                sock.sendall(conn.data_to_send())
                seen = pump(sock, conn, streams, lambda st, se: se["eof"])
                report(streams, seen)
            elif mode == "cancel":
                # A download cancelled after its first DATA frame, then a new request on the same connection.
                sock, conn = connect()
                conn.send_headers(1, request("/bytes/5000000"), end_stream=True)
                sock.sendall(conn.data_to_send())
                pump(sock, conn, streams, lambda st, se: len(st.get(1, {}).get("body", b"")) > 0)
                conn.reset_stream(1, error_code=8)
                conn.send_headers(3, request("/"), end_stream=True)
                sock.sendall(conn.data_to_send())
                seen = pump(sock, conn, streams, finished([3]))
                report(streams, seen)
            elif mode == "settings-window":
                # Stream windows start at 0: the response waits until a SETTINGS change opens them (RFC 9113 §6.9.2).
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
                conn.local_settings = h2.settings.Settings(
                    client=True, initial_values={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
                conn.initiate_connection()
                conn.send_headers(1, request("/bytes/100000"), end_stream=True)
                sock.sendall(conn.data_to_send())
                pump(sock, conn, streams, lambda st, se: "status" in st.get(1, {}))
                first = len(streams[1]["body"])
                conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 65535})
                sock.sendall(conn.data_to_send())
                seen = pump(sock, conn, streams, finished([1]))
                seen["body_before_settings"] = first
                seen["exact"] = streams[1]["body"] == bytes(i % 251 for i in range(100000))
                report(streams, seen)
            sock.close()
            """;

    @TempDir
    Path directory;

    private JsonNode runClient(EngineServer server, String... arguments) throws Exception {
        String python = Programs.pythonWithH2(directory);
        Path script = directory.resolve("h2_client.py");
        Files.writeString(script, SCRIPT);
        List<String> command = new ArrayList<>(List.of(python, script.toString(),
                Integer.toString(server.port())));
        command.addAll(List.of(arguments));
        Programs.Result r = Programs.run(command, directory, 30);
        assertEquals(0, r.exitCode(), r.describe());
        return new ObjectMapper().readTree(r.stdout());
    }

    @Test
    void h2SendsRequestTrailersAndAPingAndGetsBothAnswered() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            JsonNode seen = runClient(server, "trailers-and-ping");
            JsonNode stream = seen.path("streams").path("1");
            assertEquals("200", stream.path("status").asText(), seen.toString());
            assertTrue(seen.path("echo_exact").asBoolean(), seen.toString());
            assertEquals(40_000, stream.path("body_length").asInt());
            assertEquals("9f00", stream.path("trailers").path("x-checksum").asText(), seen.toString());
            assertEquals("3", stream.path("trailers").path("x-parts").asText(), seen.toString());
            assertTrue(stream.path("ended").asBoolean(), seen.toString());
            assertEquals("h2relay!", seen.path("ping_ack").asText(), seen.toString());
            server.assertHealthy();
            assertEquals(1, server.events(Event.PingReceived.class).size());
            assertEquals(1, server.events(Event.TrailersReceived.class).size());
        }
    }

    @Test
    void malformedRequestsAreResetWhileAGoodStreamCompletes() throws Exception {
        H2Configuration config = H2Configuration.builder(false).respondToMalformedRequests(false).build();
        try (EngineServer server = new EngineServer(config)) {
            JsonNode seen = runClient(server, "malformed", "ended");
            for (String id : List.of("1", "3", "5", "7", "9", "11")) {
                JsonNode s = seen.path("streams").path(id);
                assertEquals(ErrorCode.PROTOCOL_ERROR.code(), s.path("reset").asInt(-1), id + ": " + seen);
                assertTrue(s.path("status").isMissingNode(), id + ": " + seen);
            }
            JsonNode good = seen.path("streams").path("13");
            assertEquals("200", good.path("status").asText(), seen.toString());
            assertEquals(3000, good.path("body_length").asInt(), seen.toString());
            assertTrue(good.path("reset").isMissingNode(), seen.toString());
            assertTrue(seen.path("goaway").isMissingNode(), seen.toString());
            server.assertHealthy();
            assertEquals(6, server.events(Event.StreamReset.class).size());
        }
    }

    @Test
    void malformedRequestsGet400BeforeTheResetByDefault() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            // Requests still open: 400 ends our side, RST_STREAM(PROTOCOL_ERROR) stops the upload (§8.1.1).
            JsonNode seen = runClient(server, "malformed", "open");
            for (String id : List.of("1", "3", "5", "7", "9")) {
                JsonNode s = seen.path("streams").path(id);
                assertEquals("400", s.path("status").asText(), id + ": " + seen);
                assertEquals(ErrorCode.PROTOCOL_ERROR.code(), s.path("reset").asInt(-1), id + ": " + seen);
            }
            // Stream 11's body fell short of its content-length: found at END_STREAM, when 400 still fits.
            assertEquals("400", seen.path("streams").path("11").path("status").asText(), seen.toString());
            JsonNode good = seen.path("streams").path("13");
            assertEquals("200", good.path("status").asText(), seen.toString());
            assertEquals(3000, good.path("body_length").asInt(), seen.toString());
            server.assertHealthy();
        }
    }

    @Test
    void h2SeesGoAwayAfterItsResponseAndThenTheEndOfTheConnection() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            JsonNode seen = runClient(server, "goaway");
            JsonNode stream = seen.path("streams").path("1");
            assertEquals("200", stream.path("status").asText(), seen.toString());
            assertEquals(new String(EngineServer.HELLO), stream.path("body").asText());
            assertEquals(0, seen.path("goaway").path("error_code").asInt(-1), seen.toString());
            assertEquals(1, seen.path("goaway").path("last_stream_id").asInt(-1), seen.toString());
            assertTrue(seen.path("eof").asBoolean(), seen.toString());
            server.assertHealthy();
        }
    }

    @Test
    void aCancelledDownloadLeavesTheConnectionUsable() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            JsonNode seen = runClient(server, "cancel");
            JsonNode next = seen.path("streams").path("3");
            assertEquals("200", next.path("status").asText(), seen.toString());
            assertEquals(new String(EngineServer.HELLO), next.path("body").asText());
            assertTrue(seen.path("streams").path("1").path("body_length").asInt() < 5_000_000, seen.toString());
            server.assertHealthy();
            List<Event.StreamReset> resets = server.events(Event.StreamReset.class);
            assertEquals(1, resets.size(), resets.toString());
            assertEquals(ErrorCode.CANCEL.code(), resets.get(0).errorCode());
            assertTrue(resets.get(0).remoteReset());
        }
    }

    @Test
    void aSettingsChangeOpensWindowsAQueuedResponseWaitedFor() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            JsonNode seen = runClient(server, "settings-window");
            assertEquals(0, seen.path("body_before_settings").asInt(-1), seen.toString());
            assertTrue(seen.path("exact").asBoolean(), seen.toString());
            assertEquals("200", seen.path("streams").path("1").path("status").asText(), seen.toString());
            server.assertHealthy();
            // The engine parked the whole body on the zero stream window, and the SETTINGS change released it.
            Event.DataQueueBlocked first = server.events(Event.DataQueueBlocked.class).get(0);
            assertEquals(new Event.DataQueueBlocked(1, 100_000, false), first);
            assertTrue(server.events(Event.DataQueueUnblocked.class).stream().anyMatch(u -> u.streamId() == 1));
        }
    }
}
