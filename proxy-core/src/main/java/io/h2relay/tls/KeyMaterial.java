package io.h2relay.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * A private key and its certificate chain (leaf first), with where they came from and what looked wrong without
 * making them unusable (an expired or not yet valid certificate). The loaders check that the key belongs to the leaf
 * certificate; the constructor trusts its caller.
 *
 * @param privateKey the key of {@code chain.get(0)}
 * @param chain the leaf certificate followed by the intermediates the file holds, as given
 * @param source the file or files, for messages
 * @param warnings problems worth a log line: expired or not yet valid certificates
 */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain, String source, List<String> warnings) {

    private static final int SAN_DNS = 2;

    public KeyMaterial {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        Objects.requireNonNull(source, "source");
        warnings = List.copyOf(warnings);
    }

    /**
     * Loads a PEM certificate chain and its private key. {@code keyFile} may be the same file as
     * {@code certificateFile} (a combined PEM). The key may be PKCS#8, PKCS#1 RSA or SEC1 EC, and encrypted
     * (PKCS#8 or OpenSSL's legacy scheme) when {@code password} is given.
     *
     * @throws TlsConfigException naming the file: unreadable, not PEM, no certificate, no key, more than one key,
     *     wrong password, key not matching the first certificate
     */
    public static KeyMaterial fromPem(Path certificateFile, Path keyFile, char[] password) {
        return fromPem(certificateFile, Pem.read(certificateFile), keyFile, Pem.read(keyFile), password, Instant.now());
    }

    static KeyMaterial fromPem(Path certificateFile, byte[] certificateBytes, Path keyFile, byte[] keyBytes,
            char[] password, Instant now) {
        Pem.Contents certificates = Pem.parse(certificateFile, certificateBytes, password);
        Pem.Contents keys = certificateFile.equals(keyFile) ? certificates : Pem.parse(keyFile, keyBytes, password);
        if (certificates.certificates().isEmpty()) {
            throw TlsConfigException.of(certificateFile,
                    "holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")");
        }
        if (keys.keys().isEmpty()) {
            throw TlsConfigException.of(keyFile, "holds no PEM private key (\"-----BEGIN ... PRIVATE KEY-----\")");
        }
        if (keys.keys().size() > 1) {
            throw TlsConfigException.of(keyFile, "holds " + keys.keys().size() + " private keys; give one");
        }
        String source = certificateFile.equals(keyFile) ? certificateFile.toString()
                : certificateFile + " + " + keyFile;
        return checked(keys.keys().get(0), certificates.certificates(), source, keyFile, certificateFile, now);
    }

    /**
     * Loads a key entry from a PKCS#12 keystore: the entry named {@code alias}, or the first key entry when
     * {@code alias} is null. The store and the key share {@code password}.
     */
    public static KeyMaterial fromPkcs12(Path file, char[] password, String alias) {
        return fromPkcs12(file, Pem.read(file), password, alias, Instant.now());
    }

    static KeyMaterial fromPkcs12(Path file, byte[] bytes, char[] password, String alias, Instant now) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), password);
        } catch (IOException | GeneralSecurityException e) {
            throw TlsConfigException.of(file, "is not a PKCS#12 keystore, or the password is wrong", e);
        }
        try {
            String entry = alias != null ? alias : firstKeyEntry(store);
            if (entry == null) {
                throw TlsConfigException.of(file, "holds no private key entry");
            }
            Key key = store.getKey(entry, password);
            if (!(key instanceof PrivateKey privateKey)) {
                throw TlsConfigException.of(file, "has no private key under the alias \"" + entry + "\"");
            }
            Certificate[] chain = store.getCertificateChain(entry);
            if (chain == null || chain.length == 0) {
                throw TlsConfigException.of(file, "has no certificate chain under the alias \"" + entry + "\"");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : chain) {
                certificates.add((X509Certificate) certificate);
            }
            return checked(privateKey, certificates, file.toString(), file, file, now);
        } catch (GeneralSecurityException e) {
            throw TlsConfigException.of(file, "cannot read the key entry", e);
        }
    }

    /** The certificate this material presents. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * The host names the leaf certificate is for, lower case: its DNS subject alternative names, or when it has
     * none its subject common name (RFC 6125 §6.4.4). Wildcards ("*.example.com") stay as written.
     */
    public List<String> dnsNames() {
        return dnsNames(leaf());
    }

    /** The key type JSSE asks key managers for: "RSA", "EC", "RSASSA-PSS", "EdDSA", "DSA". */
    public String keyType() {
        return keyType(privateKey);
    }

    static String keyType(Key key) {
        String algorithm = key.getAlgorithm();
        return switch (algorithm) {
            case "Ed25519", "Ed448" -> "EdDSA";
            case "ECDSA" -> "EC";
            default -> algorithm;
        };
    }

    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (alternative.size() >= 2 && Integer.valueOf(SAN_DNS).equals(alternative.get(0))
                            && alternative.get(1) instanceof String name) {
                        names.add(name.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An undecodable extension names nothing; the common name may still.
        }
        if (names.isEmpty()) {
            X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
                names.add(IETFUtils.valueToString(rdn.getFirst().getValue()).toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(names);
    }

    private static String firstKeyEntry(KeyStore store) throws GeneralSecurityException {
        Enumeration<String> aliases = store.aliases();
        while (aliases.hasMoreElements()) {
            String alias = aliases.nextElement();
            if (store.isKeyEntry(alias)) {
                return alias;
            }
        }
        return null;
    }

    private static KeyMaterial checked(PrivateKey key, List<X509Certificate> chain, String source, Path keyFile,
            Path certificateFile, Instant now) {
        X509Certificate leaf = chain.get(0);
        if (!belongsTogether(key, leaf.getPublicKey())) {
            throw TlsConfigException.of(keyFile, "the private key does not match the certificate "
                    + leaf.getSubjectX500Principal().getName() + " (first in " + certificateFile + ")");
        }
        List<String> warnings = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            String subject = certificate.getSubjectX500Principal().getName();
            if (certificate.getNotAfter().toInstant().isBefore(now)) {
                warnings.add(certificateFile + ": certificate " + subject + " expired on "
                        + certificate.getNotAfter().toInstant());
            } else if (certificate.getNotBefore().toInstant().isAfter(now)) {
                warnings.add(certificateFile + ": certificate " + subject + " is not valid before "
                        + certificate.getNotBefore().toInstant());
            }
        }
        return new KeyMaterial(key, chain, source, warnings);
    }

    /**
     * Whether a private key is the partner of a public key: RSA moduli compared, other kinds by signing a probe
     * and verifying it, which works for every signature algorithm JSSE can use.
     */
    static boolean belongsTogether(PrivateKey privateKey, PublicKey publicKey) {
        if (privateKey instanceof RSAKey rsaPrivate) {
            return publicKey instanceof RSAKey rsaPublic && rsaPrivate.getModulus().equals(rsaPublic.getModulus());
        }
        String algorithm = switch (keyType(privateKey)) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null || !keyType(privateKey).equals(keyType(publicKey))) {
            return false;
        }
        try {
            byte[] probe = "h2relay key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
