package io.h2relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.TlsListenerConfig.Certificate;
import io.h2relay.config.TlsListenerConfig.ClientAuth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} section of listeners: what it turns on, its defaults, and errors named by line and key. */
class TlsListenerConfigTest {

    @TempDir
    Path dir;

    private ListenerConfig listener(String hocon) {
        return ConfigLoader.parse("h2relay.listeners.secure { address = \"127.0.0.1:0\"\n" + hocon + "\n}", "t.conf")
                .listener("secure").orElseThrow();
    }

    private String problem(String hocon) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> listener(hocon));
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().get(0).toString();
    }

    private String file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "x").toString();
    }

    @Test
    void aListenerWithoutCertificatesIsCleartextWithTheDefaults() {
        assertFalse(listener("").tls().enabled());
        assertEquals(TlsListenerConfig.OFF, listener("").tls());
    }

    @Test
    void selfSignedUsesTheStateDirectoryAndTheDefaults() {
        ProxyConfig config = ConfigLoader.parse("""
                h2relay.state-directory = "%s"
                h2relay.listeners.tls { address = "127.0.0.1:0", tls.self-signed = true }
                """.formatted(dir), "t.conf");
        TlsListenerConfig tls = config.listener("tls").orElseThrow().tls();
        assertTrue(tls.selfSigned() && tls.enabled());
        assertEquals(dir, config.stateDirectory());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.protocols());
        assertEquals(List.of("h2", "http/1.1"), tls.alpn());
        assertEquals(ClientAuth.NONE, tls.clientCertificates());
        assertEquals(Duration.ofSeconds(5), tls.reloadInterval());
    }

    @Test
    void theStateDirectoryFollowsXdgStateHomeThenTheHomeDirectory() {
        Section root = new Section(com.typesafe.config.ConfigFactory.empty().root(), null, "h2relay");
        assertEquals(Path.of("/var/state/h2relay"),
                TlsSectionParser.stateDirectory(root, Map.of("XDG_STATE_HOME", "/var/state")));
        assertEquals(Path.of(System.getProperty("user.home"), ".local/state/h2relay"),
                TlsSectionParser.stateDirectory(root, Map.of()));
    }

    @Test
    void readsPemAndPkcs12CertificatesInOrderWithMutualTls() throws IOException {
        String cert = file("a.pem");
        String key = file("a.key");
        String p12 = file("b.p12");
        String ca = file("ca.pem");
        TlsListenerConfig tls = listener("""
                tls {
                  certificates = [
                    { certificate-chain = "%s", private-key = "%s" }
                    { pkcs12 = "%s", password = 1234, alias = site-b }
                  ]
                  protocols = ["TLSv1.3"]
                  alpn = ["http/1.1"]
                  client-certificates = required
                  client-ca = "%s"
                  reload-interval = 0
                }
                """.formatted(cert, key, p12, ca)).tls();
        assertEquals(List.of(new Certificate.PemFiles(Path.of(cert), Path.of(key), null),
                new Certificate.Pkcs12File(Path.of(p12), "1234", "site-b")), tls.certificates());
        assertEquals(List.of("TLSv1.3"), tls.protocols());
        assertEquals(List.of("http/1.1"), tls.alpn());
        assertEquals(ClientAuth.REQUIRED, tls.clientCertificates());
        assertEquals(Path.of(ca), tls.clientCa());
        assertEquals(Duration.ZERO, tls.reloadInterval());
    }

    @Test
    void aMissingCertificateFileIsNamedAtItsLine() {
        String p = problem("tls.certificates = [{ certificate-chain = \"/nonexistent/c.pem\", private-key = \"k\" }]");
        assertTrue(p.startsWith("t.conf:2: h2relay.listeners.secure.tls.certificates[0].certificate-chain: no such "
                + "file: /nonexistent/c.pem"), p);
    }

    @Test
    void tlsOnePointOneIsRefusedWithTheReason() throws IOException {
        String p = problem("tls { self-signed = true, protocols = [\"TLSv1.3\", \"TLSv1.1\"] }");
        assertTrue(p.startsWith("t.conf:2: h2relay.listeners.secure.tls.protocols[1]: TLSv1.1 is refused"), p);
        assertTrue(p.contains("RFC 8996"), p);
    }

    @Test
    void anUnknownKeyInACertificateIsNamed() throws IOException {
        String p = problem("tls.certificates = [{ certificate-chain = \"%s\", key = \"k\" }]".formatted(file("c")));
        assertTrue(p.contains("h2relay.listeners.secure.tls.certificates[0].key: unknown key 'key'"), p);
    }

    @Test
    void requiredClientCertificatesNeedACaBundle() {
        String p = problem("tls { self-signed = true, client-certificates = required }");
        assertTrue(p.contains("tls.client-certificates: client certificates 'required' need client-ca"), p);
    }

    @Test
    void certificatesAndSelfSignedExcludeEachOther() throws IOException {
        String p = problem("tls { self-signed = true, certificates = [{ pkcs12 = \"%s\" }] }".formatted(file("p")));
        assertTrue(p.contains("tls.self-signed: either certificates or self-signed = true, not both"), p);
    }

    @Test
    void unknownAlpnAndClientAuthValuesAreErrors() {
        assertTrue(problem("tls { self-signed = true, alpn = [spdy] }").contains("unknown ALPN protocol 'spdy'"));
        assertTrue(problem("tls { self-signed = true, client-certificates = maybe }")
                .contains("expected none, optional or required, got 'maybe'"));
    }
}
