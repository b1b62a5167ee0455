package io.h2relay.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test certificates made at test time with BouncyCastle: a CA and leaf certificates it signs. */
final class TestPki {

    private static final AtomicLong SERIALS = new AtomicLong(1000);

    /** A key pair and its certificate (with the issuing chain after it). */
    record Issued(PrivateKey key, List<X509Certificate> chain) {
        KeyMaterial material() {
            return new KeyMaterial(key, chain, "test", List.of());
        }

        X509Certificate certificate() {
            return chain.get(0);
        }
    }

    private TestPki() {
    }

    static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA certificate. */
    static Issued ca(String commonName) {
        KeyPair keys = ecKeys();
        X509Certificate certificate = build("CN=" + commonName, keys, "CN=" + commonName, keys.getPrivate(), true,
                List.of(), Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)));
        return new Issued(keys.getPrivate(), List.of(certificate));
    }

    /** A leaf for {@code dnsNames} (entries that parse as IPv4/IPv6 become IP SANs) signed by {@code ca}. */
    static Issued leaf(Issued ca, String commonName, KeyPair keys, List<String> dnsNames) {
        return leaf(ca, commonName, keys, dnsNames, Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(30)));
    }

    static Issued leaf(Issued ca, String commonName, KeyPair keys, List<String> dnsNames, Instant notBefore,
            Instant notAfter) {
        X509Certificate certificate = build("CN=" + commonName, keys,
                ca.certificate().getSubjectX500Principal().getName(), ca.key(), false, dnsNames, notBefore, notAfter);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(ca.chain());
        return new Issued(keys.getPrivate(), chain);
    }

    /** A self-signed leaf (its own issuer). */
    static Issued selfSigned(String commonName, KeyPair keys, List<String> dnsNames) {
        X509Certificate certificate = build("CN=" + commonName, keys, "CN=" + commonName, keys.getPrivate(), false,
                dnsNames, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)));
        return new Issued(keys.getPrivate(), List.of(certificate));
    }

    private static X509Certificate build(String subject, KeyPair keys, String issuer, PrivateKey issuerKey,
            boolean ca, List<String> names, Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Name(subject), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, ca
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (!names.isEmpty()) {
                List<GeneralName> general = new ArrayList<>();
                for (String name : names) {
                    boolean ip = name.contains(":") || name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
                    general.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(general.toArray(new GeneralName[0])));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text of any object BouncyCastle's PEM writer takes (certificates, keys, PEM generators). */
    static String pem(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** A private key as unencrypted PKCS#8 PEM ("PRIVATE KEY"). */
    static String pkcs8(PrivateKey key) {
        try {
            return pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(List<X509Certificate> chain) {
        return pem(chain.toArray());
    }

    static Path write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
