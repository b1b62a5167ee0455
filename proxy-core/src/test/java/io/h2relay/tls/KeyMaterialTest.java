package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every key format loads, and every broken file gets an error that names it and says what is wrong. */
class KeyMaterialTest {

    private static final char[] PASSWORD = "s3cret".toCharArray();
    /** Only for writing encrypted test keys; the code under test brings its own instance. */
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final KeyPair EC = TestPki.ecKeys();
    private static final KeyPair RSA = TestPki.rsaKeys();
    private static final TestPki.Issued EC_LEAF = TestPki.leaf(TlsFixtures.CA, "ec-leaf", EC,
            List.of("EC.Example.Test", "www.ec.example.test"));
    private static final TestPki.Issued RSA_LEAF = TestPki.leaf(TlsFixtures.CA, "rsa-leaf", RSA,
            List.of("rsa.example.test"));

    @TempDir
    Path directory;

    private Path file(String name, String text) {
        return TestPki.write(directory.resolve(name), text);
    }

    private KeyMaterial load(TestPki.Issued leaf, Object keyObject, char[] password) {
        Path certificate = file("cert.pem", TestPki.pem(leaf.chain()));
        Path key = file("key.pem", TestPki.pem(keyObject));
        return KeyMaterial.fromPem(certificate, key, password);
    }

    @Test
    void loadsPkcs8EcAndRsaKeys() throws Exception {
        KeyMaterial ec = load(EC_LEAF, new JcaPKCS8Generator(EC.getPrivate(), null), null);
        assertEquals("EC", ec.keyType());
        assertEquals(EC_LEAF.certificate(), ec.leaf());
        assertEquals(2, ec.chain().size(), "leaf and CA as the file holds them");
        KeyMaterial rsa = load(RSA_LEAF, new JcaPKCS8Generator(RSA.getPrivate(), null), null);
        assertEquals("RSA", rsa.keyType());
        assertTrue(Files.readString(directory.resolve("key.pem")).contains("BEGIN PRIVATE KEY"));
    }

    @Test
    void loadsPkcs1RsaAndSec1EcKeys() throws Exception {
        KeyMaterial rsa = load(RSA_LEAF, RSA.getPrivate(), null);
        assertTrue(read("key.pem").contains("BEGIN RSA PRIVATE KEY"), "PKCS#1");
        assertEquals("RSA", rsa.keyType());
        KeyMaterial ec = load(EC_LEAF, sec1(EC), null);
        assertTrue(read("key.pem").contains("BEGIN EC PRIVATE KEY"), "SEC1");
        assertEquals(((java.security.interfaces.ECPrivateKey) EC.getPrivate()).getS(),
                ((java.security.interfaces.ECPrivateKey) ec.privateKey()).getS());
    }

    @Test
    void loadsEncryptedPkcs8AndLegacyEncryptedPemWithThePassword() throws Exception {
        KeyMaterial pkcs8 = load(EC_LEAF, new JcaPKCS8Generator(EC.getPrivate(),
                encryptor()),
                PASSWORD);
        assertTrue(read("key.pem").contains("BEGIN ENCRYPTED PRIVATE KEY"));
        assertEquals(EC.getPrivate(), pkcs8.privateKey());
        KeyMaterial legacy = load(RSA_LEAF, new JcaMiscPEMGenerator(RSA.getPrivate(),
                new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build(PASSWORD)), PASSWORD);
        assertTrue(read("key.pem").contains("Proc-Type: 4,ENCRYPTED"));
        assertEquals("RSA", legacy.keyType());
    }

    @Test
    void loadsACombinedFileHoldingKeyAndChain() throws Exception {
        Path combined = file("combined.pem", TestPki.pem(EC_LEAF.chain())
                + TestPki.pem(new JcaPKCS8Generator(EC.getPrivate(), null)));
        KeyMaterial material = KeyMaterial.fromPem(combined, combined, null);
        assertEquals(EC_LEAF.chain(), material.chain());
        assertEquals(combined.toString(), material.source());
    }

