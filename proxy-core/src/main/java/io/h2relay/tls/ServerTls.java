package io.h2relay.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server side of TLS for a listener: one {@link SSLContext} and the policy every engine it makes follows.
 * TLS 1.2 and 1.3 only (RFC 8996 retired the rest; RFC 9113 §9.2); the server's cipher suite order, h2-safe suites
 * first ({@link H2Security#preferH2Suites}); ALPN chosen by the server's preference, "h2" before "http/1.1"
 * (RFC 7301 §3.2), except that a TLS 1.2 session on a suite HTTP/2 prohibits gets "http/1.1" when the client
 * offered it (RFC 9113 §9.2.2 names this way out); optional client certificates checked against a PEM CA bundle.
 *
 * <p>A client that offers ALPN but none of our protocols gets the no_application_protocol alert (RFC 7301 §3.2);
 * one that offers no ALPN at all gets {@link TlsSession#applicationProtocol()} "" (HTTP/1.1, or HTTP/2 when its
 * bytes start with the preface). Certificates come from the key manager, normally a {@link SniKeyManager} (often
 * the one of a {@link CertificateStore}).
 */
public final class ServerTls {

    public static final String H2 = "h2";
    public static final String HTTP_1_1 = "http/1.1";

    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    /** Whether, and how strictly, clients must present a certificate. */
    public enum ClientAuth {
        NONE,
        /** Asked for; a client without one still connects (the session then has no peer certificates). */
        WANT,
        /** Required; a client without a trusted one fails the handshake. */
        NEED
    }

    /**
     * @param protocols TLS versions, among "TLSv1.3" and "TLSv1.2"
     * @param applicationProtocols ALPN identifiers in the server's order of preference; empty: ALPN not used
     * @param cipherSuites JSSE suite names in order; empty: the JDK's enabled suites, h2-safe first
     * @param clientAuth whether to ask for client certificates
     * @param clientCaFile PEM bundle of the CAs whose client certificates are accepted; needed unless NONE
     */
    public record Settings(List<String> protocols, List<String> applicationProtocols, List<String> cipherSuites,
            ClientAuth clientAuth, Path clientCaFile) {

        public Settings {
            protocols = List.copyOf(protocols);
            applicationProtocols = List.copyOf(applicationProtocols);
            cipherSuites = List.copyOf(cipherSuites);
            Objects.requireNonNull(clientAuth, "clientAuth");
            if (protocols.isEmpty() || !ALLOWED_PROTOCOLS.containsAll(protocols)) {
                throw new TlsConfigException("TLS protocols must be among TLSv1.3 and TLSv1.2 (TLS 1.1 and older are "
                        + "retired by RFC 8996 and refused for HTTP/2 by RFC 9113 §9.2), got " + protocols);
            }
            if (clientAuth != ClientAuth.NONE && clientCaFile == null) {
                throw new TlsConfigException("client certificate verification (" + clientAuth
                        + ") needs a CA bundle file");
            }
        }

        /** TLS 1.3 and 1.2, ALPN h2 then http/1.1, the JDK's suites h2-safe first, no client certificates. */
        public static Settings defaults() {
            return new Settings(List.of("TLSv1.3", "TLSv1.2"), List.of(H2, HTTP_1_1), List.of(), ClientAuth.NONE,
                    null);
        }

        public Settings withProtocols(String... versions) {
            return new Settings(List.of(versions), applicationProtocols, cipherSuites, clientAuth, clientCaFile);
        }

        public Settings withApplicationProtocols(String... identifiers) {
            return new Settings(protocols, List.of(identifiers), cipherSuites, clientAuth, clientCaFile);
        }

        public Settings withCipherSuites(String... suites) {
            return new Settings(protocols, applicationProtocols, List.of(suites), clientAuth, clientCaFile);
        }

        public Settings withClientAuth(ClientAuth auth, Path caFile) {
            return new Settings(protocols, applicationProtocols, cipherSuites, auth, caFile);
        }
    }

    private final SSLContext context;
    private final Settings settings;
    private final String[] protocols;
    private final String[] cipherSuites;

    private ServerTls(SSLContext context, Settings settings, String[] protocols, String[] cipherSuites) {
        this.context = context;
        this.settings = settings;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
    }

    /**
     * Builds the context. {@code keyManager} picks certificates per handshake, e.g. {@link SniKeyManager#of} or
     * {@link CertificateStore#keyManager()}.
     *
     * @throws TlsConfigException a CA bundle that cannot be read, a cipher suite the JDK does not know
     */
    public static ServerTls create(X509ExtendedKeyManager keyManager, Settings settings) {
        Objects.requireNonNull(keyManager, "keyManager");
        TrustManager[] trust = settings.clientAuth() == ClientAuth.NONE ? null
                : new TrustManager[] {TrustManagers.caBundle(settings.clientCaFile())};
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, trust, null);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot create the server TLS context", e);
        }
        SSLEngine probe = context.createSSLEngine();
        probe.setUseClientMode(false);
        String[] suites = suites(settings.cipherSuites(), probe);
        return new ServerTls(context, settings, settings.protocols().toArray(new String[0]), suites);
    }

    /** The JDK context, for callers that need it (e.g. an SSLServerSocket in tests). */
    public SSLContext context() {
        return context;
    }

    public Settings settings() {
        return settings;
    }

    /** A server engine with the policy applied, for one connection. */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        parameters.setCipherSuites(cipherSuites);
        parameters.setUseCipherSuitesOrder(true);
        if (settings.clientAuth() == ClientAuth.NEED) {
            parameters.setNeedClientAuth(true);
        } else if (settings.clientAuth() == ClientAuth.WANT) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        if (!settings.applicationProtocols().isEmpty()) {
            engine.setHandshakeApplicationProtocolSelector(
                    (handshaking, offered) -> selectApplicationProtocol(handshaking.getHandshakeSession(), offered));
        }
        return engine;
    }

    /** A driver over {@link #newEngine()}. */
    public TlsSession newSession() throws TlsException {
        return new TlsSession(newEngine());
    }

    /**
     * The server-preference ALPN choice (RFC 7301 §3.2). The cipher suite is already chosen when the JDK asks
     * (it sets it before producing the ServerHello extensions), so h2 can be passed over for a prohibited TLS 1.2
     * suite when the client offered something else we speak. Null aborts the handshake (no_application_protocol).
     */
    String selectApplicationProtocol(SSLSession handshake, List<String> offered) {
        for (String protocol : settings.applicationProtocols()) {
            if (!offered.contains(protocol)) {
                continue;
            }
            if (protocol.equals(H2) && handshake != null && !H2Security.adequateForH2(handshake)
                    && offersAnotherOfOurs(offered)) {
                continue;
            }
            return protocol;
        }
        return null;
    }

    private boolean offersAnotherOfOurs(List<String> offered) {
        for (String protocol : settings.applicationProtocols()) {
            if (!protocol.equals(H2) && offered.contains(protocol)) {
                return true;
            }
        }
        return false;
    }

    static String[] suites(List<String> configured, SSLEngine probe) {
        if (configured.isEmpty()) {
            return H2Security.preferH2Suites(Arrays.asList(probe.getEnabledCipherSuites())).toArray(new String[0]);
        }
        List<String> supported = Arrays.asList(probe.getSupportedCipherSuites());
        for (String suite : configured) {
            if (!supported.contains(suite)) {
                throw new TlsConfigException("cipher suite " + suite + " is not supported by this JDK");
            }
        }
        return configured.toArray(new String[0]);
    }
}
