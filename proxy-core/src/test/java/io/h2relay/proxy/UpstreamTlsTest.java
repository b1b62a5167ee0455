package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.origin.Tools;
import io.h2relay.tls.SelfSignedCertificate;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backends over TLS: nghttpd with TLS as an {@code h2://} (and {@code https://}) backend, nginx with TLS and no
 * HTTP/2 as an {@code https://} backend that ALPN settles on http/1.1; certificate verification against a CA file,
 * the system store, {@code insecure}, and {@code server-name}.
 */
class UpstreamTlsTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final byte[] FILE = new byte[4 << 20];
    private static Process nghttpd;
    private static int nghttpdPort;
    private static Nginx nginx;
    private static ProxyServer proxy;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        SelfSignedCertificate.Stored cert = SelfSignedCertificate.loadOrCreate(dir.resolve("pki"));
        Path docroot = Files.createDirectories(dir.resolve("docroot"));
        new Random(5).nextBytes(FILE);
        Files.write(docroot.resolve("file.bin"), FILE);
        Files.writeString(docroot.resolve("hello.txt"), "hello over h2\n");
        nghttpdPort = ProxyFixture.freePort();
        nghttpd = Tools.start("nghttpd", "--echo-upload", "-a", "127.0.0.1", "-d", docroot.toString(),
                Integer.toString(nghttpdPort), cert.keyFile().toString(), cert.certificateFile().toString());
        ProxyFixture.awaitListening(nghttpd, "nghttpd", nghttpdPort);
        nginx = new Nginx(dir.resolve("nginx"), " ssl", """
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        location = /who { return 200 "$ssl_protocol sni=$ssl_server_name $server_protocol\\n"; }
                """.formatted(cert.certificateFile(), cert.keyFile()));
        String ca = "tls.ca-file = \"" + cert.certificateFile() + "\"";
        proxy = ProxyFixture.proxy(KIT, """
                clusters {
                  h2 { endpoints = ["h2://127.0.0.1:%1$d"], %3$s }
                  https-h2 { endpoints = ["https://127.0.0.1:%1$d"], %3$s }
                  https-h1 { endpoints = ["https://localhost:%2$d"], %3$s }
                  h2-to-h1-only { endpoints = ["h2://127.0.0.1:%2$d"], %3$s }
                  untrusted { endpoints = ["h2://127.0.0.1:%1$d"] }
                  insecure { endpoints = ["h2://127.0.0.1:%1$d"], tls.insecure = true }
                  wrong-name { endpoints = ["h2://127.0.0.1:%1$d"], %3$s, tls.server-name = "other.example" }
                  named { endpoints = ["https://127.0.0.1:%2$d"], %3$s, tls.server-name = "localhost" }
                }
                routes {
                  h2 { path-prefix = "/h2", rewrite-prefix = "/", cluster = h2 }
                  https-h2 { path-prefix = "/https-h2", rewrite-prefix = "/", cluster = https-h2 }
                  https-h1 { path-prefix = "/https-h1", rewrite-prefix = "/", cluster = https-h1 }
                  h2-to-h1-only { path-prefix = "/h2-to-h1-only", rewrite-prefix = "/", cluster = h2-to-h1-only }
                  untrusted { path-prefix = "/untrusted", rewrite-prefix = "/", cluster = untrusted }
                  insecure { path-prefix = "/insecure", rewrite-prefix = "/", cluster = insecure }
                  wrong-name { path-prefix = "/wrong-name", rewrite-prefix = "/", cluster = wrong-name }
                  named { path-prefix = "/named", rewrite-prefix = "/", cluster = named }
                }
                """.formatted(nghttpdPort, nginx.port, ca));
    }

    @AfterAll
    static void stop() throws Exception {
        ProxyFixture.stop(proxy);
        nghttpd.destroy();
        nghttpd.waitFor(10, TimeUnit.SECONDS);
        nginx.close();
        KIT.shutdownTestKit();
    }

    @Test
    void nghttpdOverTlsServesAFileByteExact() throws Exception {
        Tools.Result r = ProxyFixture.curlOk(base(proxy) + "/h2/file.bin");
        assertEquals(Tools.sha256(FILE), Tools.sha256(r.stdout()));
    }

    @Test
    void nghttpdOverTlsEchoesAnUploadByteExact() throws Exception {
        byte[] upload = new byte[3 << 20];
        new Random(9).nextBytes(upload);
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            int id = client.request(H2TestClient.post("x", "/h2/echo"), false);
            client.send(id, upload, true);
            H2TestClient.Response r = client.response(id);
            assertEquals("200", r.status());
            assertEquals(Tools.sha256(upload), Tools.sha256(r.body()));
        }
    }

    @Test
    void httpsChoosesH2WhenTheBackendOffersIt() throws Exception {
        Tools.Result r = ProxyFixture.curlOk("-i", base(proxy) + "/https-h2/hello.txt");
        assertTrue(r.out().toLowerCase().contains("via: 2 "), r.out());
        assertTrue(r.out().endsWith("hello over h2\n"), r.out());
    }

    @Test
    void httpsFallsBackToHttp11WhenAlpnSaysSoAndSendsSni() throws Exception {
        for (int i = 0; i < 3; i++) {
            Tools.Result r = ProxyFixture.curlOk("-i", base(proxy) + "/https-h1/who");
            assertTrue(r.out().toLowerCase().contains("via: 1.1 "), r.out());
            assertTrue(r.out().endsWith("sni=localhost HTTP/1.1\n"), r.out());
        }
    }

    @Test
    void aConfiguredServerNameIsSentAndVerified() throws Exception {
        Tools.Result r = ProxyFixture.curlOk(base(proxy) + "/named/who");
        assertTrue(r.out().endsWith("sni=localhost HTTP/1.1\n"), r.out());
        assertEquals("502", ProxyFixture.status(base(proxy) + "/wrong-name/hello.txt"),
                "the certificate does not name other.example");
    }

    @Test
    void anH2EndpointThatCannotSpeakH2IsUnreachable() throws Exception {
        assertEquals("502", ProxyFixture.status(base(proxy) + "/h2-to-h1-only/who"));
    }

    @Test
    void aSelfSignedBackendIsRefusedUnlessTrustedOrInsecure() throws Exception {
        assertEquals("502", ProxyFixture.status(base(proxy) + "/untrusted/hello.txt"));
        assertEquals("200", ProxyFixture.status(base(proxy) + "/insecure/hello.txt"));
    }

    /** A self-signed EC client certificate (no EKU restriction, so OpenSSL accepts it for client auth), as PEM. */
    private static Path[] clientCertificate(Path into) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=proxy-client");
        java.time.Instant now = java.time.Instant.now();
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.valueOf(
                now.toEpochMilli()), java.util.Date.from(now.minusSeconds(3600)),
                java.util.Date.from(now.plusSeconds(86400)), name, pair.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
                new org.bouncycastle.asn1.x509.BasicConstraints(true));
        java.security.cert.X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(
                        "SHA256withECDSA").build(pair.getPrivate())));
        Path certFile = into.resolve("client-cert.pem");
        Path keyFile = into.resolve("client-key.pem");
        for (Object[] w : new Object[][] {{certFile, cert},
                {keyFile, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null)}}) {
            java.io.StringWriter text = new java.io.StringWriter();
            try (var pem = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
                pem.writeObject(w[1]);
            }
            Files.writeString((Path) w[0], text.toString());
        }
        return new Path[] {certFile, keyFile};
    }

    @Test
    void aClientCertificateIsPresentedWhenTheBackendAsksForIt() throws Exception {
        SelfSignedCertificate.Stored server = SelfSignedCertificate.loadOrCreate(dir.resolve("pki"));
        Path[] client = clientCertificate(Files.createDirectories(dir.resolve("client")));
        try (Nginx mtls = new Nginx(dir.resolve("nginx-mtls"), " ssl", """
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        ssl_client_certificate %s;
                        ssl_verify_client on;
                        location = /who { return 200 "verify=$ssl_client_verify dn=$ssl_client_s_dn\n"; }
                """.formatted(server.certificateFile(), server.keyFile(), client[0]))) {
            String ca = "tls.ca-file = \"" + server.certificateFile() + "\"";
            ProxyServer p = ProxyFixture.proxy(KIT, """
                    clusters {
                      with-cert { endpoints = ["https://127.0.0.1:%1$d"], %2$s
                                  tls { certificate-file = "%3$s", key-file = "%4$s" } }
                      without { endpoints = ["https://127.0.0.1:%1$d"], %2$s }
                    }
                    routes {
                      with-cert { path-prefix = "/with", rewrite-prefix = "/", cluster = with-cert }
                      without { path-prefix = "/without", rewrite-prefix = "/", cluster = without }
                    }
                    """.formatted(mtls.port, ca, client[0], client[1]));
            try {
                Tools.Result r = ProxyFixture.curlOk(base(p) + "/with/who");
                assertEquals("verify=SUCCESS dn=CN=proxy-client\n", r.out());
                assertEquals("400", ProxyFixture.status(base(p) + "/without/who"),
                        "nginx answers 400 when no required certificate was sent");
            } finally {
                ProxyFixture.stop(p);
            }
        }
    }

    @Test
    void anHttpsEndpointWithoutAlpnIsHttp11AndNewConnectionsRememberIt() throws Exception {
        SelfSignedCertificate.Stored cert = SelfSignedCertificate.loadOrCreate(dir.resolve("pki"));
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("k", cert.material().privateKey(), new char[0],
                cert.material().chain().toArray(new java.security.cert.Certificate[0]));
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        keys.init(store, new char[0]);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        // The JDK's HttpsServer answers no ALPN at all: HTTP/1.1.
        var server = com.sun.net.httpserver.HttpsServer.create(new java.net.InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0), 50);
        server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(context));
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        java.util.concurrent.CountDownLatch threeAtOnce = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/slow")) {
                threeAtOnce.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = (exchange.getProtocol() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        ProxyServer p = ProxyFixture.proxy(KIT, """
                clusters.jdk { endpoints = ["https://127.0.0.1:%d"], tls.ca-file = "%s",
                               max-connections-per-endpoint = 3 }
                routes.default.cluster = jdk
                """.formatted(server.getAddress().getPort(), cert.certificateFile()));
        try (H2TestClient client = new H2TestClient(p.address("main"))) {
            assertEquals("HTTP/1.1\n", ProxyFixture.curlOk(base(p) + "/first").out());
            // The endpoint spoke HTTP/1.1: each new connection takes one request, so three requests get three
            // connections at once instead of queueing behind a connection presumed to be HTTP/2.
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(client.request(H2TestClient.get("x", "/slow"), true));
            }
            assertTrue(threeAtOnce.await(20, TimeUnit.SECONDS), "three requests reached the backend together");
            release.countDown();
            for (int id : ids) {
                assertEquals("200", client.response(id).status());
            }
        } finally {
            release.countDown();
            ProxyFixture.stop(p);
            server.stop(0);
        }
    }
}
