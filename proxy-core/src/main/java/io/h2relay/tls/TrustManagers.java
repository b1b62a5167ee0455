package io.h2relay.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The three ways h2relay decides whom to trust: the JDK's trust store, a PEM CA bundle, or everyone. */
final class TrustManagers {

    private TrustManagers() {
    }

    /** The JDK's default trust store (the system CAs on Debian's OpenJDK). */
    static X509ExtendedTrustManager system() {
        try {
            return pkix(null);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot open the system trust store", e);
        }
    }

    /** Trusts the CA certificates of a PEM bundle, and nothing else. */
    static X509ExtendedTrustManager caBundle(Path file) {
        List<X509Certificate> authorities = Pem.readCertificates(file);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            return pkix(store);
        } catch (IOException | GeneralSecurityException e) {
            throw TlsConfigException.of(file, "cannot make a trust store of its certificates", e);
        }
    }

    private static X509ExtendedTrustManager pkix(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("the PKIX trust manager factory made no X509ExtendedTrustManager");
    }

    /**
     * Accepts every certificate chain. Extended, so the JDK does not wrap it in its own endpoint checks; callers also
     * turn endpoint identification off.
     */
    static X509ExtendedTrustManager insecure() {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}
