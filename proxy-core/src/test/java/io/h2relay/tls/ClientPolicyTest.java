package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream client: trust sources, host name verification, SNI, ALPN offers; and client certificates. */
class ClientPolicyTest {

    @TempDir
    Path directory;

    private static MemoryLink connect(ClientTls client, String host, ServerTls server) throws TlsException {
        return new MemoryLink(client.newSession(host, 443), server.newSession(), MemoryLink.Split.WHOLE, 1);
    }

    @Test
    void aCaBundleTrustsItsCertificatesAndTheHostNameIsChecked() throws TlsException {
        ServerTls server = TlsFixtures.server(TlsFixtures.LOCALHOST);
        ClientTls client = TlsFixtures.client(directory);
        assertFalse(client.insecure());
        connect(client, "localhost", server).handshake();
        connect(client, "127.0.0.1", server).handshake();
        connect(client, "[::1]", server).handshake();
        MemoryLink wrongName = connect(client, "other.test", server);
        TlsException mismatch = assertThrows(TlsException.class, wrongName::pump);
        assertEquals(TlsException.Kind.HANDSHAKE_FAILED, mismatch.kind());
        assertTrue(mismatch.getMessage().contains("other.test"), mismatch.getMessage());
    }

    @Test
    void theSystemTrustStoreDoesNotTrustATestCa() throws TlsException {
        ClientTls client = ClientTls.create(ClientTls.Settings.defaults());
        TlsException untrusted = assertThrows(TlsException.class,
                () -> connect(client, "localhost", TlsFixtures.server(TlsFixtures.LOCALHOST)).pump());
        assertEquals(TlsException.Kind.HANDSHAKE_FAILED, untrusted.kind());
        assertTrue(untrusted.getMessage().contains("PKIX"), untrusted.getMessage());
    }

    @Test
    void theInsecureSwitchAcceptsAnyCertificateForAnyName() throws TlsException {
        ClientTls client = ClientTls.create(ClientTls.Settings.defaults().withTrust(ClientTls.Trust.insecure()));
        assertTrue(client.insecure());
        ServerTls selfSigned = TlsFixtures.server(TestPki.selfSigned("nobody", TestPki.ecKeys(), List.of("x.test")));
        MemoryLink link = connect(client, "completely.different.test", selfSigned).handshake();
        assertEquals("h2", link.client.applicationProtocol());
    }

    @Test
    void sniCarriesHostNamesButNeverAddresses() {
        ClientTls client = TlsFixtures.client(directory);
        assertEquals(List.of(new SNIHostName("backend.test")),
                client.newEngine("backend.test", 443).getSSLParameters().getServerNames());
        assertEquals(List.of(), client.newEngine("10.0.0.7", 443).getSSLParameters().getServerNames());
        assertEquals(List.of(), client.newEngine("[2001:db8::1]", 443).getSSLParameters().getServerNames());
        assertEquals(List.of(), client.newEngine("::1", 443).getSSLParameters().getServerNames());
        assertEquals(List.of(), ClientTls.serverNames("under_score.test"));
        SSLEngine engine = client.newEngine("backend.test", 8443);
        assertEquals("HTTPS", engine.getSSLParameters().getEndpointIdentificationAlgorithm());
        assertEquals(8443, engine.getPeerPort());
        assertTrue(engine.getUseClientMode());
    }

    @Test
    void theInsecureClientTurnsEndpointIdentificationOff() {
        ClientTls client = ClientTls.create(ClientTls.Settings.defaults().withTrust(ClientTls.Trust.insecure()));
        assertEquals(null, client.newEngine("backend.test", 443).getSSLParameters()
                .getEndpointIdentificationAlgorithm());
    }

    @Test
    void alpnOffersWhatIsConfiguredInOrder() throws TlsException {
        ServerTls server = TlsFixtures.server(TlsFixtures.LOCALHOST);
        Path ca = TlsFixtures.caBundle(directory, TlsFixtures.CA);
        ClientTls.Settings base = ClientTls.Settings.defaults().withTrust(ClientTls.Trust.caBundle(ca));
        assertEquals("h2", connect(ClientTls.create(base), "localhost", server).handshake().client
                .applicationProtocol());
        assertEquals("http/1.1", connect(ClientTls.create(base.withApplicationProtocols("http/1.1")), "localhost",
                server).handshake().server.applicationProtocol());
        assertEquals("h2", connect(ClientTls.create(base.withApplicationProtocols("h2")), "localhost", server)
                .handshake().server.applicationProtocol());
        assertEquals("", connect(ClientTls.create(base.withApplicationProtocols()), "localhost", server)
                .handshake().server.applicationProtocol());
    }

