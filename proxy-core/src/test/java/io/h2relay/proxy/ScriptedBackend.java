package io.h2relay.proxy;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.engine.H2Connection;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/2 backend whose behaviour a test scripts event by event (refuse a stream, GOAWAY, reset mid-response...),
 * on our own engine over plain sockets, one thread per connection. Every event it sees is recorded for assertions.
 */
final class ScriptedBackend implements AutoCloseable {

    /** Reacts to one event; {@link Conn#answer} is the ordinary reply. */
    interface Script {
        void on(Conn conn, Event event);
    }

    /** The default script: answer every request with 200 once it ended. */
    static final Script ANSWER = (conn, e) -> {
        if (e instanceof Event.StreamEnded s) {
            conn.answer(s.streamId(), "backend " + conn.index + "\n");
        }
    };

    /** Answers 200 with 1000 body bytes, then resets the stream with ENHANCE_YOUR_CALM: a reset mid-response. */
    static final Script RESET_MIDWAY = (conn, e) -> {
        if (e instanceof Event.StreamEnded s) {
            conn.engine.sendHeaders(s.streamId(), List.of(Header.of(":status", "200")), false);
            conn.engine.sendData(s.streamId(), ByteBuffer.wrap(new byte[1000]), false);
            conn.engine.resetStream(s.streamId(), ErrorCode.ENHANCE_YOUR_CALM.code());
        }
    };

    final class Conn {
        final int index;
        final H2Connection engine;
        private final Socket socket;
        private final OutputStream out;

        Conn(int index, Socket socket, H2Configuration config) throws IOException {
            this.index = index;
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.engine = new H2Connection(config);
            engine.initiateConnection();
            flush();
        }

        void answer(int streamId, String body) {
            engine.sendHeaders(streamId, List.of(Header.of(":status", "200")), false);
            engine.sendData(streamId, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), true);
        }

        void flush() {
            byte[] bytes = engine.dataToSend();
            if (bytes.length > 0) {
                try {
                    out.write(bytes);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        void closeSocket() throws IOException {
            socket.close();
        }
    }

    /** An event and the connection (1, 2, ...) it arrived on. */
    record Seen(int connection, Event event) {}

    private final ServerSocket server;
    private final Script script;
    private final H2Configuration config;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new ArrayList<>();

    ScriptedBackend(Script script) throws IOException {
        this(script, H2Configuration.server());
    }

    ScriptedBackend(Script script, H2Configuration config) throws IOException {
        this.script = script;
        this.config = config;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "scripted-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        try {
            while (true) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                int index = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(index, s), "scripted-backend-" + index);
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private void serve(int index, Socket s) {
        byte[] buffer = new byte[64 * 1024];
        try (s) {
            Conn conn = new Conn(index, s, config);
            InputStream in = s.getInputStream();
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (Event e : conn.engine.receiveData(ByteBuffer.wrap(buffer.clone(), 0, n))) {
                    synchronized (seen) {
                        seen.add(new Seen(index, e));
                        seen.notifyAll();
                    }
                    if (e instanceof Event.DataReceived d) {
                        conn.engine.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
                    }
                    script.on(conn, e);
                }
                conn.flush();
            }
        } catch (IOException | RuntimeException e) {
            // a closed connection ends the thread
        }
    }

    /** Waits for (and returns, without removing) the first recorded event matching {@code match}. */
    <T extends Event> Seen await(Class<T> type, Predicate<T> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            while (true) {
                for (Iterator<Seen> it = seen.iterator(); it.hasNext(); ) {
                    Seen s = it.next();
                    if (type.isInstance(s.event()) && match.test(type.cast(s.event()))) {
                        return s;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("backend saw no matching " + type.getSimpleName() + " within " + timeout
                            + "; saw " + seen);
                }
                seen.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    <T extends Event> Seen await(Class<T> type, Predicate<T> match) throws InterruptedException {
        return await(type, match, Duration.ofSeconds(20));
    }

    List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
