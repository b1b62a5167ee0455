package io.h2relay.proxy;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.engine.H2Connection;
import io.h2relay.hpack.Header;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A blocking HTTP/2 client on our own engine and a plain socket, for tests that need what curl and nghttp cannot do:
 * send a reset or a PRIORITY_UPDATE at a chosen moment, hold windows shut, send malformed headers (with outbound
 * validation off), and look at every event. A reader thread feeds the engine; every engine call holds its lock.
 */
final class H2TestClient implements AutoCloseable {

    private final H2Connection engine;
    private final Socket socket;
    private final OutputStream out;
    private final Thread reader;
    private final List<Event> events = new ArrayList<>();
    private volatile boolean autoAck = true;
    private IOException readError;
    private boolean eof;

    H2TestClient(InetSocketAddress address) throws IOException {
        this(address, H2Configuration.builder(true).enablePush(false).build());
    }

    H2TestClient(InetSocketAddress address, H2Configuration config) throws IOException {
        engine = new H2Connection(config);
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        act(H2Connection::initiateConnection);
        reader = new Thread(this::read, "h2-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs {@code action} on the engine under its lock and writes what it produced. */
    void act(Consumer<H2Connection> action) {
        synchronized (engine) {
            action.accept(engine);
            flush();
        }
    }

    /** Opens a request stream; returns its id. */
    int request(List<Header> headers, boolean endStream) {
        int[] id = new int[1];
        act(e -> {
            id[0] = e.nextAvailableStreamId();
            e.sendHeaders(id[0], headers, endStream);
        });
        return id[0];
    }

    void send(int streamId, byte[] data, boolean endStream) {
        send(streamId, data, endStream, 16384, 0);
    }

    /** As {@link #send(int, byte[], boolean)}, in frames of at most {@code frameSize} bytes each padded by {@code padLength}. */
    void send(int streamId, byte[] data, boolean endStream, int frameSize, int padLength) {
        int overhead = padLength > 0 ? padLength + 1 : 0;
        act(e -> {
            for (int at = 0; at < data.length || at == 0 && data.length == 0; ) {
                int n = Math.min(Math.min(data.length - at, e.maxOutboundFrameSize() - overhead), frameSize);
                while (n > 0 && e.localFlowControlWindow(streamId) < n + overhead) {
                    waitForWindow();
                }
                boolean last = at + n == data.length;
                e.sendData(streamId, ByteBuffer.wrap(data, at, n), endStream && last, padLength);
                flush();
                at += n;
                if (data.length == 0) {
                    break;
                }
            }
        });
    }

    /** Stops acknowledging DATA (the proxy then sees our windows close), or resumes. */
    void autoAcknowledge(boolean on) {
        autoAck = on;
    }

    static List<Header> get(String authority, String path, Header... extra) {
        List<Header> h = new ArrayList<>(List.of(Header.of(":method", "GET"), Header.of(":scheme", "http"),
                Header.of(":authority", authority), Header.of(":path", path)));
        h.addAll(List.of(extra));
        return h;
    }

    static List<Header> post(String authority, String path, Header... extra) {
        List<Header> h = get(authority, path, extra);
        h.set(0, Header.of(":method", "POST"));
        return h;
    }

    /** Waits for (and removes) the first event matching {@code match}; fails after {@code timeout}. */
    <T extends Event> T await(Class<T> type, Predicate<T> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Iterator<Event> it = events.iterator(); it.hasNext(); ) {
                    Event e = it.next();
                    if (type.isInstance(e) && match.test(type.cast(e))) {
                        it.remove();
                        return type.cast(e);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || eof) {
                    throw new AssertionError("no " + type.getSimpleName() + " within " + timeout + (eof
                            ? " (connection closed" + (readError != null ? ": " + readError : "") + ")" : "")
                            + "; events: " + events);
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    <T extends Event> T await(Class<T> type, Predicate<T> match) throws InterruptedException {
        return await(type, match, Duration.ofSeconds(20));
    }

    /** A whole response: its head, body, trailers, or the reset that ended it. */
    record Response(List<Header> head, byte[] body, List<Header> trailers, Event.StreamReset reset) {
        String status() {
            return head == null ? null : head.stream().filter(h -> h.name().equals(":status")).findFirst()
                    .map(Header::value).orElse(null);
        }
    }

    /** Collects stream {@code id}'s response until it ends or is reset. */
    Response response(int id) throws InterruptedException {
        List<Header> head = null;
        List<Header> trailers = null;
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            Event e = await(Event.class, ev -> streamOf(ev) == id && !(ev instanceof Event.WindowUpdated)
                    && !(ev instanceof Event.InformationalResponseReceived));
            if (e instanceof Event.ResponseReceived r) {
                head = r.headers();
            } else if (e instanceof Event.DataReceived d) {
                ByteBuffer b = d.data().duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                body.write(bytes, 0, bytes.length);
            } else if (e instanceof Event.TrailersReceived t) {
                trailers = t.headers();
            } else if (e instanceof Event.StreamEnded) {
                return new Response(head, body.toByteArray(), trailers, null);
            } else if (e instanceof Event.StreamReset r) {
                return new Response(head, body.toByteArray(), trailers, r);
            }
        }
    }

    static int streamOf(Event e) {
        if (e instanceof Event.RequestReceived r) {
            return r.streamId();
        } else if (e instanceof Event.ResponseReceived r) {
            return r.streamId();
        } else if (e instanceof Event.DataReceived d) {
            return d.streamId();
        } else if (e instanceof Event.TrailersReceived t) {
            return t.streamId();
        } else if (e instanceof Event.StreamEnded s) {
            return s.streamId();
        } else if (e instanceof Event.StreamReset s) {
            return s.streamId();
        } else if (e instanceof Event.InformationalResponseReceived i) {
            return i.streamId();
        } else if (e instanceof Event.WindowUpdated w) {
            return w.streamId();
        }
        return 0;
    }

    private void waitForWindow() {
        try {
            engine.wait(10); // the reader thread notifies after each batch
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void flush() {
        byte[] bytes = engine.dataToSend();
        if (bytes.length > 0) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new IllegalStateException("write failed", e);
            }
        }
    }

    private void read() {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) > 0; ) {
                List<Event> batch;
                synchronized (engine) {
                    batch = engine.receiveData(ByteBuffer.wrap(buffer.clone(), 0, n));
                    if (autoAck) {
                        for (Event e : batch) {
                            if (e instanceof Event.DataReceived d) {
                                engine.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
                            }
                        }
                    }
                    flush();
                    engine.notifyAll();
                }
                synchronized (events) {
                    events.addAll(batch);
                    events.notifyAll();
                }
            }
            socket.shutdownOutput(); // the peer closed: finish our side too, as a client would
        } catch (IOException | IllegalStateException e) {
            synchronized (events) {
                readError = e instanceof IOException io ? io : new IOException(e);
            }
        } finally {
            synchronized (events) {
                eof = true;
                events.notifyAll();
            }
        }
    }

    /** Acknowledges DATA by hand (with {@link #autoAcknowledge} off). */
    void acknowledge(int bytes, int streamId) {
        act(e -> e.acknowledgeReceivedData(bytes, streamId));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
