package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static io.h2relay.proxy.ProxyFixture.curlOk;
import static io.h2relay.proxy.ProxyFixture.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import io.h2relay.origin.Tools;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each failure and the answer it becomes, over real sockets. */
class ProxyFailuresTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();

    @Test
    void answers404WhenNoRouteTakesTheRequest() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, """
                clusters.origin.endpoints = ["h2c://127.0.0.1:%d"]
                routes.only { authority = "api.example", path-prefix = "/v1", rewrite-prefix = "/", cluster = origin }
                """.formatted(ORIGIN.address().getPort()));
        try {
            Tools.Result r = ProxyFixture.curl("-w", "%{http_code}", base(proxy) + "/v1/x");
            assertEquals("no route for this request\n404", r.out(), "other authorities have no route");
            assertEquals("200", status(base(proxy) + "/v1/", "-H", "host: api.example"));
            assertEquals(1, proxy.metrics().localResponses());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void answers502WhenTheBackendIsUnreachableThen503WhileItIsInBackOff() throws Exception {
        int port = ProxyFixture.deadPort();
        ProxyServer proxy = ProxyFixture.proxy(KIT, """
                clusters.dead.endpoints = ["h2c://127.0.0.1:%d"]
                routes.default.cluster = dead
                """.formatted(port));
        try {
            assertEquals("502", status(base(proxy) + "/"));
            assertEquals("503", status(base(proxy) + "/"), "the endpoint is in back-off: no healthy endpoint");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void anUnreachableEndpointFailsOverToAnotherOne() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, """
                clusters.mixed.endpoints = ["h2c://127.0.0.1:%d", "h2c://127.0.0.1:%d"]
                routes.default.cluster = mixed
                """.formatted(ProxyFixture.deadPort(), ORIGIN.address().getPort()));
        try {
            for (int i = 0; i < 4; i++) {
                assertEquals("200", status(base(proxy) + "/"));
            }
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void answers504WhenTheBackendDoesNotAnswerInTime() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "routes.default.timeout = 1s");
        try {
            Tools.Result r = ProxyFixture.curl("-w", "%{http_code}", base(proxy) + "/delay/60000");
            assertEquals("backend timeout\n504", r.out());
            assertEquals("200", status(base(proxy) + "/delay/1"));
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aBackendThatAcceptsButNeverSpeaksHttp2TimesOutWith504() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, (InetSocketAddress) silent.getLocalSocketAddress(),
                    "routes.default.timeout = 200ms");
            try {
                assertEquals("504", status(base(proxy) + "/"), "no SETTINGS ever came, so no stream was opened");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void answers503WhenEveryConnectionAndThePendingQueueAreFull() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), """
                clusters.backend { max-connections-per-endpoint = 1, max-concurrent-streams = 1,
                                   max-pending-requests = 0 }
                """);
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            // Both requests race to the pool (each has its own Stream actor), so either may take the one stream; the
            // other must be refused at once. The delay only has to outlast that race.
            int first = client.request(H2TestClient.get("x", "/delay/2000"), true);
            int second = client.request(H2TestClient.get("x", "/delay/2000"), true);
            List<String> statuses = new java.util.ArrayList<>(List.of(client.response(first).status(),
                    client.response(second).status()));
            java.util.Collections.sort(statuses);
            assertEquals(List.of("200", "503"), statuses);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void queuesRequestsBeyondTheStreamLimitUntilAStreamFrees() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), """
                clusters.backend { max-connections-per-endpoint = 1, max-concurrent-streams = 2,
                                   max-pending-requests = 100 }
                """);
        try {
            Tools.Result r = Tools.run(60, "h2load", "-n", "200", "-c", "1", "-m", "20",
                    base(proxy) + "/delay/1");
            assertTrue(r.out().contains("200 succeeded, 0 failed, 0 errored"), r.out());
            assertTrue(r.out().contains("status codes: 200 2xx"), r.out());
            assertEquals(1, proxy.metrics().upstreamConnections());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void answers400ToAMalformedRequestWhileItsNeighboursCarryOn() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        H2Configuration lax = H2Configuration.builder(true).enablePush(false).validateOutboundHeaders(false)
                .normalizeOutboundHeaders(false).build();
        try (H2TestClient client = new H2TestClient(proxy.address("main"), lax)) {
            int bad = client.request(H2TestClient.get("x", "/", Header.of("connection", "close")), true);
            int good = client.request(H2TestClient.get("x", "/"), true);
            H2TestClient.Response badResponse = client.response(bad);
            assertEquals("400", badResponse.status());
            H2TestClient.Response goodResponse = client.response(good);
            assertEquals("200", goodResponse.status());
            assertEquals("h2relay origin\n", new String(goodResponse.body(), StandardCharsets.UTF_8));
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void retriesARequestTheBackendRefused() throws Exception {
        ScriptedBackend.Script refuseFirst = (conn, e) -> {
            boolean first = conn.index == 1 && H2TestClient.streamOf(e) == 1;
            if (first && e instanceof Event.RequestReceived) {
                conn.engine.resetStream(1, ErrorCode.REFUSED_STREAM.code());
            } else if (!first) {
                ScriptedBackend.ANSWER.on(conn, e);
            }
        };
        try (ScriptedBackend backend = new ScriptedBackend(refuseFirst)) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try {
                assertEquals("backend 1\n", curlOk(base(proxy) + "/").out());
                assertEquals(1, proxy.metrics().retries());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void retriesRequestsAboveTheBackendsGoAwayOnAnotherConnection() throws Exception {
        ScriptedBackend.Script goAwayFirst = (conn, e) -> {
            if (e instanceof Event.RequestReceived && conn.index == 1) {
                conn.engine.closeConnection(ErrorCode.NO_ERROR.code(), "restarting", 0);
            } else if (conn.index > 1) {
                ScriptedBackend.ANSWER.on(conn, e);
            }
        };
        try (ScriptedBackend backend = new ScriptedBackend(goAwayFirst)) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try {
                assertEquals("backend 2\n", curlOk(base(proxy) + "/").out());
                assertEquals(1, proxy.metrics().retries());
                assertEquals(2, backend.connections());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aBackendResetMidResponseResetsTheClientStreamWithTheSameCode() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.RESET_MIDWAY)) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                H2TestClient.Response r = client.response(client.request(H2TestClient.get("x", "/"), true));
                assertEquals("200", r.status());
                assertNotNull(r.reset(), "the stream must end in a reset");
                assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), r.reset().errorCode());
                assertTrue(r.reset().remoteReset());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aBackendResetBeforeTheResponseReachesTheClientWithTheSameCode() throws Exception {
        ScriptedBackend.Script reset = (conn, e) -> {
            if (e instanceof Event.RequestReceived r) {
                conn.engine.resetStream(r.streamId(), ErrorCode.INTERNAL_ERROR.code());
            }
        };
        try (ScriptedBackend backend = new ScriptedBackend(reset)) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try {
                Tools.Result r = ProxyFixture.curl(base(proxy) + "/");
                assertEquals(92, r.exit(), "curl's code for an HTTP/2 stream error: " + r.stderr());
                assertTrue(r.stderr().contains("INTERNAL_ERROR"), r.stderr());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aClientResetReachesTheBackendWithTheSameCode() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend((conn, e) -> { })) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("x", "/upload"), false);
                client.send(id, new byte[5000], false);
                backend.await(Event.DataReceived.class, d -> true);
                client.act(c -> c.resetStream(id, ErrorCode.CANCEL.code()));
                ScriptedBackend.Seen seen = backend.await(Event.StreamReset.class, r -> r.remoteReset());
                assertEquals(ErrorCode.CANCEL.code(), ((Event.StreamReset) seen.event()).errorCode());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void statusesFromTheBackendPassThrough() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try {
            for (String code : Set.of("201", "204", "404", "500", "503")) {
                assertEquals(code, status(base(proxy) + "/status/" + code));
            }
        } finally {
            ProxyFixture.stop(proxy);
        }
    }
}
