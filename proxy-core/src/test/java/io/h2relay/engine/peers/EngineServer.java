package io.h2relay.engine.peers;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.engine.H2Connection;
import io.h2relay.engine.StreamState;
import io.h2relay.hpack.Header;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-only HTTP/2 server: a thread per connection, each owning a server-side {@link H2Connection} over a blocking
 * socket on 127.0.0.1. It reads, feeds {@code receiveData}, answers finished requests and writes {@code dataToSend}
 * until the peer closes. It speaks h2 with prior knowledge (RFC 9113 §3.3) or upgrades from HTTP/1.1 with
 * {@code Upgrade: h2c} (RFC 7540 §3.2). Responses go out in the engine's queued mode, so large bodies are cut to the
 * peer's windows by the engine. HEAD gets the GET response's header section alone; a request with
 * {@code expect: 100-continue} gets a 100 first.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code /}</td><td>200, {@link #HELLO}</td></tr>
 *   <tr><td>{@code /bytes/N}</td><td>200, N octets of {@link Bodies#pattern}</td></tr>
 *   <tr><td>{@code /echo}</td><td>200, the request body; request trailers come back as response trailers</td></tr>
 *   <tr><td>{@code /trailers}</td><td>200, a body, then trailers {@code x-trailer: yes} and {@code x-te} (the
 *       request's {@code te})</td></tr>
 *   <tr><td>{@code /goaway}</td><td>200 {@link #HELLO}, then GOAWAY(NO_ERROR)</td></tr>
 *   <tr><td>{@code /goaway-before-data}</td><td>200, GOAWAY(NO_ERROR), then the body {@link #HELLO}</td></tr>
 *   <tr><td>anything else</td><td>404</td></tr>
 * </table>
 */
final class EngineServer implements AutoCloseable {

    static final byte[] HELLO = "hello from h2relay\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRAILERS_BODY = "trailers follow\n".getBytes(StandardCharsets.US_ASCII);
    /** A connection silent this long fails the test instead of hanging it. */
    private static final int READ_TIMEOUT_MS = 15_000;

    private final H2Configuration config;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger upgrades = new AtomicInteger();
    private final AtomicInteger responses = new AtomicInteger();
    private final AtomicLong bodyBytesReceived = new AtomicLong();
    private volatile boolean closing;

    /** One request being received. */
    private static final class Exchange {
        final List<Header> headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Header> trailers;

        Exchange(List<Header> headers) {
            this.headers = headers;
        }
    }

    EngineServer(H2Configuration config) throws IOException {
        this.config = config;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.acceptor = new Thread(this::acceptLoop, "engine-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static EngineServer start() throws IOException {
        return new EngineServer(H2Configuration.server());
    }

    int port() {
        return listener.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    int connections() {
        return connections.get();
    }

    int upgrades() {
        return upgrades.get();
    }

    int responses() {
        return responses.get();
    }

    /** Request body octets received on every connection (padding excluded). */
    long bodyBytesReceived() {
        return bodyBytesReceived.get();
    }

    /** The events of one kind every connection has seen so far, in arrival order per connection. */
    <T extends Event> List<T> events(Class<T> type) {
        List<T> found = new ArrayList<>();
        synchronized (events) {
            for (Event e : events) {
                if (type.isInstance(e)) {
                    found.add(type.cast(e));
                }
            }
        }
        return found;
    }

    /**
     * Fails when a connection thread threw (a send the engine refused, a read timeout...) or the engine found a
     * connection error in a peer's bytes: real peers send valid HTTP/2, so either is a defect.
     */
    void assertHealthy() {
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("the server loop failed: " + failures);
            failures.forEach(error::addSuppressed);
            throw error;
        }
        for (Event.ConnectionTerminated t : events(Event.ConnectionTerminated.class)) {
            if (!t.remote()) {
                throw new AssertionError("the engine ended a connection: " + t);
            }
        }
    }

    /** Stops accepting, closes every connection and waits for the threads. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        acceptor.join(5_000);
        for (Thread t : threads) {
            t.join(5_000);
        }
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closing) {
                    failures.add(e);
                }
                return;
            }
            sockets.add(socket);
            connections.incrementAndGet();
            Thread t = new Thread(() -> serve(socket), "engine-server-" + socket.getPort());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            H2Connection conn = new H2Connection(config);
            Map<Integer, Exchange> exchanges = new HashMap<>();
            ByteBuffer first = open(conn, in, out);
            if (first == null) {
                return;
            }
            handle(conn, conn.receiveData(first, System.nanoTime()), exchanges);
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                flush(conn, out);
                if (conn.isTerminated() || (conn.goAwaySent() && conn.liveStreams() == 0)) {
                    break;
                }
                int n = readOrEof(in, buffer);
                if (n < 0) {
                    return;
                }
                handle(conn, conn.receiveData(ByteBuffer.wrap(buffer, 0, n), System.nanoTime()), exchanges);
            }
            // We said GOAWAY and owe nothing more: half-close and read until the peer closes, so that no TCP reset
            // (closing with unread input) can overtake the GOAWAY on its way.
            socket.shutdownOutput();
            while (readOrEof(in, buffer) >= 0) {
                // discard
            }
        } catch (SocketTimeoutException e) {
            failures.add(new AssertionError("no bytes from the peer for " + READ_TIMEOUT_MS + " ms", e));
        } catch (IOException e) {
            if (!closing) {
                failures.add(e);
            }
        } catch (RuntimeException | AssertionError e) {
            failures.add(e);
        } finally {
            sockets.remove(socket);
        }
    }

    /** A peer that closes with our bytes unread makes its kernel answer with a reset: for us that is end of input. */
    private static int readOrEof(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).contains("Connection reset")) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * Reads until the first bytes tell prior knowledge (the client magic, RFC 9113 §3.4) from an HTTP/1.1 request.
     * Returns the bytes still to feed the engine, or null when the connection is done.
     */
    private ByteBuffer open(H2Connection conn, InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        byte[] magic = "PRI ".getBytes(StandardCharsets.US_ASCII);
        while (true) {
            int n = readOrEof(in, buffer);
            if (n < 0) {
                return null;
            }
            seen.write(buffer, 0, n);
            byte[] bytes = seen.toByteArray();
            int compared = Math.min(bytes.length, magic.length);
            if (java.util.Arrays.equals(bytes, 0, compared, magic, 0, compared)) {
                if (bytes.length >= magic.length) {
                    conn.initiateConnection();
                    return ByteBuffer.wrap(bytes);
                }
                continue;
            }
            int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end >= 0) {
                return upgrade(conn, new String(bytes, 0, end, StandardCharsets.ISO_8859_1), out,
                        ByteBuffer.wrap(bytes, end + 4, bytes.length - end - 4));
            }
            if (bytes.length > 16 * 1024) {
                throw new IOException("no end of an HTTP/1.1 head in " + bytes.length + " bytes");
            }
        }
    }

    /**
     * RFC 7540 §3.2: a GET with {@code Upgrade: h2c} and {@code HTTP2-Settings} becomes stream 1, answered over
     * HTTP/2 after the 101. Anything else gets a 400 over HTTP/1.1 and the connection closes.
     */
    private ByteBuffer upgrade(H2Connection conn, String head, OutputStream out, ByteBuffer rest) throws IOException {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> fields = new HashMap<>();
        List<Header> forwarded = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            fields.put(name, value);
            if (!Set.of("host", "connection", "upgrade", "http2-settings", "keep-alive", "transfer-encoding")
                    .contains(name)) {
                forwarded.add(Header.of(name, value));
            }
        }
        String settings = fields.get("http2-settings");
        boolean bodyless = fields.getOrDefault("content-length", "0").equals("0")
                && !fields.containsKey("transfer-encoding");
        if (requestLine.length != 3 || !"h2c".equalsIgnoreCase(fields.get("upgrade")) || settings == null
                || !bodyless) {
            out.write(("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return null;
        }
        out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        conn.initiateUpgradeConnection(settings);
        upgrades.incrementAndGet();
        List<Header> request = new ArrayList<>(Bodies.headers(":method", requestLine[0], ":scheme", "http",
                ":authority", fields.getOrDefault("host", "127.0.0.1"), ":path", requestLine[1]));
        request.addAll(forwarded);
        respond(conn, 1, new Exchange(request));
        flush(conn, out);
        return rest;
    }

    private void handle(H2Connection conn, List<Event> batch, Map<Integer, Exchange> exchanges) {
        events.addAll(batch);
        for (Event e : batch) {
            if (e instanceof Event.RequestReceived r) {
                exchanges.put(r.streamId(), new Exchange(r.headers()));
                // RFC 9110 §10.1.1: a server that will read the body says so with 100 (Continue).
                if (r.streamEnded() == null && "100-continue".equals(Bodies.value(r.headers(), "expect"))) {
                    conn.sendHeaders(r.streamId(), Bodies.headers(":status", "100"), false);
                }
            } else if (e instanceof Event.DataReceived d) {
                bodyBytesReceived.addAndGet(d.data().remaining());
                Exchange x = exchanges.get(d.streamId());
                if (x != null) {
                    ByteBuffer data = d.data();
                    byte[] copy = new byte[data.remaining()];
                    data.get(copy);
                    x.body.write(copy, 0, copy.length);
                }
                conn.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
            } else if (e instanceof Event.TrailersReceived t) {
                Exchange x = exchanges.get(t.streamId());
                if (x != null) {
                    x.trailers = t.headers();
                }
            } else if (e instanceof Event.StreamEnded ended) {
                Exchange x = exchanges.remove(ended.streamId());
                // A stream our own GOAWAY left unprocessed is closed already: nothing to answer.
                if (x != null && conn.streamState(ended.streamId()) == StreamState.HALF_CLOSED_REMOTE) {
                    respond(conn, ended.streamId(), x);
                }
            } else if (e instanceof Event.StreamReset r) {
                exchanges.remove(r.streamId());
            }
        }
        events.addAll(conn.pendingEvents());
    }

    private void respond(H2Connection conn, int streamId, Exchange x) {
        String path = Bodies.value(x.headers, ":path");
        String status = "200";
        byte[] body;
        List<Header> trailers = null;
        boolean goAway = false;
        if (path == null) {
            status = "400";
            body = new byte[0];
        } else if (path.equals("/")) {
            body = HELLO;
        } else if (path.startsWith("/bytes/")) {
            body = Bodies.pattern(Integer.parseInt(path.substring("/bytes/".length())));
        } else if (path.equals("/echo")) {
            body = x.body.toByteArray();
            trailers = x.trailers;
        } else if (path.equals("/trailers")) {
            body = TRAILERS_BODY;
            String te = Bodies.value(x.headers, "te");
            trailers = Bodies.headers("x-trailer", "yes", "x-te", te == null ? "none" : te);
        } else if (path.equals("/goaway")) {
            // The body goes out now, so GOAWAY follows the stream's last frame on the wire.
            conn.sendHeaders(streamId, Bodies.headers(":status", "200", "content-length",
                    Integer.toString(HELLO.length)), false);
            conn.sendData(streamId, ByteBuffer.wrap(HELLO), true);
            responses.incrementAndGet();
            conn.closeConnection();
            return;
        } else if (path.equals("/goaway-before-data")) {
            // The body is queued and GOAWAY is not: GOAWAY reaches the wire first (RFC 9113 §6.8 lets the stream,
            // at or below the last-stream-id, still complete).
            body = HELLO;
            goAway = true;
        } else {
            status = "404";
            body = "not found\n".getBytes(StandardCharsets.US_ASCII);
        }
        if ("HEAD".equals(Bodies.value(x.headers, ":method"))) {
            // RFC 9110 §9.3.2: the GET response's header section, no content.
            conn.sendHeaders(streamId, Bodies.headers(":status", status, "content-type", "application/octet-stream",
                    "content-length", Integer.toString(body.length)), true);
            responses.incrementAndGet();
            return;
        }
        boolean bodyless = body.length == 0 && trailers == null;
        conn.sendHeaders(streamId, Bodies.headers(":status", status, "content-type", "application/octet-stream",
                "content-length", Integer.toString(body.length)), bodyless);
        if (body.length > 0) {
            conn.queueData(streamId, ByteBuffer.wrap(body), trailers == null);
        }
        if (trailers != null) {
            conn.sendHeaders(streamId, trailers, true);
        }
        responses.incrementAndGet();
        if (goAway) {
            conn.closeConnection();
        }
    }

    /** Writes everything the engine has; queued DATA beyond the peer's windows waits for its WINDOW_UPDATEs. */
    private void flush(H2Connection conn, OutputStream out) throws IOException {
        byte[] bytes;
        while ((bytes = conn.dataToSend()).length > 0) {
            out.write(bytes);
        }
        out.flush();
        events.addAll(conn.pendingEvents());
    }

    private static int indexOf(byte[] bytes, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
