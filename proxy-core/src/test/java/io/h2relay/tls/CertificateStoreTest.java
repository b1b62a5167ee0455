package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates follow their files: new handshakes see new files, old sessions keep theirs;
 * bad files change nothing.
 */
class CertificateStoreTest {

    private static final TestPki.Issued FIRST = TestPki.leaf(TlsFixtures.CA, "first", TestPki.ecKeys(),
            List.of("localhost"));
    private static final TestPki.Issued SECOND = TestPki.leaf(TlsFixtures.CA, "second", TestPki.ecKeys(),
            List.of("localhost"));
    private static final TestPki.Issued THIRD = TestPki.leaf(TlsFixtures.CA, "third", TestPki.ecKeys(),
            List.of("localhost"));

    @TempDir
    Path directory;

    private Path certificateFile() {
        return directory.resolve("cert.pem");
    }

    private Path keyFile() {
        return directory.resolve("key.pem");
    }

    private void writeCertificate(TestPki.Issued issued) {
        TestPki.write(certificateFile(), TestPki.pem(issued.chain()));
    }

    private void writeKey(TestPki.Issued issued) {
        TestPki.write(keyFile(), TestPki.pkcs8(issued.key()));
    }

    private CertificateStore storeOf(TestPki.Issued issued) {
        writeCertificate(issued);
        writeKey(issued);
        return CertificateStore.load(List.of(CertificateStore.Source.pem(certificateFile(), keyFile())));
    }

