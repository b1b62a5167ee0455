package io.h2relay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code tls} section of a listener ({@code h2relay.listeners.<name>.tls}): where its certificates come from and
 * the TLS policy. TLS is on ({@link #enabled()}) when the section names certificates or asks for the self-signed one;
 * a cleartext listener has the section with its defaults ({@link #OFF}). Components are named as the keys.
 *
 * @param certificates in order; the first is the default (no SNI, or no name matches); empty when self-signed
 * @param selfSigned use the certificate generated under {@code h2relay.state-directory}
 * @param protocols TLS versions, "TLSv1.3" and/or "TLSv1.2" (RFC 8996 retired the older ones)
 * @param alpn ALPN identifiers in the server's order of preference, among "h2" and "http/1.1"; may be empty
 * @param cipherSuites JSSE suite names in order; empty: the JDK's, those HTTP/2 may use first
 * @param clientCertificates whether clients must present a certificate
 * @param clientCa PEM bundle of the CAs whose client certificates are accepted; set unless {@link ClientAuth#NONE}
 * @param reloadInterval how often certificate files are checked for changes; {@link Duration#ZERO}: never
 */
public record TlsListenerConfig(List<Certificate> certificates, boolean selfSigned, List<String> protocols,
        List<String> alpn, List<String> cipherSuites, ClientAuth clientCertificates, Path clientCa,
        Duration reloadInterval) {

    /** The defaults of {@code reference.conf}: no TLS. */
    public static final TlsListenerConfig OFF = new TlsListenerConfig(List.of(), false, List.of("TLSv1.3", "TLSv1.2"),
            List.of("h2", "http/1.1"), List.of(), ClientAuth.NONE, null, Duration.ofSeconds(5));

    /** Where one certificate and its key come from. */
    public sealed interface Certificate {

        /** The files to watch for changes. */
        List<Path> files();

        /** A PEM certificate chain (leaf first) and a PEM key (PKCS#8, PKCS#1 RSA or SEC1 EC). */
        record PemFiles(Path certificateChain, Path privateKey, String password) implements Certificate {
            public PemFiles {
                Objects.requireNonNull(certificateChain, "certificateChain");
                Objects.requireNonNull(privateKey, "privateKey");
            }

            @Override
            public List<Path> files() {
                return certificateChain.equals(privateKey) ? List.of(certificateChain)
                        : List.of(certificateChain, privateKey);
            }
        }

        /** A PKCS#12 keystore; {@code alias} null for its first key entry. */
        record Pkcs12File(Path pkcs12, String password, String alias) implements Certificate {
            public Pkcs12File {
                Objects.requireNonNull(pkcs12, "pkcs12");
            }

            @Override
            public List<Path> files() {
                return List.of(pkcs12);
            }
        }
    }

    /** Client certificate verification (mutual TLS). */
    public enum ClientAuth {
        NONE("none"),
        /** Asked for; a client without one still connects. */
        OPTIONAL("optional"),
        /** A client without a certificate the CA bundle vouches for fails the handshake. */
        REQUIRED("required");

        private final String configName;

        ClientAuth(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    public TlsListenerConfig {
        certificates = List.copyOf(certificates);
        protocols = List.copyOf(protocols);
        alpn = List.copyOf(alpn);
        cipherSuites = List.copyOf(cipherSuites);
        Objects.requireNonNull(clientCertificates, "clientCertificates");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (selfSigned && !certificates.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener has either certificates or the self-signed one");
        }
        if (clientCertificates != ClientAuth.NONE && clientCa == null && (selfSigned || !certificates.isEmpty())) {
            throw new IllegalArgumentException("client certificate verification needs a CA bundle");
        }
    }

    /** Whether the listener speaks TLS. */
    public boolean enabled() {
        return selfSigned || !certificates.isEmpty();
    }
}