    @Test
    void aClientOfferingOnlyUnknownProtocolsGetsNoApplicationProtocol() throws TlsException {
        ClientTls client = ClientTls.create(ClientTls.Settings.defaults()
                .withTrust(ClientTls.Trust.caBundle(TlsFixtures.caBundle(directory, TlsFixtures.CA)))
                .withApplicationProtocols("spdy/3", "h2c"));
        MemoryLink link = connect(client, "localhost", TlsFixtures.server(TlsFixtures.LOCALHOST));
        TlsException refused = assertThrows(TlsException.class, link::pump);
        // RFC 7301 §3.2: the server answers with the no_application_protocol alert.
        TlsException seenByClient = refused.kind() == TlsException.Kind.PEER_ALERT ? refused
                : assertThrows(TlsException.class, () -> link.client.unwrap(link.server.takeOutput()));
        assertEquals("no_application_protocol", seenByClient.peerAlert().orElseThrow());
    }

    @Test
    void olderProtocolsCannotBeConfigured() {
        TlsConfigException client = assertThrows(TlsConfigException.class,
                () -> ClientTls.Settings.defaults().withProtocols("TLSv1.1"));
        assertTrue(client.getMessage().contains("TLSv1.1"));
        TlsConfigException server = assertThrows(TlsConfigException.class,
                () -> ServerTls.Settings.defaults().withProtocols("TLSv1.2", "TLSv1"));
        assertTrue(server.getMessage().contains("RFC 8996"), server.getMessage());
        String[] enabled = TlsFixtures.server(TlsFixtures.LOCALHOST).newEngine().getEnabledProtocols();
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(enabled));
    }

    @Test
    void requiredClientCertificatesFromTheTrustedCaAreAccepted() throws Exception {
        Path ca = TlsFixtures.caBundle(directory, TlsFixtures.CA);
        ServerTls server = TlsFixtures.server(List.of(TlsFixtures.LOCALHOST),
                ServerTls.Settings.defaults().withClientAuth(ServerTls.ClientAuth.NEED, ca));
        ClientTls client = ClientTls.create(ClientTls.Settings.defaults().withTrust(ClientTls.Trust.caBundle(ca))
                .withClientCertificate(TlsFixtures.CLIENT.material()));
        MemoryLink link = connect(client, "localhost", server).handshake();
        X509Certificate peer = (X509Certificate) link.server.session().getPeerCertificates()[0];
        assertEquals("CN=client-one", peer.getSubjectX500Principal().getName());
    }

    @Test
    void requiredClientCertificatesRefuseClientsWithoutOneOrFromAnotherCa() throws TlsException {
        Path ca = TlsFixtures.caBundle(directory, TlsFixtures.CA);
        ServerTls server = TlsFixtures.server(List.of(TlsFixtures.LOCALHOST),
                ServerTls.Settings.defaults().withClientAuth(ServerTls.ClientAuth.NEED, ca));
        ClientTls.Settings base = ClientTls.Settings.defaults().withTrust(ClientTls.Trust.caBundle(ca));
        for (KeyMaterial certificate : new KeyMaterial[] {null, TlsFixtures.STRANGER.material()}) {
            MemoryLink link = connect(ClientTls.create(base.withClientCertificate(certificate)), "localhost", server);
            TlsException refused = assertThrows(TlsException.class, link::pump);
            assertTrue(!link.server.handshakeComplete() || !link.client.handshakeComplete(), refused.getMessage());
            assertFalse(link.server.handshakeComplete(), "the server never accepts the connection");
        }
    }

    @Test
    void wantedClientCertificatesAreOptional() throws Exception {
        Path ca = TlsFixtures.caBundle(directory, TlsFixtures.CA);
        ServerTls server = TlsFixtures.server(List.of(TlsFixtures.LOCALHOST),
                ServerTls.Settings.defaults().withClientAuth(ServerTls.ClientAuth.WANT, ca));
        ClientTls.Settings base = ClientTls.Settings.defaults().withTrust(ClientTls.Trust.caBundle(ca));
        MemoryLink anonymous = connect(ClientTls.create(base), "localhost", server).handshake();
        assertThrows(SSLPeerUnverifiedException.class, () -> anonymous.server.session().getPeerCertificates());
        MemoryLink known = connect(ClientTls.create(base.withClientCertificate(TlsFixtures.CLIENT.material())),
                "localhost", server).handshake();
        assertEquals(TlsFixtures.CLIENT.certificate(), known.server.session().getPeerCertificates()[0]);
    }

    @Test
    void clientAuthenticationNeedsACaBundle() {
        assertThrows(TlsConfigException.class,
                () -> ServerTls.Settings.defaults().withClientAuth(ServerTls.ClientAuth.NEED, null));
        Path missing = directory.resolve("absent-ca.pem");
        TlsConfigException error = assertThrows(TlsConfigException.class, () -> TlsFixtures.server(
                List.of(TlsFixtures.LOCALHOST),
                ServerTls.Settings.defaults().withClientAuth(ServerTls.ClientAuth.WANT, missing)));
        assertTrue(error.getMessage().startsWith(missing.toString()), error.getMessage());
    }
}
