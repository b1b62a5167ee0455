package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default listener's certificate: made once under the state directory, reused, renewed when unusable. */
class SelfSignedCertificateTest {

    @TempDir
    Path directory;

    @Test
    void isCreatedOnFirstUseAndReusedAfter() throws Exception {
        Path state = directory.resolve("state/tls");
        SelfSignedCertificate.Stored first = SelfSignedCertificate.loadOrCreate(state);
        assertTrue(first.created());
        assertEquals(state.resolve("self-signed-cert.pem"), first.certificateFile());
        assertTrue(Files.readString(first.keyFile()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.keyFile())));

        SelfSignedCertificate.Stored again = SelfSignedCertificate.loadOrCreate(state);
        assertFalse(again.created());
        assertEquals(first.material().leaf(), again.material().leaf());
        try (var listing = Files.list(state)) {
            assertEquals(2, listing.count(), "no temporary files left behind");
        }
    }

    @Test
    void coversLocalhostAndBothLoopbackAddressesWithAnEcP256Key() throws Exception {
        X509Certificate certificate = SelfSignedCertificate.loadOrCreate(directory).material().leaf();
        List<String> names = new ArrayList<>();
        for (List<?> name : certificate.getSubjectAlternativeNames()) {
            names.add(name.get(0) + ":" + name.get(1));
        }
        assertEquals(List.of("2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1"), names);
        ECPublicKey key = (ECPublicKey) certificate.getPublicKey();
        assertEquals(256, key.getParams().getCurve().getField().getFieldSize());
        certificate.verify(certificate.getPublicKey()); // self-signed
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertTrue(certificate.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        Duration validity = Duration.between(certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
        assertTrue(validity.compareTo(Duration.ofDays(365)) >= 0, validity.toString());
    }

    @Test
    void brokenFilesAreReplaced() throws Exception {
        SelfSignedCertificate.Stored first = SelfSignedCertificate.loadOrCreate(directory);
        TestPki.write(first.keyFile(), TestPki.pkcs8(TestPki.ecKeys().getPrivate()));
        SelfSignedCertificate.Stored renewed = SelfSignedCertificate.loadOrCreate(directory);
        assertTrue(renewed.created(), "a key that does not match its certificate");
        assertNotEquals(first.material().leaf(), renewed.material().leaf());
        TestPki.write(renewed.certificateFile(), "not a certificate");
        assertTrue(SelfSignedCertificate.loadOrCreate(directory).created());
    }

    @Test
    void aCertificateAboutToExpireIsRenewed() {
        SelfSignedCertificate.Stored first = SelfSignedCertificate.loadOrCreate(directory);
        Instant nearTheEnd = first.material().leaf().getNotAfter().toInstant().minus(Duration.ofHours(2));
        SelfSignedCertificate.Stored renewed = SelfSignedCertificate.loadOrCreate(directory, nearTheEnd);
        assertTrue(renewed.created());
        Instant earlier = first.material().leaf().getNotAfter().toInstant().minus(Duration.ofDays(30));
        assertFalse(SelfSignedCertificate.loadOrCreate(directory, earlier).created());
    }

    @Test
    void servesTlsToALocalhostClientThatTrustsIt() throws Exception {
        SelfSignedCertificate.Stored stored = SelfSignedCertificate.loadOrCreate(directory);
        ServerTls server = ServerTls.create(CertificateStore.load(List.of(CertificateStore.Source.pem(
                stored.certificateFile(), stored.keyFile()))).keyManager(), ServerTls.Settings.defaults());
        // Trusting the certificate itself, with host name checks on, for each name it covers.
        ClientTls client = ClientTls.create(ClientTls.Settings.defaults()
                .withTrust(ClientTls.Trust.caBundle(stored.certificateFile())));
        for (String host : List.of("localhost", "127.0.0.1", "::1")) {
            MemoryLink link = new MemoryLink(client.newSession(host, 8443), server.newSession(),
                    MemoryLink.Split.WHOLE, 1).handshake();
            assertEquals("h2", link.server.applicationProtocol(), host);
        }
    }
}
