package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.h2relay.tls.ClientTls;
import io.h2relay.tls.SelfSignedCertificate;
import io.h2relay.tls.ServerTls;
import io.h2relay.tls.SniKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same client API over HTTP/1.1: against the JDK's com.sun.net.httpserver in cleartext, and over TLS when ALPN
 * picks http/1.1 or is not used at all.
 */
class Http1FallbackTest {

    @TempDir
    static Path directory;

    private static SelfSignedCertificate.Stored certificate;
    private static H2Client client;
    private final List<HttpServer> servers = new ArrayList<>();

    @BeforeAll
    static void start() {
        certificate = SelfSignedCertificate.loadOrCreate(directory.resolve("tls"));
        client = H2Client.create(ClientConfig.builder()
                .tls(ClientTls.Settings.defaults().withTrust(ClientTls.Trust.caBundle(certificate.certificateFile())))
                .build());
    }

    @AfterAll
    static void stopClient() {
        client.close();
    }

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        byte[] answer = switch (path) {
            case "/echo" -> body;
            case "/agent" -> exchange.getRequestHeaders().getFirst("user-agent").getBytes(StandardCharsets.UTF_8);
            default -> ("http/1.1 " + path).getBytes(StandardCharsets.UTF_8);
        };
        exchange.getResponseHeaders().add("x-protocol", exchange.getProtocol());
        exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : 0); // 0: chunked
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private int plainServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", Http1FallbackTest::handle);
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    /** An HTTPS server offering {@code alpn} (none when empty). */
    private int tlsServer(String... alpn) throws IOException {
        SSLContext context = ServerTls.create(SniKeyManager.of(List.of(certificate.material())),
                ServerTls.Settings.defaults()).context();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = context.getDefaultSSLParameters();
                parameters.setApplicationProtocols(alpn);
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/", Http1FallbackTest::handle);
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    @Test
    void speaksHttp11InCleartextWithRequestsTakingTurns() throws Exception {
        int port = plainServer();
        try (ClientConnection c = await(client.connect(URI.create("http://127.0.0.1:" + port)))) {
            assertEquals("http/1.1", c.protocol());
            List<CompletableFuture<Response>> responses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                responses.add(c.send(Request.get("/n" + i)).toCompletableFuture());
            }
            for (int i = 0; i < 5; i++) {
                Response r = await(responses.get(i));
                assertEquals("http/1.1", r.protocol());
                assertEquals("HTTP/1.1", r.headers().first("x-protocol"));
                assertEquals("http/1.1 /n" + i, new String(await(r.bytes()), StandardCharsets.UTF_8));
            }
            Response agent = await(c.send(Request.get("/agent")));
            assertEquals("h2relay-client", new String(await(agent.bytes()), StandardCharsets.UTF_8));
        }
    }

    @Test
    void uploadsAStreamChunkedAndReadsTheEchoByteExact() throws Exception {
        int port = plainServer();
        long size = 3L << 20;
        try (ClientConnection c = await(client.connect(URI.create("http://127.0.0.1:" + port)))) {
            Response r = await(c.send(Request.post("/echo", RequestBody.from(Patterns.stream(size, 9)))));
            byte[] echoed = r.inputStream().readAllBytes();
            assertEquals(size, echoed.length);
            assertArrayEquals(Patterns.sha256(Patterns.stream(size, 9)), Patterns.sha256(
                    new java.io.ByteArrayInputStream(echoed)));
        }
    }

    @Test
    void fallsBackToHttp11WhenAlpnPicksIt() throws Exception {
        int port = tlsServer("http/1.1");
        try (ClientConnection c = await(client.connect(URI.create("https://127.0.0.1:" + port)))) {
            assertEquals("http/1.1", c.protocol());
            Response r = await(c.send(Request.get("/tls")));
            assertEquals("http/1.1", r.protocol());
            assertEquals("http/1.1 /tls", new String(await(r.bytes()), StandardCharsets.UTF_8));
        }
    }

    @Test
    void fallsBackToHttp11WhenTheServerDoesNotUseAlpn() throws Exception {
        int port = tlsServer();
        try (ClientConnection c = await(client.connect(URI.create("https://127.0.0.1:" + port)))) {
            assertEquals("http/1.1", c.protocol());
            assertEquals(200, await(c.send(Request.get("/"))).status());
        }
    }

    @Test
    void anH2OnlyConnectionFailsClearlyWhenTheServerDoesNotSpeakH2() throws Exception {
        int withoutAlpn = tlsServer();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(client.connect(URI.create("h2://127.0.0.1:" + withoutAlpn))));
        ConnectionException cause = assertInstanceOf(ConnectionException.class, e.getCause());
        assertTrue(cause.getMessage().contains("the server did not choose h2 with ALPN (no ALPN)"),
                cause.getMessage());

        // A server with ALPN but without h2 ends the handshake itself (RFC 7301 §3.2).
        int http11Only = tlsServer("http/1.1");
        e = assertThrows(ExecutionException.class,
                () -> await(client.connect(URI.create("h2://127.0.0.1:" + http11Only))));
        cause = assertInstanceOf(ConnectionException.class, e.getCause());
        assertTrue(cause.getMessage().contains("TLS"), cause.getMessage());
    }

    @Test
    void aPingNeedsHttp2() throws Exception {
        int port = plainServer();
        try (ClientConnection c = await(client.connect(URI.create("http://127.0.0.1:" + port)))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(c.ping()));
            assertInstanceOf(UnsupportedOperationException.class, e.getCause());
        }
    }
}
