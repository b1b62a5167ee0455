package io.h2relay.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of TLS toward a backend: ALPN offering h2 then http/1.1 (or what is configured), SNI from the
 * host name (RFC 9113 §9.2 requires it for names; RFC 6066 §3 forbids it for IP addresses), the host name checked
 * against the certificate (endpoint identification "HTTPS", RFC 9110 §4.3.4), and trust in the system CAs, a PEM
 * CA bundle, or — the {@link Trust.Insecure} switch, for labs only — anyone. Callers log loudly when
 * {@link #insecure()}.
 */
public final class ClientTls {

    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Whom the client trusts. */
    public sealed interface Trust {

        /** The JDK's trust store. */
        record SystemDefault() implements Trust {
        }

        /** The CA certificates of one PEM file. */
        record CaBundle(Path file) implements Trust {
            public CaBundle {
                Objects.requireNonNull(file, "file");
            }
        }

        /** Every certificate, for any host name: no authentication at all. For labs. */
        record Insecure() implements Trust {
        }

        static Trust system() {
            return new SystemDefault();
        }

        static Trust caBundle(Path file) {
            return new CaBundle(file);
        }

        static Trust insecure() {
            return new Insecure();
        }
    }

    /**
     * @param trust whom to trust
     * @param applicationProtocols ALPN identifiers offered, in preference order; empty: no ALPN
     * @param protocols TLS versions, among "TLSv1.3" and "TLSv1.2"
     * @param clientCertificate presented when the server asks; null for none
     */
    public record Settings(Trust trust, List<String> applicationProtocols, List<String> protocols,
            KeyMaterial clientCertificate) {

        public Settings {
            Objects.requireNonNull(trust, "trust");
            applicationProtocols = List.copyOf(applicationProtocols);
            protocols = List.copyOf(protocols);
            if (protocols.isEmpty() || !ALLOWED_PROTOCOLS.containsAll(protocols)) {
                throw new TlsConfigException("TLS protocols must be among TLSv1.3 and TLSv1.2, got " + protocols);
            }
        }

        /** System trust, ALPN h2 then http/1.1, TLS 1.3 and 1.2, no client certificate. */
        public static Settings defaults() {
            return new Settings(Trust.system(), List.of(ServerTls.H2, ServerTls.HTTP_1_1),
                    List.of("TLSv1.3", "TLSv1.2"), null);
        }

        public Settings withTrust(Trust newTrust) {
            return new Settings(newTrust, applicationProtocols, protocols, clientCertificate);
        }

        public Settings withApplicationProtocols(String... identifiers) {
            return new Settings(trust, List.of(identifiers), protocols, clientCertificate);
        }

        public Settings withProtocols(String... versions) {
            return new Settings(trust, applicationProtocols, List.of(versions), clientCertificate);
        }

        public Settings withClientCertificate(KeyMaterial certificate) {
            return new Settings(trust, applicationProtocols, protocols, certificate);
        }
    }

    private final SSLContext context;
    private final Settings settings;
    private final String[] cipherSuites;

    private ClientTls(SSLContext context, Settings settings, String[] cipherSuites) {
        this.context = context;
        this.settings = settings;
        this.cipherSuites = cipherSuites;
    }

    /** @throws TlsConfigException a CA bundle that cannot be read, a trust store that cannot be opened */
    public static ClientTls create(Settings settings) {
        X509ExtendedTrustManager trust;
        if (settings.trust() instanceof Trust.CaBundle bundle) {
            trust = TrustManagers.caBundle(bundle.file());
        } else if (settings.trust() instanceof Trust.Insecure) {
            trust = TrustManagers.insecure();
        } else {
            trust = TrustManagers.system();
        }
        KeyManager[] keys = settings.clientCertificate() == null ? null
                : new KeyManager[] {SniKeyManager.of(List.of(settings.clientCertificate()))};
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(keys, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot create the client TLS context", e);
        }
        SSLEngine probe = context.createSSLEngine();
        probe.setUseClientMode(true);
        return new ClientTls(context, settings, ServerTls.suites(List.of(), probe));
    }

    public SSLContext context() {
        return context;
    }

    public Settings settings() {
        return settings;
    }

    /** Whether this client trusts everyone (no certificate or host name check). */
    public boolean insecure() {
        return settings.trust() instanceof Trust.Insecure;
    }

    /**
     * A client engine for {@code host} (a DNS name or an IP literal, IPv6 with or without brackets) and port: SNI
     * and host name verification set from it, ALPN offered.
     */
    public SSLEngine newEngine(String host, int port) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        SSLEngine engine = context.createSSLEngine(bare, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(settings.protocols().toArray(new String[0]));
        parameters.setCipherSuites(cipherSuites);
        if (!settings.applicationProtocols().isEmpty()) {
            parameters.setApplicationProtocols(settings.applicationProtocols().toArray(new String[0]));
        }
        parameters.setServerNames(serverNames(bare));
        if (!insecure()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** A driver over {@link #newEngine}; its ClientHello is ready in {@link TlsSession#takeOutput()}. */
    public TlsSession newSession(String host, int port) throws TlsException {
        return new TlsSession(newEngine(host, port));
    }

    /** SNI carries host names only (RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted"). */
    static List<SNIServerName> serverNames(String host) {
        if (host.contains(":") || IPV4.matcher(host).matches()) {
            return List.of();
        }
        try {
            return List.of(new SNIHostName(host));
        } catch (IllegalArgumentException e) {
            return List.of(); // not a valid DNS name (e.g. an underscore): send no SNI rather than fail
        }
    }
}
