package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2relay.engine.Event;
import io.h2relay.frame.ErrorCode;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** An HTTP/1.1 client that goes away while its request is at the backend: the backend stream is cancelled. */
class Http1ClientAbortTest {

    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void aClientClosingBeforeItsResponseCancelsTheBackendStream() throws Exception {
        CompletableFuture<Integer> requested = new CompletableFuture<>();
        CompletableFuture<Integer> resetCode = new CompletableFuture<>();
        try (ScriptedBackend backend = new ScriptedBackend((conn, e) -> {
            if (e instanceof Event.StreamEnded s) {
                requested.complete(s.streamId()); // never answered
            } else if (e instanceof Event.StreamReset r) {
                resetCode.complete(r.errorCode());
            }
        })) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try (Socket s = new Socket("127.0.0.1", proxy.address("main").getPort())) {
                s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                requested.get(20, TimeUnit.SECONDS);
                s.close();
                assertEquals(ErrorCode.CANCEL.code(), resetCode.get(20, TimeUnit.SECONDS),
                        "the backend stream of a request whose client left is reset with CANCEL");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }
}
