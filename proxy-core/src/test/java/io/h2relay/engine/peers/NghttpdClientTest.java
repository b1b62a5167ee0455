package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's client side, in {@link EngineClient}, against nghttpd serving files it did not write. */
class NghttpdClientTest {

    private static final int[] SIZES = {0, 1, 16_383, 16_384, 16_385, 65_535, 65_536, 100_000, 1_000_000, 5 << 20};

    @TempDir
    Path root;

    @BeforeEach
    void writeFiles() throws Exception {
        for (int size : SIZES) {
            Files.write(root.resolve("f" + size), Bodies.pattern(size));
        }
    }

    @Test
    void getsFilesOfEverySizeByteForByte() throws Exception {
        try (Nghttpd server = new Nghttpd(root); EngineClient client = new EngineClient(server.port())) {
            for (int size : SIZES) {
                EngineClient.Response r = client.get("/f" + size);
                assertEquals(200, r.status(), r.toString());
                assertEquals(Integer.toString(size), Bodies.value(r.headers, "content-length"));
                Bodies.assertSameBytes(Bodies.pattern(size), r.bytes(), "/f" + size);
            }
            // 6 MiB through 64 KiB windows: our automatic acknowledgements reopened them.
            server.awaitLog("recv WINDOW_UPDATE frame");
        }
    }

    @Test
    void runsManyConcurrentStreamsAndGetsA404AmongThem() throws Exception {
        List<EngineClient.Request> requests = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int size : SIZES) {
                if (size <= 1_000_000) {
                    requests.add(EngineClient.Request.get("/f" + size));
                }
            }
            requests.add(EngineClient.Request.get("/missing" + round));
        }
        try (Nghttpd server = new Nghttpd(root); EngineClient client = new EngineClient(server.port())) {
            List<EngineClient.Response> responses = client.exchange(requests);
            assertEquals(requests.size(), responses.size());
            for (EngineClient.Response r : responses) {
                assertTrue(r.ended, r.toString());
                assertNull(r.reset, r.toString());
                String path = r.request.path();
                if (path.startsWith("/missing")) {
                    assertEquals(404, r.status(), r.toString());
                } else {
                    assertEquals(200, r.status(), r.toString());
                    Bodies.assertSameBytes(Bodies.pattern(Integer.parseInt(path.substring(2))), r.bytes(), path);
                }
            }
            // All on one connection, more streams than one window's worth at a time.
            assertEquals(requests.size() * 2 - 1, responses.get(responses.size() - 1).streamId);
        }
    }

    @Test
    void readsThroughASmallReceiveWindow() throws Exception {
        // Our stream window of 1,000 octets: nghttpd may send only that much before our WINDOW_UPDATE.
        H2Configuration config = H2Configuration.builder(true).initialWindowSize(1_000).build();
        try (Nghttpd server = new Nghttpd(root); EngineClient client = new EngineClient(server.port(), config)) {
            EngineClient.Response r = client.get("/f100000");
            assertEquals(200, r.status());
            Bodies.assertSameBytes(Bodies.pattern(100_000), r.bytes(), "/f100000");
            assertTrue(client.events(Event.DataReceived.class).stream()
                    .allMatch(d -> d.flowControlledLength() <= 1000));
        }
    }

    @Test
    void uploadsThroughNghttpdsSmallWindowsAndGetsTheEcho() throws Exception {
        // nghttpd's stream window 2^10-1: our queued upload is cut to it, frame by frame.
        byte[] body = Bodies.pattern(300_000);
        try (Nghttpd server = new Nghttpd(root, "--echo-upload", "-w", "10");
                EngineClient client = new EngineClient(server.port())) {
            EngineClient.Response r = client.exchange(List.of(EngineClient.Request.post("/f0", body))).get(0);
            assertEquals(200, r.status(), r.toString());
            Bodies.assertSameBytes(body, r.bytes(), "echo");
        }
    }

    @Test
    void pingsAndSaysGoAwayOnClose() throws Exception {
        try (Nghttpd server = new Nghttpd(root)) {
            try (EngineClient client = new EngineClient(server.port())) {
                client.ping(0x1122334455667788L);
                assertEquals(200, client.get("/f1").status());
            }
            server.awaitLog("recv GOAWAY frame");
            assertTrue(server.log().contains("error_code=NO_ERROR(0x00)"), server.log());
        }
    }
}
