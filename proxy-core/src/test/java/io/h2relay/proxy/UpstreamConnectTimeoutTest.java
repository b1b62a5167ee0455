package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backends whose connection never comes up in time (issue #4's connect timeout, and the TLS handshake's).
 *
 * <p>A non-routable address such as 10.255.255.1 does not time out on this machine (the connection is answered), so
 * the black hole is a loopback listener whose accept queue is full: Linux then drops further SYNs
 * ({@code tcp_abort_on_overflow = 0}) and the connect hangs until our timeout. A listener that is never accepted from
 * but has room in its queue completes TCP and then says nothing: a TLS handshake that never finishes.
 */
class UpstreamConnectTimeoutTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();
    private static final List<Socket> FILLERS = new ArrayList<>();
    private static ServerSocket full;
    private static ServerSocket silent;

    @BeforeAll
    static void start() throws Exception {
        full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // Fill the accept queue until a connect attempt hangs: that is the proof the queue is full.
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(full.getLocalSocketAddress(), 500);
                FILLERS.add(s);
            } catch (SocketTimeoutException hung) {
                s.close();
                break;
            }
            if (FILLERS.size() > 64) {
                throw new IllegalStateException("the accept queue never filled up: no black hole on this machine");
            }
        }
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stop() throws Exception {
        for (Socket s : FILLERS) {
            s.close();
        }
        full.close();
        silent.close();
    }

    private static ProxyServer proxy(String endpoints) throws Exception {
        return ProxyFixture.proxy(KIT, "clusters.backend { endpoints = [" + endpoints + "], connect-timeout = 300ms, "
                + "tls.insecure = true }\nroutes.default.cluster = backend\n");
    }

    private static String status(ProxyServer proxy) throws Exception {
        return ProxyFixture.status(base(proxy) + "/");
    }

    @Test
    void aConnectTimeoutIs502ThenTheEndpointIsUnhealthy503() throws Exception {
        for (String scheme : List.of("h2c", "http")) {
            ProxyServer proxy = proxy("\"" + scheme + "://127.0.0.1:" + full.getLocalPort() + "\"");
            try {
                assertEquals("502", status(proxy), scheme + ": the connect timed out");
                assertEquals("503", status(proxy), scheme + ": the only endpoint is backing off");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aTlsHandshakeThatNeverFinishesIs502() throws Exception {
        for (String scheme : List.of("h2", "https")) {
            ProxyServer proxy = proxy("\"" + scheme + "://127.0.0.1:" + silent.getLocalPort() + "\"");
            try {
                assertEquals("502", status(proxy), scheme);
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aTimedOutEndpointIsSkippedForAHealthyOne() throws Exception {
        InetSocketAddress good = ORIGIN.address();
        ProxyServer proxy = proxy("\"h2c://127.0.0.1:" + full.getLocalPort() + "\", \"h2c://127.0.0.1:"
                + good.getPort() + "\"");
        try {
            for (int i = 0; i < 4; i++) {
                assertEquals("200", status(proxy), "request " + i);
            }
            assertTrue(proxy.metrics().retries() >= 1, "the first request to the black hole was retried");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }
}
