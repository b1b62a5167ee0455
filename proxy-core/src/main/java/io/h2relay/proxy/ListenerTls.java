package io.h2relay.proxy;

import io.h2relay.config.ListenerConfig;
import io.h2relay.config.TlsListenerConfig;
import io.h2relay.tls.CertificateStore;
import io.h2relay.tls.SelfSignedCertificate;
import io.h2relay.tls.ServerTls;
import io.h2relay.tls.TlsConfigException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The TLS of one listener: the certificates (a {@link CertificateStore}, which {@link CertificateReloader} keeps
 * following their files) and the {@link ServerTls} every accepted connection takes an engine from. Since the store's
 * key manager is the context's, a reload reaches new handshakes without a new context.
 */
record ListenerTls(String listener, CertificateStore store, ServerTls serverTls, Duration reloadInterval) {

    /**
     * Loads the certificates of a TLS listener (creating the self-signed one if asked and missing).
     *
     * @throws IllegalArgumentException naming the listener and the file, when a certificate cannot be loaded
     */
    static ListenerTls create(ListenerConfig listener, Path stateDirectory, Logger log) {
        TlsListenerConfig tls = listener.tls();
        try {
            List<CertificateStore.Source> sources = new ArrayList<>();
            if (tls.selfSigned()) {
                SelfSignedCertificate.Stored stored = SelfSignedCertificate.loadOrCreate(stateDirectory);
                log.info("listener {}: {} the self-signed certificate {} (for localhost, 127.0.0.1, ::1; clients must "
                        + "skip verification, e.g. curl -k)", listener.name(), stored.created() ? "created" : "using",
                        stored.certificateFile());
                sources.add(new CertificateStore.Source.PemFiles(stored.certificateFile(), stored.keyFile(), null));
            }
            for (TlsListenerConfig.Certificate c : tls.certificates()) {
                sources.add(source(c));
            }
            CertificateStore store = CertificateStore.load(sources);
            for (String warning : store.warnings()) {
                log.warn("listener {}: {}", listener.name(), warning);
            }
            ServerTls serverTls = ServerTls.create(store.keyManager(), new ServerTls.Settings(tls.protocols(),
                    tls.alpn(), tls.cipherSuites(), clientAuth(tls.clientCertificates()), tls.clientCa()));
            return new ListenerTls(listener.name(), store, serverTls, tls.reloadInterval());
        } catch (TlsConfigException | UncheckedIOException e) {
            throw new IllegalArgumentException("listener " + listener.name() + ": " + e.getMessage(), e);
        }
    }

    private static CertificateStore.Source source(TlsListenerConfig.Certificate c) {
        if (c instanceof TlsListenerConfig.Certificate.PemFiles pem) {
            return new CertificateStore.Source.PemFiles(pem.certificateChain(), pem.privateKey(),
                    chars(pem.password()));
        }
        TlsListenerConfig.Certificate.Pkcs12File p12 = (TlsListenerConfig.Certificate.Pkcs12File) c;
        return new CertificateStore.Source.Pkcs12File(p12.pkcs12(), chars(p12.password()), p12.alias());
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    private static ServerTls.ClientAuth clientAuth(TlsListenerConfig.ClientAuth auth) {
        return switch (auth) {
            case NONE -> ServerTls.ClientAuth.NONE;
            case OPTIONAL -> ServerTls.ClientAuth.WANT;
            case REQUIRED -> ServerTls.ClientAuth.NEED;
        };
    }
}
