package io.h2relay.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 backend on plain sockets whose answers a test writes byte by byte (trailers, a close right after a
 * keep-alive response, 1xx, bodies the JDK server cannot produce). One thread per connection; every request head is
 * recorded with the index of the connection it came on.
 */
final class RawHttp1Backend implements AutoCloseable {

    /** A request as received: the request line, fields (names lower-cased, in order), body, connection index. */
    record Request(String line, List<Map.Entry<String, String>> fields, byte[] body, int connection) {
        String field(String name) {
            return fields.stream().filter(f -> f.getKey().equals(name)).map(Map.Entry::getValue).findFirst()
                    .orElse(null);
        }

        long count(String name) {
            return fields.stream().filter(f -> f.getKey().equals(name)).count();
        }
    }

    /** Answers one request on {@code out}; returns false to close the connection afterwards. */
    interface Handler {
        boolean answer(Conn conn, Request request, OutputStream out) throws IOException;
    }

    /** One accepted connection, for handlers that read the body themselves. */
    static final class Conn {
        final int index;
        final InputStream in;
        /** Requests answered on this connection so far. */
        int served;

        Conn(int index, InputStream in) {
            this.index = index;
            this.in = in;
        }
    }

    private final ServerSocket server;
    private final Handler handler;
    private final boolean readBodies;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    /** {@code readBodies}: read content-length and chunked bodies before calling the handler. */
    RawHttp1Backend(Handler handler, boolean readBodies) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.handler = handler;
        this.readBodies = readBodies;
        Thread t = new Thread(this::acceptLoop, "raw-http1-backend");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                int index = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, index), "raw-http1-conn-" + index);
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s, int index) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Conn conn = new Conn(index, in);
            while (true) {
                String line = line(in);
                if (line == null) {
                    return;
                }
                List<Map.Entry<String, String>> fields = new ArrayList<>();
                for (String f = line(in); f != null && !f.isEmpty(); f = line(in)) {
                    int colon = f.indexOf(':');
                    fields.add(Map.entry(f.substring(0, colon).toLowerCase(Locale.ROOT), f.substring(colon + 1).trim()));
                }
                Request head = new Request(line, fields, new byte[0], index);
                byte[] body = readBodies ? body(in, head) : new byte[0];
                Request r = new Request(line, fields, body, index);
                requests.add(r);
                boolean keep = handler.answer(conn, r, out);
                out.flush();
                conn.served++;
                if (!keep) {
                    return;
                }
            }
        } catch (IOException gone) {
            // the proxy closed the connection
        }
    }

    private static byte[] body(InputStream in, Request r) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (r.field("content-length") != null) {
            body.write(in.readNBytes(Integer.parseInt(r.field("content-length"))));
        } else if ("chunked".equalsIgnoreCase(r.field("transfer-encoding"))) {
            while (true) {
                int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    StringBuilder trailers = new StringBuilder();
                    for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
                        trailers.append(t).append('\n');
                    }
                    r.fields().add(Map.entry("x-received-trailers", trailers.toString().trim()));
                    break;
                }
                body.write(in.readNBytes(size));
                line(in);
            }
        }
        return body.toByteArray();
    }

    /** One CRLF-terminated line without its CRLF; null at the end of the stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Fields of a request as "name: value" lines, for handlers that echo what they saw. */
    static String describe(Request r) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : r.fields()) {
            m.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue());
        }
        return r.line() + "\n" + m;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
