package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 9218 signals travel to the backend; RFC 7540 PRIORITY frames order what the proxy sends the client. */
class ProxyPriorityTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();

    @Test
    void thePriorityFieldAndPriorityUpdatesReachTheBackendStream() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.ANSWER)) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
                int id = client.request(H2TestClient.post("x", "/", Header.of("priority", "u=5")), false);
                ScriptedBackend.Seen request = backend.await(Event.RequestReceived.class, r -> true);
                Event.RequestReceived r = (Event.RequestReceived) request.event();
                assertTrue(r.headers().contains(Header.of("priority", "u=5")), r.headers().toString());
                client.act(c -> c.updatePriority(id, "u=1, i"));
                ScriptedBackend.Seen update = backend.await(Event.PriorityUpdated.class,
                        p -> p.fieldValue() != null);
                Event.PriorityUpdated p = (Event.PriorityUpdated) update.event();
                assertEquals("u=1, i", p.fieldValue());
                assertEquals(r.streamId(), p.streamId(), "on the backend stream that carries the request");
                client.send(id, new byte[0], true);
                assertEquals("200", client.response(id).status());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void rfc7540PriorityFramesOrderTheDataSentToTheClient() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        // Windows shut: the proxy can send no DATA until we open them, by which time both bodies wait in it.
        // A client that uses RFC 7540 signals must not announce SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218 §2.1).
        H2Configuration shut = H2Configuration.builder(true).enablePush(false).initialWindowSize(0)
                .rfc7540Priorities(true).build();
        int size = 100_000;
        try (H2TestClient client = new H2TestClient(proxy.address("main"), shut)) {
            client.autoAcknowledge(false);
            int first = client.request(H2TestClient.get("x", "/bytes/" + size), true);
            int second = client.request(H2TestClient.get("x", "/bytes/" + size), true);
            client.act(c -> c.prioritize(first, 16, second, true)); // the first now depends on the second
            client.await(Event.ResponseReceived.class, r -> r.streamId() == first);
            client.await(Event.ResponseReceived.class, r -> r.streamId() == second);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.metrics().bufferedBytes() < 2L * size && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // both bodies are in the proxy
            }
            client.act(c -> {
                c.incrementFlowControlWindow(size, first);
                c.incrementFlowControlWindow(size, second);
                c.incrementFlowControlWindow(2 * size, 0);
            });
            List<Integer> order = new ArrayList<>();
            long received = 0;
            while (received < 2L * size) {
                Event.DataReceived d = client.await(Event.DataReceived.class, e -> true);
                order.add(d.streamId());
                received += d.data().remaining();
            }
            int lastOfSecond = order.lastIndexOf(second);
            int firstOfFirst = order.indexOf(first);
            assertTrue(lastOfSecond < firstOfFirst, "the dependency is sent first: " + order);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }
}
