package io.h2relay.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * PEM files through BouncyCastle's {@link PEMParser}: certificates, and private keys as PKCS#8 ("PRIVATE KEY"),
 * encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY"), PKCS#1 RSA ("RSA PRIVATE KEY"), SEC1 EC ("EC PRIVATE KEY", with or
 * without its "EC PARAMETERS" block) and the legacy OpenSSL encryption of the last two ("Proc-Type: 4,ENCRYPTED").
 * Keys become JDK keys, so JSSE uses them with its own providers; BouncyCastle's provider is only used, unregistered,
 * to decrypt.
 */
final class Pem {

    /** What one PEM file held, in file order. */
    record Contents(List<X509Certificate> certificates, List<PrivateKey> keys) {
    }

    private Pem() {
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw TlsConfigException.of(file, "cannot read the file", e);
        }
    }

    /**
     * Parses every block of a PEM file. Keys are decrypted with {@code password} when encrypted; blocks of other
     * kinds (CRLs, requests, public keys) are skipped.
     */
    static Contents parse(Path file, byte[] bytes, char[] password) {
        List<X509Certificate> certificates = new ArrayList<>();
        List<PrivateKey> keys = new ArrayList<>();
        JcaPEMKeyConverter keyConverter = new JcaPEMKeyConverter();
        JcaX509CertificateConverter certificateConverter = new JcaX509CertificateConverter();
        try (Reader reader = new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(certificateConverter.getCertificate(holder));
                } else if (item instanceof PrivateKeyInfo info) {
                    keys.add(keyConverter.getPrivateKey(info));
                } else if (item instanceof PEMKeyPair pair) {
                    // Only the private half: SEC1 makes the public key optional, and the JDK omits it.
                    keys.add(keyConverter.getPrivateKey(pair.getPrivateKeyInfo()));
                } else if (item instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    keys.add(keyConverter.getPrivateKey(decrypt(file, encrypted, password)));
                } else if (item instanceof PEMEncryptedKeyPair encrypted) {
                    keys.add(keyConverter.getPrivateKey(decrypt(file, encrypted, password).getPrivateKeyInfo()));
                } else if (item instanceof ASN1ObjectIdentifier || item instanceof X9ECParameters) {
                    // The "EC PARAMETERS" block `openssl ecparam -genkey` writes before the key: the key repeats it.
                    continue;
                }
            }
        } catch (TlsConfigException e) {
            throw e;
        } catch (CertificateException e) {
            throw TlsConfigException.of(file, "holds a certificate that cannot be decoded", e);
        } catch (IOException | RuntimeException e) {
            throw TlsConfigException.of(file, "is not a valid PEM file", e);
        }
        return new Contents(List.copyOf(certificates), List.copyOf(keys));
    }

    /** The certificates of a PEM CA bundle; fails when there are none. */
    static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certificates = parse(file, read(file), null).certificates();
        if (certificates.isEmpty()) {
            throw TlsConfigException.of(file, "holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")");
        }
        return certificates;
    }

    private static PrivateKeyInfo decrypt(Path file, PKCS8EncryptedPrivateKeyInfo encrypted, char[] password) {
        requirePassword(file, password);
        try {
            return encrypted.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(bouncyCastle()).build(password));
        } catch (PKCSException | OperatorCreationException e) {
            throw TlsConfigException.of(file, "cannot decrypt the private key: wrong password?", e);
        }
    }

    private static PEMKeyPair decrypt(Path file, PEMEncryptedKeyPair encrypted, char[] password) {
        requirePassword(file, password);
        try {
            return encrypted.decryptKeyPair(
                    new JcePEMDecryptorProviderBuilder().setProvider(bouncyCastle()).build(password));
        } catch (IOException e) {
            throw TlsConfigException.of(file, "cannot decrypt the private key: wrong password?", e);
        }
    }

    private static void requirePassword(Path file, char[] password) {
        if (password == null || password.length == 0) {
            throw TlsConfigException.of(file, "the private key is encrypted and no password was given");
        }
    }

    /** One unregistered provider instance, made on first use: registering it would change every JCA lookup. */
    private static Provider bouncyCastle() {
        return BouncyCastleHolder.PROVIDER;
    }

    private static final class BouncyCastleHolder {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }
}
