package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2relay.origin.Tools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for the TLS listener tests, made by the openssl command line (so the key formats are what users
 * bring: SEC1 EC, PKCS#1 RSA, PKCS#8, PKCS#12), each valid for its DNS name and 127.0.0.1.
 */
final class TestCertificates {

    /** A certificate file and its key file. */
    record Pair(Path certificate, Path key) {}

    private TestCertificates() {}

    /** Kinds of key file. */
    enum Key { SEC1_EC, PKCS1_RSA, PKCS8_EC }

    static Pair selfSigned(Path dir, String name, Key kind) throws Exception {
        Files.createDirectories(dir);
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        switch (kind) {
            case SEC1_EC -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
            case PKCS1_RSA -> openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
            case PKCS8_EC -> openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                    key.toString());
        }
        openssl("req", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=DNS:" + name + ",IP:127.0.0.1");
        return new Pair(cert, key);
    }

    /** A CA (certificate and key) to sign client certificates with. */
    static Pair ca(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name, "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        return new Pair(cert, key);
    }

    /** A client certificate signed by {@code ca}. */
    static Pair client(Path dir, String name, Pair ca) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path ext = Files.writeString(dir.resolve(name + ".ext"), "extendedKeyUsage=clientAuth\n");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                key.toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.certificate().toString(), "-CAkey",
                ca.key().toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile",
                ext.toString());
        return new Pair(cert, key);
    }

    /** The pair as a PKCS#12 keystore protected by {@code password}. */
    static Path pkcs12(Pair pair, String password) throws Exception {
        Path p12 = Path.of(pair.certificate().toString().replaceFirst("\\.pem$", ".p12"));
        openssl("pkcs12", "-export", "-in", pair.certificate().toString(), "-inkey", pair.key().toString(), "-out",
                p12.toString(), "-passout", "pass:" + password);
        return p12;
    }

    static String openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Tools.Result r = Tools.run(60, command);
        assertEquals(0, r.exit(), "openssl " + String.join(" ", args) + ": " + r.stderr());
        return r.out();
    }

    /** A client context trusting exactly the certificates in {@code files} (PEM). */
    static SSLContext trusting(Path... files) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        List<X509Certificate> all = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                all.add((X509Certificate) factory.generateCertificate(in));
            }
        }
        for (int i = 0; i < all.size(); i++) {
            store.setCertificateEntry("trusted-" + i, all.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
