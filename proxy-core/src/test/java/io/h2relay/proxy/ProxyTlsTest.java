package io.h2relay.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.origin.Tools;
import io.h2relay.tls.CertificateStore;
import io.h2relay.tls.SelfSignedCertificate;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS listeners in front of the built-in origin, proved by real clients: curl, the JDK's HttpClient, openssl
 * s_client, a raw JDK TLS socket speaking HTTP/2 frames, and headless Chromium.
 */
class ProxyTlsTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();

    @TempDir
    static Path dir;

    /** A proxy whose listener "secure" has {@code tls} (the inside of its tls section), routed to the origin. */
    private static ProxyServer proxy(String tls) throws Exception {
        return ProxyFixture.proxyTo(KIT, ORIGIN.address(), """
                state-directory = "%s"
                listeners.secure { address = "127.0.0.1:0", tls { %s } }
                """.formatted(dir.resolve("state"), tls));
    }

    private static String url(ProxyServer proxy, String path) {
        return "https://127.0.0.1:" + proxy.address("secure").getPort() + path;
    }

    private static Path selfSignedCertificate() {
        return SelfSignedCertificate.loadOrCreate(dir.resolve("state")).certificateFile();
    }

    // ---- curl, the JDK, Chromium ---------------------------------------------------------------------------

    @Test
    void curlGetsHttp2ByAlpnAndTheBackendSeesHttps() throws Exception {
        ProxyServer proxy = proxy("self-signed = true");
        try {
            Tools.Result r = Tools.run(60, "curl", "-sS", "-k", "--http2", "--max-time", "30", "-w",
                    "\n%{http_version} %{http_code}", url(proxy, "/headers"));
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.out().endsWith("\n2 200"), r.out());
            assertTrue(r.out().contains("\"x-forwarded-proto\": \"https\""), r.out());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void curlHttp11OverTlsGetsHttp11ByAlpn() throws Exception {
        ProxyServer proxy = proxy("self-signed = true");
        try {
            Tools.Result r = Tools.run(60, "curl", "-sS", "-k", "--http1.1", "--max-time", "30", "-w",
                    "\n%{http_version} %{http_code}", url(proxy, "/headers"), url(proxy, "/"));
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.out().contains("\"x-forwarded-proto\": \"https\""), r.out());
            assertTrue(r.out().endsWith("h2relay origin\n\n1.1 200"), r.out());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void withoutAlpnTheFirstBytesDecide() throws Exception {
        ProxyServer proxy = proxy("self-signed = true");
        SSLContext context = TestCertificates.trusting(selfSignedCertificate());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                proxy.address("secure").getPort())) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            assertEquals("", socket.getApplicationProtocol(), "no ALPN offered, none chosen");
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.endsWith("h2relay origin\n"), answer);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void jdkHttpClientSpeaksHttp2OverTlsTrustingTheSelfSignedCertificate() throws Exception {
        ProxyServer proxy = proxy("self-signed = true");
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(TestCertificates.trusting(selfSignedCertificate())).build();
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url(proxy, "/bytes/100000")))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, response.version(), "ALPN chose h2");
            assertEquals(100000, response.body().length);
            assertEquals("TLSv1.3", response.sslSession().orElseThrow().getProtocol());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void headlessChromiumLoadsAPageOverHttp2() throws Exception {
        ProxyServer proxy = proxy("self-signed = true");
        try {
            Path profile = Files.createTempDirectory(dir, "chromium");
            Tools.Result r = Tools.run(120, "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--ignore-certificate-errors", "--dump-dom", url(proxy, "/protocol.html"));
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.out().contains("<span id=\"protocol\">[h2]</span>"), "the page said: " + r.out());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    // ---- openssl s_client: SNI, versions ------------------------------------------------------------------------

    @Test
    void sniChoosesAmongPemAndPkcs12CertificatesAndTheFirstIsTheDefault() throws Exception {
        Path certs = dir.resolve("sni");
        TestCertificates.Pair a = TestCertificates.selfSigned(certs, "a.test", TestCertificates.Key.SEC1_EC);
        TestCertificates.Pair b = TestCertificates.selfSigned(certs, "b.test", TestCertificates.Key.PKCS1_RSA);
        TestCertificates.Pair c = TestCertificates.selfSigned(certs, "c.test", TestCertificates.Key.PKCS8_EC);
        Path p12 = TestCertificates.pkcs12(c, "s3cret");
        ProxyServer proxy = proxy("""
                certificates = [
                  { certificate-chain = "%s", private-key = "%s" }
                  { certificate-chain = "%s", private-key = "%s" }
                  { pkcs12 = "%s", password = "s3cret" }
                ]""".formatted(a.certificate(), a.key(), b.certificate(), b.key(), p12));
        try {
            int port = proxy.address("secure").getPort();
            assertEquals("a.test", servedName(port, "a.test"));
            assertEquals("b.test", servedName(port, "b.test"));
            assertEquals("c.test", servedName(port, "c.test"));
            assertEquals("a.test", servedName(port, "unknown.test"), "no match: the first certificate");
            assertEquals("a.test", servedName(port, null), "no SNI: the first certificate");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void tlsOnePointOneIsRefusedAndOnePointTwoAccepted() throws Exception {
        ProxyServer proxy = proxy("self-signed = true");
        try {
            String address = "127.0.0.1:" + proxy.address("secure").getPort();
            // SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all, so the refusal below is the server's.
            Tools.Result old = Tools.run(30, "openssl", "s_client", "-connect", address, "-tls1_1", "-cipher",
                    "DEFAULT@SECLEVEL=0");
            assertNotEquals(0, old.exit(), old.out());
            assertTrue(old.stderr().contains("alert protocol version"), old.stderr());
            Tools.Result ok = Tools.run(30, "openssl", "s_client", "-connect", address, "-tls1_2", "-alpn", "h2");
            assertEquals(0, ok.exit(), ok.stderr());
            assertTrue(ok.out().contains("Protocol  : TLSv1.2"), ok.out());
            assertTrue(ok.out().contains("ALPN protocol: h2"), ok.out());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    // ---- mutual TLS -----------------------------------------------------------------------------------------

    @Test
    void requiredClientCertificatesRefuseClientsWithoutOneAndServeThoseWithOne() throws Exception {
        Path certs = dir.resolve("mtls");
        TestCertificates.Pair ca = TestCertificates.ca(certs, "client-ca");
        TestCertificates.Pair alice = TestCertificates.client(certs, "alice", ca);
        TestCertificates.Pair stranger = TestCertificates.client(certs, "stranger",
                TestCertificates.ca(certs, "other-ca"));
        ProxyServer proxy = proxy("self-signed = true, client-certificates = required, client-ca = \"%s\""
                .formatted(ca.certificate()));
        try {
            String url = url(proxy, "/");
            Tools.Result without = Tools.run(60, "curl", "-sS", "-k", "--http2", "--max-time", "30", url);
            assertNotEquals(0, without.exit(), "no client certificate: " + without.out());
            Tools.Result wrong = Tools.run(60, "curl", "-sS", "-k", "--http2", "--max-time", "30", "--cert",
                    stranger.certificate().toString(), "--key", stranger.key().toString(), url);
            assertNotEquals(0, wrong.exit(), "a certificate of another CA: " + wrong.out());
            Tools.Result with = Tools.run(60, "curl", "-sS", "-k", "--http2", "--max-time", "30", "--cert",
                    alice.certificate().toString(), "--key", alice.key().toString(), "-w", "%{http_version} %{http_code}",
                    url);
            assertEquals(0, with.exit(), with.stderr());
            assertEquals("h2relay origin\n2 200", with.out());

            // The same at the handshake, with openssl s_client (TLS 1.2: the refusal is part of the handshake).
            String address = "127.0.0.1:" + proxy.address("secure").getPort();
            Tools.Result refused = Tools.run(30, "openssl", "s_client", "-connect", address, "-tls1_2");
            assertNotEquals(0, refused.exit(), refused.out());
            assertTrue(refused.stderr().contains("alert"), refused.stderr());
            Tools.Result accepted = Tools.run(30, "openssl", "s_client", "-connect", address, "-tls1_2", "-cert",
                    alice.certificate().toString(), "-key", alice.key().toString());
            assertEquals(0, accepted.exit(), accepted.stderr());
            assertTrue(accepted.out().contains("Protocol  : TLSv1.2"), accepted.out());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void optionalClientCertificatesLetClientsWithoutOneIn() throws Exception {
        Path certs = dir.resolve("mtls-optional");
        TestCertificates.Pair ca = TestCertificates.ca(certs, "client-ca");
        TestCertificates.Pair bob = TestCertificates.client(certs, "bob", ca);
        ProxyServer proxy = proxy("self-signed = true, client-certificates = optional, client-ca = \"%s\""
                .formatted(ca.certificate()));
        try {
            String url = url(proxy, "/");
            Tools.Result without = Tools.run(60, "curl", "-sS", "-k", "--http2", "--max-time", "30", url);
            assertEquals(0, without.exit(), without.stderr());
            Tools.Result with = Tools.run(60, "curl", "-sS", "-k", "--http2", "--max-time", "30", "--cert",
                    bob.certificate().toString(), "--key", bob.key().toString(), url);
            assertEquals(0, with.exit(), with.stderr());
            assertEquals("h2relay origin\n", with.out());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    // ---- RFC 9113 §9.2.2 ------------------------------------------------------------------------------------

    @Test
    void aTls12ClientLeftWithABlocklistedSuiteGetsInadequateSecurity() throws Exception {
        ProxyServer proxy = proxy("self-signed = true");
        SSLContext context = TestCertificates.trusting(selfSignedCertificate());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                proxy.address("secure").getPort())) {
            socket.setSoTimeout(30_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.2"});
            // CBC: on RFC 9113 Appendix A; and only h2 offered, so the server cannot fall back to http/1.1.
            parameters.setCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertEquals("h2", socket.getApplicationProtocol());
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, empty
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte(); // flags
                in.readInt(); // stream
                byte[] payload = in.readNBytes(length);
                if (type == 7) { // GOAWAY
                    int code = (payload[4] & 0xff) << 24 | (payload[5] & 0xff) << 16 | (payload[6] & 0xff) << 8
                            | (payload[7] & 0xff);
                    assertEquals(0xc, code, "INADEQUATE_SECURITY");
                    String debug = new String(payload, 8, payload.length - 8, US_ASCII);
                    assertTrue(debug.contains("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"), debug);
                    break;
                }
            }
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aCertificateFileThatDoesNotLoadFailsTheStartNamingListenerAndFile() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("broken"));
        Path cert = Files.writeString(certs.resolve("cert.pem"), "not a certificate\n");
        Path key = Files.writeString(certs.resolve("key.pem"), "not a key\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> proxy("certificates = [{ certificate-chain = \"%s\", private-key = \"%s\" }]"
                        .formatted(cert, key)));
        assertTrue(e.getMessage().startsWith("listener secure: "), e.getMessage());
        assertTrue(e.getMessage().contains(cert.toString()), e.getMessage());
    }

    // ---- certificate reload ---------------------------------------------------------------------------------

    @Test
    void changedFilesReachNewConnectionsOpenOnesKeepTheirsAndABadFileIsIgnored() throws Exception {
        Path certs = dir.resolve("reload");
        TestCertificates.Pair one = TestCertificates.selfSigned(certs, "one.test", TestCertificates.Key.SEC1_EC);
        TestCertificates.Pair two = TestCertificates.selfSigned(certs, "two.test", TestCertificates.Key.PKCS8_EC);
        Path cert = Files.copy(one.certificate(), certs.resolve("live.pem"));
        Path key = Files.copy(one.key(), certs.resolve("live.key"));
        ProxyServer proxy = proxy("certificates = [{ certificate-chain = \"%s\", private-key = \"%s\" }], "
                .formatted(cert, key) + "reload-interval = 0");
        try {
            HttpClient open = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(TestCertificates.trusting(one.certificate(), two.certificate())).build();
            assertEquals("one.test", peerName(get(open, proxy)));

            Files.copy(two.key(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(two.certificate(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Map<String, CertificateStore.Reload> reload = reload(proxy);
            assertTrue(reload.get("secure").changed(), reload.toString());
            int port = proxy.address("secure").getPort();
            assertEquals("two.test", servedName(port, null), "a new connection gets the new certificate");
            assertEquals("one.test", peerName(get(open, proxy)), "the open connection goes on with its own");

            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
            reload = reload(proxy);
            assertEquals(1, reload.get("secure").errors().size(), reload.toString());
            assertEquals("two.test", servedName(port, null), "a broken file keeps the certificate in use");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static Map<String, CertificateStore.Reload> reload(ProxyServer proxy) throws Exception {
        return proxy.reloadCertificates().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(HttpClient client, ProxyServer proxy) throws IOException,
            InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url(proxy, "/"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        return r;
    }

    private static String peerName(HttpResponse<?> response) throws Exception {
        X509Certificate leaf = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        return leaf.getSubjectX500Principal().getName().replace("CN=", "");
    }

    /** The common name of the certificate the server presents to a handshake naming {@code sni} (null: none). */
    private static String servedName(int port, String sni) throws Exception {
        Tools.Result r = sni == null
                ? Tools.run(30, "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-noservername")
                : Tools.run(30, "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", sni);
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("subject=CN = ")) {
                return line.substring("subject=CN = ".length()).strip();
            }
        }
        throw new AssertionError("no certificate subject in: " + r.out() + r.stderr());
    }
}
