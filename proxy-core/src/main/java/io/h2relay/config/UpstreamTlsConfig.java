package io.h2relay.config;

import java.nio.file.Path;

/**
 * How a cluster's {@code h2://} and {@code https://} endpoints are spoken to over TLS ({@code h2relay.clusters.<name>.tls}).
 *
 * @param caFile PEM file of the CA certificates to trust; null: the JDK's trust store
 * @param serverName the name sent in SNI and checked against the certificate; null: each endpoint's host
 * @param insecure trust every certificate for any name (labs only; logged loudly)
 * @param certificateFile PEM certificate chain presented when the backend asks for one (mTLS); null: none
 * @param keyFile the PEM private key of {@code certificateFile}
 */
public record UpstreamTlsConfig(Path caFile, String serverName, boolean insecure, Path certificateFile,
        Path keyFile) {

    /** System trust, SNI from the endpoint, no client certificate. */
    public static final UpstreamTlsConfig DEFAULT = new UpstreamTlsConfig(null, null, false, null, null);

    public UpstreamTlsConfig {
        if ((certificateFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs both certificate-file and key-file");
        }
        if (insecure && caFile != null) {
            throw new IllegalArgumentException("insecure trusts everyone: it excludes ca-file");
        }
    }

    /** The name for SNI and the certificate check toward {@code endpoint}. */
    public String serverNameFor(Endpoint endpoint) {
        return serverName != null ? serverName : endpoint.host();
    }
}
