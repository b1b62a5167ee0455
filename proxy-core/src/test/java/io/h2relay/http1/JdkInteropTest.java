package io.h2relay.http1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.h2relay.http1.Http1Event.ConnectionClosed;
import io.h2relay.http1.Http1Event.Data;
import io.h2relay.http1.Http1Event.EndOfMessage;
import io.h2relay.http1.Http1Event.Malformed;
import io.h2relay.http1.Http1Event.RequestHead;
import io.h2relay.http1.Http1Event.ResponseHead;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interop with HTTP/1.1 peers nobody here wrote: our client role against the JDK's {@code com.sun.net.httpserver}
 * over a plain socket, and the JDK {@code java.net.http.HttpClient} (forced to HTTP/1.1) against a small
 * socket loop driving our server role. Sockets and threads live here in the test only.
 */
class JdkInteropTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration GUARD = Duration.ofSeconds(30); // a hang guard, not a timing assertion

    private static HttpServer jdkServer;
    private static ServerSocket ourServer;
    private static final AtomicInteger ourConnections = new AtomicInteger();
    private static final List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws IOException {
        jdkServer = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        jdkServer.createContext("/fixed", ex -> {
            byte[] b = "hello".getBytes(StandardCharsets.US_ASCII);
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", "5");
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        jdkServer.createContext("/chunked", ex -> {
            ex.sendResponseHeaders(200, 0); // 0 = unknown length: the JDK server chunks
            OutputStream o = ex.getResponseBody();
            o.write("part1-".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            o.write("part2".getBytes(StandardCharsets.US_ASCII));
            ex.close();
        });
        jdkServer.createContext("/echo", JdkInteropTest::echo);
        jdkServer.start();

        ourServer = new ServerSocket(0, 50, LOOPBACK);
        Thread acceptor = new Thread(JdkInteropTest::acceptLoop, "h1-test-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws IOException {
        jdkServer.stop(0);
        ourServer.close();
    }

    private static void echo(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        ex.getResponseHeaders().set("X-Method", ex.getRequestMethod());
        ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    // ---- our client against the JDK server

    private static List<Http1Event> exchange(Http1Connection c, Socket s) throws IOException {
        s.getOutputStream().write(bytes(c.dataToSend()));
        return readUntil(c, s.getInputStream(), false);
    }

    /** Reads until the response is complete, or (when {@code informational}) a 1xx head has arrived. */
    private static List<Http1Event> readUntil(Http1Connection c, InputStream in, boolean informational)
            throws IOException {
        List<Http1Event> events = new ArrayList<>();
        byte[] buf = new byte[1024];
        while (true) {
            int n = in.read(buf);
            List<Http1Event> got = n < 0 ? c.receiveEof() : c.receiveData(ByteBuffer.wrap(buf, 0, n));
            for (Http1Event e : got) {
                events.add(e instanceof Data d ? new Data(Wire.copy(d.data())) : e);
                if (e instanceof EndOfMessage || e instanceof Malformed || e instanceof ConnectionClosed
                        || (informational && e instanceof ResponseHead h && h.informational())) {
                    return events;
                }
            }
            if (n < 0) {
                return events;
            }
        }
    }

    private static ResponseHead finalHead(List<Http1Event> events) {
        return events.stream().filter(e -> e instanceof ResponseHead h && !h.informational())
                .map(ResponseHead.class::cast).findFirst().orElseThrow(() -> new AssertionError(events.toString()));
    }

    @Test
    void ourClientTalksToTheJdkHttpServerOverOneKeepAliveConnection() throws IOException {
        List<Http1Field> host = List.of(Http1Field.of("Host", "127.0.0.1:" + jdkServer.getAddress().getPort()));
        try (Socket s = new Socket(LOOPBACK, jdkServer.getAddress().getPort())) {
            s.setSoTimeout((int) GUARD.toMillis());
            Http1Connection c = new Http1Connection(Http1Role.CLIENT);

            c.sendRequestHead("GET", "/fixed", host, true);
            List<Http1Event> fixed = exchange(c, s);
            assertEquals(200, finalHead(fixed).status());
            assertEquals(BodyFraming.CONTENT_LENGTH, finalHead(fixed).framing());
            assertEquals("hello", Wire.body(fixed));
            assertEquals(Http1State.IDLE, c.ourState(), "kept alive");

            c.sendRequestHead("POST", "/echo", host, false); // no length: we send it chunked
            c.sendData(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
            c.sendData(ByteBuffer.wrap("def".getBytes(StandardCharsets.US_ASCII)));
            c.endMessage();
            List<Http1Event> echoed = exchange(c, s);
            assertEquals("abcdef", Wire.body(echoed));
            assertTrue(finalHead(echoed).headers().contains(Http1Field.of("x-method", "POST")));

            // Expect: 100-continue: the JDK server answers 100 before we send the body.
            List<Http1Field> expect = new ArrayList<>(host);
            expect.add(Http1Field.of("Content-Length", "4"));
            expect.add(Http1Field.of("Expect", "100-continue"));
            c.sendRequestHead("PUT", "/echo", expect, false);
            s.getOutputStream().write(bytes(c.dataToSend()));
            List<Http1Event> cont = readUntil(c, s.getInputStream(), true);
            assertEquals(100, ((ResponseHead) cont.get(cont.size() - 1)).status());
            c.sendData(ByteBuffer.wrap("body".getBytes(StandardCharsets.US_ASCII)));
            c.endMessage();
            assertEquals("body", Wire.body(exchange(c, s)));

            c.sendRequestHead("HEAD", "/fixed", host, true);
            List<Http1Event> head = exchange(c, s);
            assertEquals(BodyFraming.NONE, finalHead(head).framing());
            assertEquals(List.of(ResponseHead.class, EndOfMessage.class), head.stream().map(Object::getClass).toList());

            c.sendRequestHead("GET", "/chunked", host, true);
            List<Http1Event> chunked = exchange(c, s);
            assertEquals(BodyFraming.CHUNKED, finalHead(chunked).framing());
            assertEquals("part1-part2", Wire.body(chunked));

            List<Http1Field> close = new ArrayList<>(host);
            close.add(Http1Field.of("Connection", "close"));
            c.sendRequestHead("GET", "/fixed", close, true);
            assertEquals("hello", Wire.body(exchange(c, s)));
            assertEquals(Http1State.MUST_CLOSE, c.ourState());
            assertEquals(-1, s.getInputStream().read(), "the JDK server closed after Connection: close");
        }
    }

    // ---- the JDK client against our server

    private static void acceptLoop() {
        while (!ourServer.isClosed()) {
            try {
                Socket s = ourServer.accept();
                ourConnections.incrementAndGet();
                Thread t = new Thread(() -> serveConnection(s), "h1-test-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** A tiny origin over our server role: /hello (fixed length), /echo (chunked echo), anything else 404. */
    private static void serveConnection(Socket s) {
        try (s) {
            s.setSoTimeout((int) GUARD.toMillis());
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Http1Connection c = new Http1Connection(Http1Role.SERVER);
            byte[] buf = new byte[4096];
            RequestHead head = null;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<Http1Event> events = List.of();
            while (true) {
                if (events.isEmpty()) {
                    if (c.ourState() == Http1State.MUST_CLOSE || c.theirState() == Http1State.CLOSED) {
                        return;
                    }
                    int n = in.read(buf);
                    events = n < 0 ? c.receiveEof() : c.receiveData(ByteBuffer.wrap(buf, 0, n));
                    if (n < 0 && events.isEmpty()) {
                        return;
                    }
                }
                boolean responded = false;
                for (Http1Event e : events) {
                    if (e instanceof RequestHead h) {
                        head = h;
                        body.reset();
                        if (c.peerAwaitsContinue()) {
                            c.sendInformational(100, List.of());
                        }
                    } else if (e instanceof Data d) {
                        body.write(bytes(d.data()));
                    } else if (e instanceof EndOfMessage) {
                        respond(c, head, body.toByteArray());
                        responded = true;
                    } else if (e instanceof Malformed m) {
                        serverErrors.add(m.toString());
                        if (c.ourState() == Http1State.SEND_RESPONSE) {
                            c.sendResponseHead(m.status(), List.of(), true);
                        }
                    }
                    out.write(bytes(c.dataToSend()));
                }
                out.flush();
                events = responded ? c.pollEvents() : List.of();
            }
        } catch (IOException | RuntimeException e) {
            serverErrors.add(e.toString());
        }
    }

    private static void respond(Http1Connection c, RequestHead head, byte[] body) {
        switch (head.path()) {
            case "/hello" -> {
                byte[] b = "hello from h2relay".getBytes(StandardCharsets.US_ASCII);
                c.sendResponseHead(200, List.of(Http1Field.of("Content-Type", "text/plain"),
                        Http1Field.of("Content-Length", String.valueOf(b.length))), false);
                if (!head.method().equals("HEAD")) { // the codec refuses content in a HEAD response
                    c.sendData(ByteBuffer.wrap(b));
                }
                c.endMessage();
            }
            case "/echo" -> {
                c.sendResponseHead(200, List.of(Http1Field.of("X-Method", head.method()),
                        Http1Field.of("X-Framing", head.framing().name())), false);
                // Two writes so that the JDK client reads more than one chunk.
                int half = body.length / 2;
                c.sendData(ByteBuffer.wrap(body, 0, half));
                c.sendData(ByteBuffer.wrap(body, half, body.length - half));
                c.endMessage();
            }
            default -> c.sendResponseHead(404, List.of(), true);
        }
    }

    @Test
    void theJdkHttpClientTalksToOurServerOverOneKeepAliveConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(GUARD).build();
        String base = "http://127.0.0.1:" + ourServer.getLocalPort();
        int before = ourConnections.get();

        HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).timeout(GUARD)
                .build(), BodyHandlers.ofString());
        assertEquals(200, hello.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, hello.version());
        assertEquals("hello from h2relay", hello.body());

        HttpResponse<String> fixed = client.send(HttpRequest.newBuilder(URI.create(base + "/echo")).timeout(GUARD)
                .POST(BodyPublishers.ofString("ping")).build(), BodyHandlers.ofString());
        assertEquals("ping", fixed.body());
        assertEquals("CONTENT_LENGTH", fixed.headers().firstValue("x-framing").orElseThrow());

        byte[] big = new byte[100_000];
        new java.util.Random(7).nextBytes(big);
        HttpResponse<byte[]> streamed = client.send(HttpRequest.newBuilder(URI.create(base + "/echo")).timeout(GUARD)
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                BodyHandlers.ofByteArray());
        assertArrayEquals(big, streamed.body());
        assertEquals("CHUNKED", streamed.headers().firstValue("x-framing").orElseThrow(),
                "a body of unknown length arrives chunked");
        assertEquals("chunked", streamed.headers().firstValue("transfer-encoding").orElseThrow());

        HttpResponse<String> continued = client.send(HttpRequest.newBuilder(URI.create(base + "/echo")).timeout(GUARD)
                .expectContinue(true).PUT(BodyPublishers.ofString("after 100")).build(), BodyHandlers.ofString());
        assertEquals("after 100", continued.body());
        assertEquals("PUT", continued.headers().firstValue("x-method").orElseThrow());

        HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).timeout(GUARD)
                .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());

        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "/nope")).timeout(GUARD)
                .build(), BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());

        assertEquals(1, ourConnections.get() - before, "every request reused the first connection");
        assertEquals(List.of(), serverErrors);
    }

    @Test
    void aRawSmugglingAttemptAgainstOurServerGets400AndAClose() throws IOException {
        try (Socket s = new Socket(LOOPBACK, ourServer.getLocalPort())) {
            s.setSoTimeout((int) GUARD.toMillis());
            s.getOutputStream().write(Wire.bytes("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n"));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", reply);
        }
        serverErrors.removeIf(e -> e.contains("both Content-Length and Transfer-Encoding"));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
