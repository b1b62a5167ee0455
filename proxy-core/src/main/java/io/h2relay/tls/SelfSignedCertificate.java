package io.h2relay.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate the default 8443 listener uses on a fresh machine: EC P-256, self-signed, for "localhost",
 * 127.0.0.1 and ::1, valid a year. Created on first use as two PEM files in a state directory (the key readable by
 * its owner only) and reused on later runs; made again when the files are missing, unreadable, mismatched or
 * within a day of expiring. Clients must skip verification for it ({@code curl -k}).
 */
public final class SelfSignedCertificate {

    public static final String CERTIFICATE_FILE = "self-signed-cert.pem";
    public static final String KEY_FILE = "self-signed-key.pem";

    static final Duration VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);

    /**
     * @param certificateFile the PEM certificate
     * @param keyFile the PEM (PKCS#8) private key
     * @param material both, loaded
     * @param created whether this call made them (else they were reused)
     */
    public record Stored(Path certificateFile, Path keyFile, KeyMaterial material, boolean created) {
    }

    private SelfSignedCertificate() {
    }

    /**
     * Reuses the certificate under {@code stateDirectory}, or creates it (and the directory).
     *
     * @throws UncheckedIOException when the directory or the files cannot be written
     */
    public static Stored loadOrCreate(Path stateDirectory) {
        return loadOrCreate(stateDirectory, Instant.now());
    }

    static Stored loadOrCreate(Path stateDirectory, Instant now) {
        Path certificateFile = stateDirectory.resolve(CERTIFICATE_FILE);
        Path keyFile = stateDirectory.resolve(KEY_FILE);
        if (Files.exists(certificateFile) && Files.exists(keyFile)) {
            try {
                KeyMaterial existing = KeyMaterial.fromPem(certificateFile, keyFile, null);
                if (existing.leaf().getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE))) {
                    return new Stored(certificateFile, keyFile, existing, false);
                }
            } catch (TlsConfigException e) {
                // Broken or mismatched files: make new ones below.
            }
        }
        KeyMaterial material = generate(now, VALIDITY);
        try {
            Files.createDirectories(stateDirectory);
            writeAtomically(keyFile, pem(new JcaPKCS8Generator(material.privateKey(), null)), true);
            writeAtomically(certificateFile, pem(material.leaf()), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the self-signed certificate to " + stateDirectory, e);
        }
        return new Stored(certificateFile, keyFile, material, true);
    }

    /** A fresh EC P-256 key and a self-signed certificate for localhost, 127.0.0.1 and ::1. */
    static KeyMaterial generate(Instant now, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=localhost, O=h2relay self-signed");
            // A positive 64-bit random serial (RFC 5280 §4.1.2.2: unique per issuer, at most 20 octets).
            BigInteger serial = new BigInteger(64, new SecureRandom()).setBit(62);
            // Backdated an hour so a client with a clock slightly behind still accepts it.
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), name, pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")}));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new KeyMaterial(pair.getPrivate(), List.of(certificate), "self-signed (generated)", List.of());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate", e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    private static void writeAtomically(Path file, String content, boolean secret) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temporary = secret && posix
                ? Files.createTempFile(directory, ".h2relay-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".h2relay-", ".tmp");
        try {
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
