package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.http1.SmugglingCases;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request-smuggling payload of the codec's table (io.h2relay.http1.SmugglingCases), sent raw to the proxy over
 * a socket: the client gets the codec's status and the connection closes, and the backend sees nothing of it.
 */
class Http1SmugglingTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    private static ScriptedBackend backend;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new ScriptedBackend(ScriptedBackend.ANSWER);
        proxy = ProxyFixture.proxyTo(KIT, backend.address(),
                "listeners.http1only { address = \"127.0.0.1:0\", protocols = [\"http/1.1\"] }");
    }

    @AfterAll
    static void stop() throws Exception {
        ProxyFixture.stop(proxy);
        backend.close();
        KIT.shutdownTestKit();
    }

    /**
     * Every case on a listener that speaks HTTP/1.1 only, and on the default listener every case but the HTTP/2
     * preface, which is HTTP/2 there.
     */
    static Stream<Arguments> cases() {
        return Stream.concat(SmugglingCases.ALL.stream().map(c -> Arguments.of(c, "http1only")),
                SmugglingCases.ALL.stream().filter(c -> !c.raw().startsWith("PRI * HTTP/2.0\r\n\r\nSM"))
                        .map(c -> Arguments.of(c, "main")));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void smugglingPayloadGetsItsStatusClosesAndNeverReachesTheBackend(SmugglingCases.Case c, String listener)
            throws Exception {
        long requestsBefore = count(Event.RequestReceived.class);
        long endsBefore = count(Event.StreamEnded.class);
        String answer;
        try (Socket s = new Socket("127.0.0.1", proxy.address(listener).getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(c.raw().getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.getInputStream().transferTo(out); // returns at the proxy's close; a timeout fails the test
            answer = out.toString(StandardCharsets.ISO_8859_1);
        }
        Matcher m = STATUS_LINE.matcher(answer);
        int responses = 0;
        int last = -1;
        while (m.find()) {
            responses++;
            last = Integer.parseInt(m.group(1));
        }
        assertEquals(c.status(), last, () -> c.name() + ": " + answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), () -> c.name() + ": " + answer);
        if (c.headsBefore() == 0) {
            assertEquals(1, responses, () -> c.name() + ": " + answer);
            assertEquals(requestsBefore, count(Event.RequestReceived.class), c.name() + " reached the backend");
        } else {
            // A body-level error: its head was valid. Unless that request was complete and answered before the
            // error (the next "request" being the malformed part), no complete request reached the backend.
            assertEquals(responses == 1 ? endsBefore : endsBefore + 1, count(Event.StreamEnded.class),
                    () -> c.name() + ": " + answer);
        }
    }

    private static long count(Class<? extends Event> type) {
        return backend.seen().stream().filter(s -> type.isInstance(s.event())).count();
    }
}