    private static String subjectSeenBy(MemoryLink link) throws Exception {
        return ((X509Certificate) link.client.session().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    private MemoryLink handshake(ServerTls server) throws TlsException {
        return new MemoryLink(TlsFixtures.client(directory).newSession("localhost", 443), server.newSession(),
                MemoryLink.Split.RANDOM, 9).handshake();
    }

    @Test
    void newHandshakesSeeTheNewCertificateWhileAnEstablishedSessionKeepsWorking() throws Exception {
        CertificateStore store = storeOf(FIRST);
        ServerTls server = ServerTls.create(store.keyManager(), ServerTls.Settings.defaults());
        MemoryLink old = handshake(server);
        assertEquals("CN=first", subjectSeenBy(old));

        writeCertificate(SECOND);
        writeKey(SECOND);
        CertificateStore.Reload reload = store.reloadIfChanged();
        assertTrue(reload.changed());
        assertEquals(List.of(certificateFile() + " + " + keyFile()), reload.reloaded());
        assertEquals(List.of(), reload.errors());

        assertEquals("CN=second", subjectSeenBy(handshake(server)));
        old.clientWrites("still there?".getBytes(StandardCharsets.US_ASCII));
        old.serverWrites("yes".getBytes(StandardCharsets.US_ASCII));
        old.pump();
        assertEquals("still there?", old.serverReceived.toString(StandardCharsets.US_ASCII));
        assertEquals("yes", old.clientReceived.toString(StandardCharsets.US_ASCII));
        assertEquals("CN=first", subjectSeenBy(old));
    }

    @Test
    void aCorruptFileKeepsThePreviousCertificateAndIsReportedOnce() throws Exception {
        CertificateStore store = storeOf(FIRST);
        ServerTls server = ServerTls.create(store.keyManager(), ServerTls.Settings.defaults());
        TestPki.write(certificateFile(), "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
        CertificateStore.Reload broken = store.reloadIfChanged();
        assertFalse(broken.changed());
        assertEquals(1, broken.errors().size());
        assertTrue(broken.errors().get(0).contains("kept the previous certificate"), broken.errors().get(0));
        assertTrue(broken.errors().get(0).contains(certificateFile().toString()), broken.errors().get(0));
        assertEquals("CN=first", subjectSeenBy(handshake(server)));

        assertEquals(List.of(), store.reloadIfChanged().errors(), "the same bad file is reported once");

        writeCertificate(THIRD);
        writeKey(THIRD);
        assertTrue(store.reloadIfChanged().changed());
        assertEquals("CN=third", subjectSeenBy(handshake(server)));
    }

    @Test
    void aCertificateWrittenBeforeItsKeyWaitsForTheKey() throws Exception {
        CertificateStore store = storeOf(FIRST);
        writeCertificate(SECOND);
        CertificateStore.Reload halfway = store.reloadIfChanged();
        assertFalse(halfway.changed());
        assertTrue(halfway.errors().get(0).contains("does not match"), halfway.errors().get(0));
        assertEquals(FIRST.certificate(), store.certificates().get(0).leaf());
        writeKey(SECOND);
        assertTrue(store.reloadIfChanged().changed());
        assertEquals(SECOND.certificate(), store.certificates().get(0).leaf());
    }

    @Test
    void aDeletedFileIsAnErrorAndItsReturnReloads() throws Exception {
        CertificateStore store = storeOf(FIRST);
        Files.delete(keyFile());
        CertificateStore.Reload missing = store.reloadIfChanged();
        assertFalse(missing.changed());
        assertTrue(missing.errors().get(0).contains("cannot read the file"), missing.errors().get(0));
        writeKey(FIRST);
        CertificateStore.Reload back = store.reloadIfChanged();
        assertTrue(back.changed(), "the files are readable again");
        assertEquals(FIRST.certificate(), store.certificates().get(0).leaf());
    }

    @Test
    void untouchedOrMerelyTouchedFilesAreNoChange() throws Exception {
        CertificateStore store = storeOf(FIRST);
        assertEquals(new CertificateStore.Reload(List.of(), List.of(), List.of()), store.reloadIfChanged());
        Files.setLastModifiedTime(certificateFile(), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertFalse(store.reloadIfChanged().changed());
    }

    @Test
    void aRewriteWithTheSameSizeAndTimeIsSeen() throws Exception {
        // Text outside the PEM blocks is ignored, so padding gives both certificates the same file size.
        TestPki.write(certificateFile(), padded(TestPki.pem(FIRST.chain())));
        writeKey(FIRST);
        CertificateStore store = CertificateStore.load(List.of(CertificateStore.Source.pem(certificateFile(),
                keyFile())));
        FileTime time = Files.getLastModifiedTime(certificateFile());
        TestPki.write(certificateFile(), padded(TestPki.pem(SECOND.chain())));
        writeKey(SECOND);
        Files.setLastModifiedTime(certificateFile(), time);
        Files.setLastModifiedTime(keyFile(), time);
        assertEquals(4096, Files.size(certificateFile()));
        assertTrue(store.reloadIfChanged().changed(), "same size and time, different bytes");
        assertEquals(SECOND.certificate(), store.certificates().get(0).leaf());
    }

    private static String padded(String pem) {
        return pem + "#".repeat(4095 - pem.length()) + "\n";
    }

    @Test
    void severalSourcesReloadIndependentlyAndTheFirstStaysTheDefault() throws Exception {
        writeCertificate(FIRST);
        writeKey(FIRST);
        Path store12 = directory.resolve("site-a.p12");
        writePkcs12(store12, TlsFixtures.SITE_A);
        CertificateStore store = CertificateStore.load(List.of(CertificateStore.Source.pem(certificateFile(),
                keyFile()), CertificateStore.Source.pkcs12(store12, "pw".toCharArray(), null)));
        ServerTls server = ServerTls.create(store.keyManager(), ServerTls.Settings.defaults());
        assertEquals("CN=first", subjectSeenBy(handshake(server)));
        assertEquals(TlsFixtures.SITE_A.certificate(), store.keyManager().select("a.example.test", "EC").leaf());

        TestPki.Issued renewed = TestPki.leaf(TlsFixtures.CA, "site-a-renewed", TestPki.ecKeys(),
                List.of("a.example.test"));
        writePkcs12(store12, renewed);
        CertificateStore.Reload reload = store.reloadIfChanged();
        assertEquals(List.of(store12.toString()), reload.reloaded());
        assertEquals(renewed.certificate(), store.keyManager().select("a.example.test", "EC").leaf());
        assertEquals(FIRST.certificate(), store.keyManager().select(null, "EC").leaf());
    }

    @Test
    void anUnloadableSourceFailsTheInitialLoadNamingTheFile() {
        writeCertificate(FIRST);
        writeKey(SECOND);
        TlsConfigException error = assertThrows(TlsConfigException.class, () -> CertificateStore.load(
                List.of(CertificateStore.Source.pem(certificateFile(), keyFile()))));
        assertTrue(error.getMessage().startsWith(keyFile().toString()), error.getMessage());
        assertThrows(TlsConfigException.class, () -> CertificateStore.load(List.of()));
    }

    @Test
    void warningsOfTheCertificatesInUseAreListed() {
        TestPki.Issued expired = TestPki.leaf(TlsFixtures.CA, "expired", TestPki.ecKeys(), List.of("localhost"),
                java.time.Instant.now().minusSeconds(7200), java.time.Instant.now().minusSeconds(3600));
        CertificateStore store = storeOf(expired);
        assertEquals(1, store.warnings().size());
        assertTrue(store.warnings().get(0).contains("expired"), store.warnings().get(0));
    }

    private static void writePkcs12(Path file, TestPki.Issued issued) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("site", issued.key(), "pw".toCharArray(), issued.chain().toArray(new X509Certificate[0]));
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "pw".toCharArray());
        }
    }
}
