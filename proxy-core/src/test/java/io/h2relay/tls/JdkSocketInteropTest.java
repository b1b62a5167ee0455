package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The driver against the JDK's own blocking TLS sockets over loopback, in both roles: handshakes, ALPN, SNI, key
 * updates, refused renegotiation, and the HTTP/2 cipher suite rules.
 */
class JdkSocketInteropTest {

    private static final ExecutorService PEERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tls-test-peer");
        thread.setDaemon(true);
        return thread;
    });
    private static final String PROHIBITED_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";

    @TempDir
    Path directory;

    @AfterAll
    static void stopPeers() {
        PEERS.shutdownNow();
    }

    interface Script<T> {
        T run(SocketDriver driver) throws Exception;
    }

    /** Accepts one connection and runs the driver (server role) over it in a peer thread. */
    static <T> Future<T> serveOnce(ServerSocket listener, ServerTls tls, Script<T> script) {
        return PEERS.submit(() -> {
            try (Socket socket = listener.accept(); SocketDriver driver = new SocketDriver(socket, tls.newSession())) {
                return script.run(driver);
            }
        });
    }

    static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    }

    private static SSLSocket jdkClient(ServerSocket listener, String host, List<String> alpn) throws Exception {
        SSLContext context = SocketDriver.jdkContext(null, List.of(TlsFixtures.CA.certificate()));
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, listener.getLocalPort(),
                true);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(alpn.toArray(new String[0]));
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static String readLine(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Server script: handshake, answer one line with "echo:" + line, close; returns the ALPN choice. */
    private static String echoOnce(SocketDriver driver) throws Exception {
        driver.handshake();
        String line = driver.readUntil("\n");
        driver.write("echo:" + line);
        driver.closeTls();
        return driver.tls.applicationProtocol();
    }

    @ParameterizedTest(name = "client offers [{0}] -> \"{1}\"")
    @CsvSource(delimiter = ';', value = {"h2,http/1.1;h2", "http/1.1,h2;h2", "http/1.1;http/1.1", ";''"})
    void driverAsServerNegotiatesAlpnWithAJdkClient(String offered, String expected) throws Exception {
        List<String> alpn = offered == null ? List.of() : List.of(offered.split(","));
        try (ServerSocket listener = listen()) {
            Future<String> server = serveOnce(listener, TlsFixtures.server(TlsFixtures.LOCALHOST),
                    JdkSocketInteropTest::echoOnce);
            try (SSLSocket client = jdkClient(listener, "localhost", alpn)) {
                SSLParameters parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(parameters);
                client.startHandshake();
                assertEquals(expected, client.getApplicationProtocol());
                send(client, "ping\n");
                assertEquals("echo:ping", readLine(client));
            }
            assertEquals(expected, server.get(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "driver offers [{0}] -> \"{1}\"")
    @CsvSource(delimiter = ';', value = {"h2,http/1.1;h2", "http/1.1;http/1.1", ";''"})
    void driverAsClientNegotiatesAlpnWithAJdkServer(String offered, String expected) throws Exception {
        String[] alpn = offered == null ? new String[0] : offered.split(",");
        SSLContext context = SocketDriver.jdkContext(TlsFixtures.LOCALHOST, List.of());
        try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress())) {
            SSLParameters parameters = listener.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            listener.setSSLParameters(parameters);
            Future<String> server = PEERS.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(10_000);
                    String line = readLine(socket);
                    send(socket, "echo:" + line + "\n");
                    return socket.getApplicationProtocol();
                }
            });
            ClientTls tls = ClientTls.create(ClientTls.Settings.defaults()
                    .withTrust(ClientTls.Trust.caBundle(TlsFixtures.caBundle(directory, TlsFixtures.CA)))
                    .withApplicationProtocols(alpn));
            try (SocketDriver client = new SocketDriver(new Socket(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort()), tls.newSession("localhost", listener.getLocalPort()))) {
                client.handshake();
                assertEquals(expected, client.tls.applicationProtocol());
                client.write("pong\n");
                assertEquals("echo:pong\n", client.readUntil("\n"));
            }
            assertEquals(expected, server.get(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "SNI {0} -> {1}")
    @CsvSource(delimiter = ';', value = {"a.example.test;CN=site-a", "A.Example.TEST;CN=site-a",
        "x.wild.test;CN=wildcard", "wild.test;CN=localhost", "a.b.wild.test;CN=localhost",
        "unknown.test;CN=localhost", ";CN=localhost"})
    void sniChoosesTheCertificateTheJdkClientSees(String serverName, String subject) throws Exception {
        ServerTls tls = TlsFixtures.server(List.of(TlsFixtures.LOCALHOST, TlsFixtures.SITE_A, TlsFixtures.WILDCARD),
                ServerTls.Settings.defaults());
        try (ServerSocket listener = listen()) {
            Future<String> server = serveOnce(listener, tls, JdkSocketInteropTest::echoOnce);
            try (SSLSocket client = jdkClient(listener, "127.0.0.1", List.of())) {
                SSLParameters parameters = client.getSSLParameters();
                List<SNIServerName> names = new ArrayList<>();
                if (serverName != null) {
                    names.add(new SNIHostName(serverName));
                }
                parameters.setServerNames(names);
                client.setSSLParameters(parameters);
                client.startHandshake();
                X509Certificate peer = (X509Certificate) client.getSession().getPeerCertificates()[0];
                assertEquals(subject, peer.getSubjectX500Principal().getName());
                send(client, "x\n");
                readLine(client);
            }
            server.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTls13KeyUpdateFromThePeerIsAnsweredAndDataKeepsFlowing() throws Exception {
        try (ServerSocket listener = listen()) {
            Future<String> server = serveOnce(listener, TlsFixtures.server(TlsFixtures.LOCALHOST), driver -> {
                driver.handshake();
                for (int i = 0; i < 3; i++) {
                    String all = driver.readUntil("line" + i + "\n");
                    driver.write("ack" + i + "\n");
                    if (!all.contains("line" + i)) {
                        return "missing line" + i;
                    }
                }
                driver.closeTls();
                return driver.tls.session().getProtocol();
            });
            try (SSLSocket client = jdkClient(listener, "localhost", List.of("h2"))) {
                client.startHandshake();
                BufferedReader reader = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.US_ASCII));
                for (int i = 0; i < 3; i++) {
                    client.startHandshake(); // TLS 1.3: sends KeyUpdate(update_requested)
                    send(client, "line" + i + "\n");
                    assertEquals("ack" + i, reader.readLine());
                }
            }
            assertEquals("TLSv1.3", server.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTls12RenegotiationFromTheClientIsRefusedAndTheSessionCanStillSend() throws Exception {
        try (ServerSocket listener = listen()) {
            Future<List<String>> server = serveOnce(listener, TlsFixtures.server(TlsFixtures.LOCALHOST), driver -> {
                driver.handshake();
                List<String> seen = new ArrayList<>();
                seen.add(driver.readUntil("\n"));
                TlsException refused = assertThrows(TlsException.class, () -> {
                    while (driver.readOnce()) {
                        // until the renegotiation attempt arrives
                    }
                });
                seen.add(refused.kind().name());
                // RFC 9113 §9.2.1: the connection can still send its GOAWAY(PROTOCOL_ERROR) before closing.
                driver.write("goaway\n");
                driver.closeTls();
                return seen;
            });
            try (SSLSocket client = jdkClient(listener, "localhost", List.of("h2"))) {
                client.setEnabledProtocols(new String[] {"TLSv1.2"});
                client.startHandshake();
                send(client, "hello\n");
                try {
                    client.startHandshake(); // a new ClientHello on the established TLS 1.2 connection
                    readLine(client);
                } catch (IOException expected) {
                    // the server stops reading and closes: how the JDK reports that does not matter here
                }
            }
            assertEquals(List.of("hello\n", "RENEGOTIATION_REFUSED"), server.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTls12HelloRequestFromTheServerIsRefusedByTheDriverAsClient() throws Exception {
        SSLContext context = SocketDriver.jdkContext(TlsFixtures.LOCALHOST, List.of());
        try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {"TLSv1.2"});
            Future<Void> server = PEERS.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(10_000);
                    readLine(socket);
                    send(socket, "before\n");
                    try {
                        socket.startHandshake(); // sends HelloRequest
                        readLine(socket);
                    } catch (IOException expected) {
                        // the client refuses and closes
                    }
                }
                return null;
            });
            ClientTls tls = ClientTls.create(ClientTls.Settings.defaults()
                    .withTrust(ClientTls.Trust.caBundle(TlsFixtures.caBundle(directory, TlsFixtures.CA))));
            try (SocketDriver client = new SocketDriver(new Socket(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort()), tls.newSession("localhost", listener.getLocalPort()))) {
                client.handshake();
                assertEquals("TLSv1.2", client.tls.session().getProtocol());
                client.write("hi\n");
                TlsException refused = assertThrows(TlsException.class, () -> {
                    while (client.readOnce()) {
                        // "before", then the HelloRequest
                    }
                });
                assertEquals(TlsException.Kind.RENEGOTIATION_REFUSED, refused.kind());
                assertEquals("before\n", client.received.toString(StandardCharsets.US_ASCII));
            }
            server.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientOfferingOnlyProhibitedSuitesWithH2IsFlaggedInadequate() throws Exception {
        try (ServerSocket listener = listen()) {
            Future<List<String>> server = serveOnce(listener, TlsFixtures.server(TlsFixtures.LOCALHOST), driver -> {
                driver.handshake();
                String suite = driver.tls.session().getCipherSuite();
                String alpn = driver.tls.applicationProtocol();
                String verdict = H2Security.inadequacy(driver.tls.session()).orElse("adequate");
                driver.readUntil("\n");
                driver.closeTls();
                return List.of(suite, alpn, verdict);
            });
            try (SSLSocket client = jdkClient(listener, "localhost", List.of("h2"))) {
                client.setEnabledProtocols(new String[] {"TLSv1.2"});
                client.setEnabledCipherSuites(new String[] {PROHIBITED_SUITE});
                client.startHandshake();
                assertEquals("h2", client.getApplicationProtocol());
                send(client, "x\n");
            }
            List<String> seen = server.get(10, TimeUnit.SECONDS);
            assertEquals(PROHIBITED_SUITE, seen.get(0));
            assertEquals("h2", seen.get(1));
            assertTrue(seen.get(2).contains("prohibited"), seen.get(2));
        }
    }

    @ParameterizedTest(name = "suites {0} -> {1}")
    @CsvSource(delimiter = ';', value = {"prohibited;http/1.1", "modern;h2"})
    void alpnPassesOverH2WhenTheOnlyCommonSuiteIsProhibited(String suites, String expected) throws Exception {
        try (ServerSocket listener = listen()) {
            Future<String> server = serveOnce(listener, TlsFixtures.server(TlsFixtures.LOCALHOST), driver -> {
                String alpn = echoOnce(driver);
                return alpn + "/" + H2Security.adequateForH2(driver.tls.session());
            });
            try (SSLSocket client = jdkClient(listener, "localhost", List.of("h2", "http/1.1"))) {
                client.setEnabledProtocols(new String[] {"TLSv1.2"});
                if (suites.equals("prohibited")) {
                    client.setEnabledCipherSuites(new String[] {PROHIBITED_SUITE});
                } else {
                    // A modern client that also offers legacy suites, legacy first: the server's order wins.
                    List<String> ordered = new ArrayList<>(List.of(PROHIBITED_SUITE));
                    ordered.add("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
                    client.setEnabledCipherSuites(ordered.toArray(new String[0]));
                }
                client.startHandshake();
                assertEquals(expected, client.getApplicationProtocol());
                send(client, "x\n");
                readLine(client);
            }
            String seen = server.get(10, TimeUnit.SECONDS);
            assertEquals(expected + "/" + expected.equals("h2"), seen);
        }
    }

    @Test
    void theDriverAsClientDetectsAServerThatChoseH2WithAProhibitedSuite() throws Exception {
        SSLContext context = SocketDriver.jdkContext(TlsFixtures.LOCALHOST, List.of());
        try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {"TLSv1.2"});
            listener.setEnabledCipherSuites(new String[] {PROHIBITED_SUITE});
            SSLParameters parameters = listener.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            listener.setSSLParameters(parameters);
            Future<Void> server = PEERS.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                    readLine(socket);
                }
                return null;
            });
            ClientTls tls = ClientTls.create(ClientTls.Settings.defaults()
                    .withTrust(ClientTls.Trust.caBundle(TlsFixtures.caBundle(directory, TlsFixtures.CA))));
            try (SocketDriver client = new SocketDriver(new Socket(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort()), tls.newSession("localhost", listener.getLocalPort()))) {
                client.handshake();
                assertEquals("h2", client.tls.applicationProtocol());
                assertFalse(H2Security.adequateForH2(client.tls.session()));
                client.write("bye\n");
            }
            server.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aJdkClientWithACertificatePassesMutualTls() throws Exception {
        Path ca = TlsFixtures.caBundle(directory, TlsFixtures.CA);
        ServerTls tls = TlsFixtures.server(List.of(TlsFixtures.LOCALHOST),
                ServerTls.Settings.defaults().withClientAuth(ServerTls.ClientAuth.NEED, ca));
        try (ServerSocket listener = listen()) {
            Future<String> server = serveOnce(listener, tls, driver -> {
                driver.handshake();
                X509Certificate peer = (X509Certificate) driver.tls.session().getPeerCertificates()[0];
                driver.readUntil("\n");
                driver.closeTls();
                return peer.getSubjectX500Principal().getName();
            });
            SSLContext context = SocketDriver.jdkContext(TlsFixtures.CLIENT, List.of(TlsFixtures.CA.certificate()));
            try (SSLSocket client = (SSLSocket) context.getSocketFactory().createSocket()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                client.setSoTimeout(10_000);
                client.startHandshake();
                send(client, "x\n");
            }
            assertEquals("CN=client-one", server.get(10, TimeUnit.SECONDS));
        }
    }
}
