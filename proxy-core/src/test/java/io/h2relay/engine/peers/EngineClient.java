package io.h2relay.engine.peers;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.engine.H2Connection;
import io.h2relay.hpack.Header;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only HTTP/2 client: a client-side {@link H2Connection} over a blocking socket to 127.0.0.1, driven from the
 * calling thread. {@link #exchange} opens as many streams as the server's SETTINGS_MAX_CONCURRENT_STREAMS allows,
 * sends request bodies in the engine's queued mode, and reads until every stream has ended or been reset.
 */
final class EngineClient implements AutoCloseable {

    private static final int READ_TIMEOUT_MS = 15_000;

    record Request(String method, String path, List<Header> extra, byte[] body, List<Header> trailers) {
        static Request get(String path) {
            return new Request("GET", path, List.of(), null, null);
        }

        static Request post(String path, byte[] body) {
            return new Request("POST", path, List.of(), body, null);
        }
    }

    /** What came back on one stream. */
    static final class Response {
        final Request request;
        int streamId;
        List<Header> headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Header> trailers;
        Event.StreamReset reset;
        boolean ended;

        Response(Request request) {
            this.request = request;
        }

        int status() {
            return headers == null ? -1 : Integer.parseInt(Bodies.value(headers, ":status"));
        }

        byte[] bytes() {
            return body.toByteArray();
        }

        boolean done() {
            return ended || reset != null;
        }

        @Override
        public String toString() {
            return request.method() + " " + request.path() + " on " + streamId + ": " + status() + ", "
                    + body.size() + " bytes" + (reset != null ? ", " + reset : "") + (ended ? ", ended" : "");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final H2Connection conn;
    private final String authority;
    private final List<Event> events = new ArrayList<>();
    private final byte[] buffer = new byte[64 * 1024];

    EngineClient(int port) throws IOException {
        this(port, H2Configuration.client());
    }

    EngineClient(int port, H2Configuration config) throws IOException {
        this.authority = "127.0.0.1:" + port;
        this.socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.conn = new H2Connection(config);
        conn.initiateConnection();
        flush();
    }

    H2Connection connection() {
        return conn;
    }

    <T extends Event> List<T> events(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (Event e : events) {
            if (type.isInstance(e)) {
                found.add(type.cast(e));
            }
        }
        return found;
    }

    Response get(String path) throws IOException {
        return exchange(List.of(Request.get(path))).get(0);
    }

    /** Runs the requests, concurrently up to the server's stream limit; responses in request order. */
    List<Response> exchange(List<Request> requests) throws IOException {
        List<Response> responses = new ArrayList<>();
        Deque<Response> waiting = new ArrayDeque<>();
        for (Request r : requests) {
            Response response = new Response(r);
            responses.add(response);
            waiting.add(response);
        }
        Map<Integer, Response> open = new HashMap<>();
        while (true) {
            while (!waiting.isEmpty() && conn.openOutboundStreams() < conn.remoteSettings().maxConcurrentStreams()) {
                Response next = waiting.poll();
                start(next);
                open.put(next.streamId, next);
            }
            flush();
            if (open.isEmpty() && waiting.isEmpty()) {
                return responses;
            }
            for (Event e : read()) {
                handle(e, open);
            }
        }
    }

    /** Sends a PING and reads until its ACK. */
    void ping(long data) throws IOException {
        conn.ping(data);
        flush();
        while (true) {
            for (Event e : read()) {
                if (e instanceof Event.PingAckReceived ack && ack.pingData() == data) {
                    return;
                }
            }
        }
    }

    private void start(Response response) {
        Request r = response.request;
        int id = conn.nextAvailableStreamId();
        response.streamId = id;
        List<Header> headers = new ArrayList<>(Bodies.headers(":method", r.method(), ":scheme", "http",
                ":authority", authority, ":path", r.path()));
        headers.addAll(r.extra());
        conn.sendHeaders(id, headers, r.body() == null && r.trailers() == null);
        if (r.body() != null) {
            conn.queueData(id, ByteBuffer.wrap(r.body()), r.trailers() == null);
        }
        if (r.trailers() != null) {
            conn.sendHeaders(id, r.trailers(), true);
        }
    }

    private void handle(Event e, Map<Integer, Response> open) {
        if (e instanceof Event.ResponseReceived r) {
            open.get(r.streamId()).headers = r.headers();
        } else if (e instanceof Event.DataReceived d) {
            Response response = open.get(d.streamId());
            if (response != null) {
                ByteBuffer data = d.data();
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                response.body.write(copy, 0, copy.length);
            }
            conn.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
        } else if (e instanceof Event.TrailersReceived t) {
            open.get(t.streamId()).trailers = t.headers();
        } else if (e instanceof Event.StreamEnded ended) {
            Response response = open.remove(ended.streamId());
            if (response != null) {
                response.ended = true;
            }
        } else if (e instanceof Event.StreamReset reset) {
            Response response = open.remove(reset.streamId());
            if (response != null) {
                response.reset = reset;
            }
        } else if (e instanceof Event.ConnectionTerminated t && (!t.remote() || t.errorCode() != 0)) {
            throw new AssertionError("the connection ended: " + t + "; open streams " + open.values());
        }
    }

    private List<Event> read() throws IOException {
        int n = in.read(buffer);
        if (n < 0) {
            throw new IOException("the server closed the connection; events so far: " + events);
        }
        List<Event> batch = conn.receiveData(ByteBuffer.wrap(buffer, 0, n), System.nanoTime());
        events.addAll(batch);
        return batch;
    }

    private void flush() throws IOException {
        byte[] bytes;
        while ((bytes = conn.dataToSend()).length > 0) {
            out.write(bytes);
        }
        out.flush();
        events.addAll(conn.pendingEvents());
    }

    /** GOAWAY(NO_ERROR), then the socket closes. */
    @Override
    public void close() throws IOException {
        try (socket) {
            if (!conn.isTerminated()) {
                conn.closeConnection();
                flush();
            }
        }
    }
}
