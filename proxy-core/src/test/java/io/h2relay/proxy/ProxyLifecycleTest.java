package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.frame.ErrorCode;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Draining, idle connections and the gauge's return to zero. */
class ProxyLifecycleTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();

    @Test
    void drainSendsGoAwayAndLetsExchangesUnderWayFinish() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        InetSocketAddress address = proxy.address("main");
        try (H2TestClient client = new H2TestClient(address)) {
            int id = client.request(H2TestClient.get("x", "/delay/1000"), true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.metrics().upstreamConnections() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the request reached the pool
            }
            CompletableFuture<?> drained = proxy.drain(Duration.ofSeconds(20)).toCompletableFuture();
            Event.ConnectionTerminated goAway = client.await(Event.ConnectionTerminated.class, t -> t.remote());
            assertEquals(ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(id, goAway.lastStreamId());
            assertFalse(drained.isDone(), "an exchange is still under way");
            assertEquals("200", client.response(id).status());
            drained.get(20, TimeUnit.SECONDS);
        }
        assertThrows(ConnectException.class, () -> new java.net.Socket(address.getAddress(), address.getPort()));
    }

    @Test
    void drainCutsExchangesStillRunningAtTheDeadline() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            int id = client.request(H2TestClient.get("x", "/delay/60000"), true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.metrics().upstreamConnections() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            proxy.drain(Duration.ofMillis(200)).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThrows(AssertionError.class, () -> client.response(id), "the connection was cut");
        }
    }

    @Test
    void anIdleClientConnectionGetsGoAway() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "timeouts.idle = 150ms");
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            assertEquals("200", client.response(client.request(H2TestClient.get("x", "/"), true)).status());
            Event.ConnectionTerminated goAway = client.await(Event.ConnectionTerminated.class, t -> t.remote());
            assertEquals(ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aClientThatNeverClosesIsAbortedAfterTheAbortTimeout() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "timeouts { idle = 100ms, abort = 200ms }");
        try (java.net.Socket raw = new java.net.Socket(proxy.address("main").getAddress(),
                proxy.address("main").getPort())) {
            raw.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            raw.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.metrics().downstreamConnections() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1, proxy.metrics().downstreamConnections());
            // GOAWAY after 100 ms idle, our FIN; the client never closes its side, so 200 ms later: reset.
            while (proxy.metrics().downstreamConnections() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, proxy.metrics().downstreamConnections(), "the connection was not aborted");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void anIdleBackendConnectionIsClosedAndANewOneOpenedOnDemand() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "clusters.backend.idle-timeout = 100ms");
        try {
            assertEquals("200", ProxyFixture.status(ProxyFixture.base(proxy) + "/"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.metrics().upstreamConnections() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, proxy.metrics().upstreamConnections(), "the idle backend connection was not closed");
            assertEquals("200", ProxyFixture.status(ProxyFixture.base(proxy) + "/"));
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void theGaugeReturnsToZeroWhenExchangesEnd() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            int a = client.request(H2TestClient.post("x", "/echo"), false);
            client.send(a, new byte[300_000], true);
            assertEquals(300_000, client.response(a).body().length);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.metrics().bufferedBytes() != 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the last credit travels after the last byte
            }
            assertEquals(0, proxy.metrics().bufferedBytes());
            assertTrue(proxy.metrics().peakStreamBufferedBytes() > 0);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }
}