    @Test
    void loadsAPkcs12KeystoreByAliasOrFirstKeyEntry() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("a-trusted-ca", TlsFixtures.CA.certificate());
        store.setKeyEntry("site", RSA.getPrivate(), PASSWORD, RSA_LEAF.chain().toArray(new X509Certificate[0]));
        store.setKeyEntry("other", EC.getPrivate(), PASSWORD, EC_LEAF.chain().toArray(new X509Certificate[0]));
        Path file = directory.resolve("store.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }
        assertEquals(EC_LEAF.certificate(), KeyMaterial.fromPkcs12(file, PASSWORD, "other").leaf());
        KeyMaterial first = KeyMaterial.fromPkcs12(file, PASSWORD, null);
        assertTrue(first.keyType().equals("RSA") || first.keyType().equals("EC"));
        TlsConfigException wrong = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPkcs12(file, "nope".toCharArray(), null));
        assertTrue(wrong.getMessage().startsWith(file.toString()), wrong.getMessage());
        TlsConfigException missingAlias = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPkcs12(file, PASSWORD, "a-trusted-ca"));
        assertTrue(missingAlias.getMessage().contains("no private key"), missingAlias.getMessage());
    }

    /** Files written by the openssl command-line tool, the way users make them. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pkcs8-ec", "pkcs1-rsa", "sec1-ec-with-parameters", "encrypted-pkcs8", "pkcs12"})
    void loadsKeysWrittenByOpenssl(String kind) throws Exception {
        ExternalProgram.require("openssl", "openssl");
        Path key = directory.resolve("key.pem");
        switch (kind) {
            case "pkcs8-ec", "encrypted-pkcs8", "pkcs12" -> openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", key.toString());
            case "pkcs1-rsa" -> openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
            case "sec1-ec-with-parameters" -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-out",
                    key.toString());
            default -> throw new AssertionError(kind);
        }
        Path certificate = directory.resolve("cert.pem");
        openssl("req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=localhost", "-days", "2",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-out", certificate.toString());
        KeyMaterial material;
        if (kind.equals("encrypted-pkcs8")) {
            Path encrypted = directory.resolve("encrypted.pem");
            openssl("pkcs8", "-topk8", "-in", key.toString(), "-out", encrypted.toString(), "-v2", "aes-256-cbc",
                    "-passout", "pass:" + new String(PASSWORD));
            assertTrue(Files.readString(encrypted).contains("ENCRYPTED PRIVATE KEY"));
            material = KeyMaterial.fromPem(certificate, encrypted, PASSWORD);
        } else if (kind.equals("pkcs12")) {
            Path store = directory.resolve("store.p12");
            openssl("pkcs12", "-export", "-in", certificate.toString(), "-inkey", key.toString(), "-name", "site",
                    "-out", store.toString(), "-passout", "pass:" + new String(PASSWORD));
            material = KeyMaterial.fromPkcs12(store, PASSWORD, null);
        } else {
            String text = Files.readString(key);
            assertTrue(text.contains(switch (kind) {
                case "pkcs8-ec" -> "BEGIN PRIVATE KEY";
                case "pkcs1-rsa" -> "BEGIN RSA PRIVATE KEY";
                default -> "BEGIN EC PARAMETERS";
            }), text);
            material = KeyMaterial.fromPem(certificate, key, null);
        }
        assertEquals(List.of("localhost"), material.dnsNames());
        // Usable for a real handshake, not just parsed.
        MemoryLink link = new MemoryLink(ClientTls.create(ClientTls.Settings.defaults()
                .withTrust(ClientTls.Trust.insecure())).newSession("localhost", 443),
                ServerTls.create(SniKeyManager.of(List.of(material)), ServerTls.Settings.defaults()).newSession(),
                MemoryLink.Split.WHOLE, 1).handshake();
        assertEquals(material.leaf(), link.client.session().getPeerCertificates()[0]);
    }

    private void openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        ExternalProgram.Result result = ExternalProgram.run(command, directory);
        assertEquals(0, result.exitCode(), command + ": " + result.stderr());
    }

    @Test
    void aKeyFileWithoutAKeyIsNamedInTheError() {
        Path certificate = file("cert.pem", TestPki.pem(EC_LEAF.chain()));
        Path key = file("key.pem", TestPki.pem(EC_LEAF.chain()));
        TlsConfigException error = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPem(certificate, key, null));
        assertEquals(key + ": holds no PEM private key (\"-----BEGIN ... PRIVATE KEY-----\")", error.getMessage());
    }

    @Test
    void aCertificateFileWithoutACertificateIsNamedInTheError() throws Exception {
        Path certificate = file("cert.pem", TestPki.pem(new JcaPKCS8Generator(EC.getPrivate(), null)));
        Path key = file("key.pem", TestPki.pem(new JcaPKCS8Generator(EC.getPrivate(), null)));
        TlsConfigException error = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPem(certificate, key, null));
        assertTrue(error.getMessage().startsWith(certificate + ": holds no PEM certificate"), error.getMessage());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Path certificate = file("cert.pem", TestPki.pem(EC_LEAF.chain()));
        Path key = file("key.pem", TestPki.pem(new JcaPKCS8Generator(TestPki.ecKeys().getPrivate(), null)));
        TlsConfigException error = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPem(certificate, key, null));
        assertTrue(error.getMessage().startsWith(key + ": the private key does not match the certificate CN=ec-leaf"),
                error.getMessage());
        Path rsaKey = file("rsa.pem", TestPki.pem(RSA.getPrivate()));
        assertThrows(TlsConfigException.class, () -> KeyMaterial.fromPem(certificate, rsaKey, null));
    }

    @Test
    void anEncryptedKeyNeedsTheRightPassword() throws Exception {
        Object encrypted = new JcaPKCS8Generator(EC.getPrivate(),
                encryptor());
        TlsConfigException none = assertThrows(TlsConfigException.class, () -> load(EC_LEAF, encrypted, null));
        assertTrue(none.getMessage().endsWith("the private key is encrypted and no password was given"),
                none.getMessage());
        TlsConfigException wrong = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPem(directory.resolve("cert.pem"), directory.resolve("key.pem"),
                        "wrong".toCharArray()));
        assertTrue(wrong.getMessage().startsWith(directory.resolve("key.pem")
                + ": cannot decrypt the private key: wrong password?"), wrong.getMessage());
    }

    @Test
    void unreadableAndNonPemFilesAreNamed() throws Exception {
        Path missing = directory.resolve("missing.pem");
        TlsConfigException absent = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPem(missing, missing, null));
        assertTrue(absent.getMessage().startsWith(missing + ": cannot read the file"), absent.getMessage());
        Path der = directory.resolve("cert.der");
        Files.write(der, EC_LEAF.certificate().getEncoded());
        TlsConfigException binary = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPem(der, der, null));
        assertTrue(binary.getMessage().startsWith(der.toString()), binary.getMessage());
        Path broken = file("broken.pem",
                "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        TlsConfigException garbled = assertThrows(TlsConfigException.class,
                () -> KeyMaterial.fromPem(broken, broken, null));
        assertTrue(garbled.getMessage().startsWith(broken + ": "), garbled.getMessage());
    }

    @Test
    void anExpiredCertificateLoadsWithAWarning() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued expired = TestPki.leaf(TlsFixtures.CA, "old", EC, List.of("old.test"),
                now.minus(Duration.ofDays(20)), now.minus(Duration.ofDays(10)));
        KeyMaterial material = load(expired, new JcaPKCS8Generator(EC.getPrivate(), null), null);
        assertEquals(1, material.warnings().size(), material.warnings().toString());
        assertTrue(material.warnings().get(0).contains("certificate CN=old expired on"), material.warnings().get(0));
        assertTrue(material.warnings().get(0).startsWith(directory.resolve("cert.pem").toString()));
        TestPki.Issued future = TestPki.leaf(TlsFixtures.CA, "early", EC, List.of("early.test"),
                now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        assertTrue(load(future, new JcaPKCS8Generator(EC.getPrivate(), null), null).warnings().get(0)
                .contains("is not valid before"));
        assertEquals(List.of(), load(EC_LEAF, sec1(EC), null).warnings());
    }

    @Test
    void namesComeFromDnsAlternativeNamesElseTheCommonName() {
        assertEquals(List.of("ec.example.test", "www.ec.example.test"), EC_LEAF.material().dnsNames());
        assertEquals(List.of("localhost"), TlsFixtures.LOCALHOST.material().dnsNames(), "IP SANs are not names");
        TestPki.Issued bare = TestPki.leaf(TlsFixtures.CA, "Legacy.Example.Test", EC, List.of());
        assertEquals(List.of("legacy.example.test"), bare.material().dnsNames());
    }

    private static org.bouncycastle.operator.OutputEncryptor encryptor() throws Exception {
        return new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(BC).setPassword(PASSWORD)
                .build();
    }

    /** A SEC1 "EC PRIVATE KEY" with its curve and public key, as OpenSSL writes it. */
    private static PemObject sec1(KeyPair keys) throws IOException {
        SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        ECPrivateKey key = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS(),
                publicInfo.getPublicKeyData(), publicInfo.getAlgorithm().getParameters().toASN1Primitive());
        return new PemObject("EC PRIVATE KEY", key.getEncoded());
    }

    private String read(String name) {
        try {
            return Files.readString(directory.resolve(name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
