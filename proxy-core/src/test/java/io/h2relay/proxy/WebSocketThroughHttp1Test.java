package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSocket (RFC 6455) from an HTTP/1.1 client through the proxy to an HTTP/1.1 backend: inside, the handshake is
 * RFC 8441 extended CONNECT (contract C3); outside, both ends see an ordinary 101 and frames both ways.
 */
class WebSocketThroughHttp1Test {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static EchoBackend backend;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new EchoBackend();
        proxy = ProxyFixture.proxy(KIT, "clusters.ws.endpoints = [\"http://127.0.0.1:" + backend.port() + "\"]\n"
                + "routes.default.cluster = ws\n");
    }

    @AfterAll
    static void stop() throws Exception {
        ProxyFixture.stop(proxy);
        backend.close();
        KIT.shutdownTestKit();
    }

    @Test
    void theHandshakeIsAnswered101WithTheBackendsAccept() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.address("main").getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: chat\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = readHead(in).toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 101 switching protocols\r\n"), head);
            assertTrue(head.contains("\r\nupgrade: websocket\r\n"), head);
            assertTrue(head.contains("\r\nconnection: upgrade\r\n"), head);
            // RFC 6455 §1.3's example key and its accept value: the backend saw the client's key.
            assertTrue(head.contains("\r\nsec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"), head);
            assertTrue(head.contains("\r\nsec-websocket-protocol: chat\r\n"), head);

            byte[] payload = new byte[70_000]; // a 64-bit length frame: more than one socket read both ways
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 7);
            }
            out.write(maskedFrame(0x2, payload));
            Frame echo = Frame.read(in);
            assertEquals(0x2, echo.opcode());
            assertArrayEquals(payload, echo.payload());

            out.write(maskedFrame(0x8, new byte[] {0x03, (byte) 0xe8})); // close 1000
            Frame close = Frame.read(in);
            assertEquals(0x8, close.opcode());
            assertEquals(-1, in.read(), "the backend's close ends the client connection");
        }
    }

    @Test
    void jdkWebSocketClientEchoesThroughTheProxy() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> gotTwo = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                    if (received.size() == 2) {
                        gotTwo.complete(null);
                    }
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                closed.complete(status);
                return null;
            }
        };
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + proxy.address("main").getPort() + "/echo"), listener)
                .get(20, TimeUnit.SECONDS);
        ws.sendText("hello", true).get(20, TimeUnit.SECONDS);
        ws.sendText("through h2relay", true).get(20, TimeUnit.SECONDS);
        gotTwo.get(20, TimeUnit.SECONDS);
        assertEquals(List.of("hello", "through h2relay"), received);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, closed.get(20, TimeUnit.SECONDS));
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed inside a head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(c);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** A client frame (RFC 6455 §5.2): FIN, the opcode, masked payload. */
    static byte[] maskedFrame(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        writeLength(out, payload.length, 0x80);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    /** A server frame: FIN, the opcode, unmasked payload. */
    static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        writeLength(out, payload.length, 0);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length, int maskBit) {
        if (length < 126) {
            out.write(maskBit | length);
        } else if (length < 65536) {
            out.write(maskBit | 126);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >>> shift));
            }
        }
    }

    record Frame(int opcode, byte[] payload) {
        static Frame read(InputStream raw) throws IOException {
            DataInputStream in = new DataInputStream(raw);
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) length);
            if (payload.length != length) {
                throw new IOException("frame cut short");
            }
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
            }
            return new Frame(b0 & 0x0f, payload);
        }
    }

    /**
     * An HTTP/1.1 WebSocket echo server on plain sockets: answers the opening handshake with 101 and
     * Sec-WebSocket-Accept (RFC 6455 §4.2.2), echoes data frames unmasked, answers a close with a close and closes.
     */
    static final class EchoBackend implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        EchoBackend() throws IOException {
            Thread t = new Thread(this::accept, "websocket-echo");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> serve(s), "websocket-echo-conn");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                String key = null;
                String protocol = null;
                for (String line : readHead(in).split("\r\n")) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("sec-websocket-key:")) {
                        key = line.substring(18).trim();
                    } else if (lower.startsWith("sec-websocket-protocol:")) {
                        protocol = line.substring(23).trim().split(",")[0].trim();
                    }
                }
                if (key == null) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(
                        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(sha1) + "\r\n"
                        + (protocol != null ? "Sec-WebSocket-Protocol: " + protocol + "\r\n" : "") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                while (true) {
                    Frame f = Frame.read(in);
                    if (f.opcode() == 0x8) {
                        out.write(frame(0x8, f.payload()));
                        return;
                    }
                    out.write(frame(f.opcode(), f.payload()));
                }
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                // the connection ended
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
