package io.h2relay.tls;

import java.nio.file.Path;

/**
 * TLS configuration that cannot be used: a certificate or key file that is missing, unreadable, not PEM, encrypted
 * without a password, or a key that does not belong to its certificate. The message names the file and says what is
 * wrong, so a start-up error or a failed reload can be shown as it is.
 */
public final class TlsConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    static TlsConfigException of(Path file, String problem) {
        return new TlsConfigException(file + ": " + problem);
    }

    static TlsConfigException of(Path file, String problem, Throwable cause) {
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new TlsConfigException(file + ": " + problem + " (" + detail + ")", cause);
    }
}
