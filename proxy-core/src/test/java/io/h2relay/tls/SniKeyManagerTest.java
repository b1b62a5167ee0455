package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate choice by server name and key type, and alias resolution across a replacement. */
class SniKeyManagerTest {

    private static final TestPki.Issued RSA_SITE_A = TestPki.leaf(TlsFixtures.CA, "site-a-rsa", TestPki.rsaKeys(),
            List.of("a.example.test"));

    @TempDir
    Path directory;

    private final SniKeyManager manager = SniKeyManager.of(List.of(TlsFixtures.LOCALHOST.material(),
            TlsFixtures.SITE_A.material(), TlsFixtures.WILDCARD.material(), RSA_SITE_A.material(),
            TlsFixtures.RSA_LOCALHOST.material()));

    private String chosen(String serverName, String keyType) {
        KeyMaterial material = manager.select(serverName, keyType);
        return material == null ? null : material.leaf().getSubjectX500Principal().getName();
    }

    @Test
    void anExactNameWinsThenAWildcardThenTheDefault() {
        assertEquals("CN=site-a", chosen("a.example.test", "EC"));
        assertEquals("CN=wildcard", chosen("deep.wild.test", "EC"));
        assertEquals("CN=localhost", chosen("nobody.test", "EC"));
        assertEquals("CN=localhost", chosen(null, "EC"));
    }

    @Test
    void aWildcardCoversExactlyOneLabel() {
        assertEquals("CN=localhost", chosen("wild.test", "EC"));
        assertEquals("CN=localhost", chosen("a.b.wild.test", "EC"));
    }

    @Test
    void theKeyTypeChoosesAmongTheCertificatesOfOneName() {
        assertEquals("CN=site-a", chosen("a.example.test", "EC"));
        assertEquals("CN=site-a-rsa", chosen("a.example.test", "RSA"));
        // Without a name, the first configured certificate of the asked type.
        assertEquals("CN=site-a-rsa", chosen(null, "RSA"));
    }

    @Test
    void aNameWeHoldIsNeverAnsweredWithAnotherNamesCertificate() {
        SniKeyManager ecOnly = SniKeyManager.of(List.of(TlsFixtures.RSA_LOCALHOST.material(),
                TlsFixtures.SITE_A.material()));
        assertNull(ecOnly.select("a.example.test", "RSA"), "JSSE then tries another key type");
        assertEquals(TlsFixtures.SITE_A.certificate(), ecOnly.select("a.example.test", "EC").leaf());
        assertNull(ecOnly.select("a.example.test", "EdDSA"));
    }

    @Test
    void namesCompareWithoutCaseOrTrailingDot() {
        assertEquals("a.example.test", SniKeyManager.normalize("A.Example.TEST."));
        assertEquals("CN=site-a", chosen(SniKeyManager.normalize("A.EXAMPLE.test."), "EC"));
    }

    @Test
    void anAliasStillResolvesAfterTheSetIsReplaced() {
        String alias = manager.chooseEngineServerAlias("EC", null, null);
        X509Certificate[] before = manager.getCertificateChain(alias);
        manager.replace(List.of(TlsFixtures.SITE_A.material()));
        assertArrayEquals(before, manager.getCertificateChain(alias), "a handshake between choosing and reading");
        assertEquals(TlsFixtures.LOCALHOST.key(), manager.getPrivateKey(alias));
        String fresh = manager.chooseEngineServerAlias("EC", null, null);
        assertEquals(TlsFixtures.SITE_A.certificate(), manager.getCertificateChain(fresh)[0]);
        manager.replace(List.of(TlsFixtures.WILDCARD.material()));
        manager.replace(List.of(TlsFixtures.LOCALHOST.material()));
        assertNull(manager.getCertificateChain(alias), "two generations back is gone");
        assertNull(manager.getPrivateKey("not-an-alias"));
    }

    @Test
    void asAClientKeyManagerItOffersACertificateOfAnAcceptedIssuer() {
        SniKeyManager client = SniKeyManager.of(List.of(TlsFixtures.CLIENT.material()));
        String alias = client.chooseEngineClientAlias(new String[] {"RSA", "EC"},
                new java.security.Principal[] {TlsFixtures.CA.certificate().getSubjectX500Principal()}, null);
        assertEquals(TlsFixtures.CLIENT.certificate(), client.getCertificateChain(alias)[0]);
        assertNull(client.chooseEngineClientAlias(new String[] {"EC"},
                new java.security.Principal[] {TlsFixtures.OTHER_CA.certificate().getSubjectX500Principal()}, null));
        assertNull(client.chooseEngineClientAlias(new String[] {"RSA"}, null, null));
    }

    @Test
    void aRealHandshakePresentsTheCertificateForTheRequestedName() throws Exception {
        ServerTls server = TlsFixtures.server(List.of(TlsFixtures.LOCALHOST, TlsFixtures.SITE_A,
                TlsFixtures.WILDCARD), ServerTls.Settings.defaults());
        ClientTls client = TlsFixtures.client(directory);
        for (String[] expectation : new String[][] {{"a.example.test", "CN=site-a"}, {"x.wild.test", "CN=wildcard"},
            {"localhost", "CN=localhost"}, {"127.0.0.1", "CN=localhost"}}) {
            MemoryLink link = new MemoryLink(client.newSession(expectation[0], 443), server.newSession(),
                    MemoryLink.Split.WHOLE, 1).handshake();
            X509Certificate peer = (X509Certificate) link.client.session().getPeerCertificates()[0];
            assertEquals(expectation[1], peer.getSubjectX500Principal().getName(), expectation[0]);
        }
    }
}
