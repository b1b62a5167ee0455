package io.h2relay.tls;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * A TLS connection that cannot go on, from {@link TlsSession}. Whatever the session still has to send — the fatal
 * alert the JDK queued, or a close_notify — is in {@link TlsSession#takeOutput()}: write it, then close the socket.
 * After {@link Kind#RENEGOTIATION_REFUSED} the session can still send (RFC 9113 §9.2.1 makes a renegotiation a
 * connection error of type PROTOCOL_ERROR, so an HTTP/2 connection sends its GOAWAY first) but reads no more.
 */
public final class TlsException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The JDK's wording for an alert it received ("Received fatal alert: handshake_failure"). */
    private static final Pattern RECEIVED_ALERT = Pattern.compile("Received fatal alert: ([a-z_0-9]+)");

    /** What went wrong. */
    public enum Kind {
        /** The handshake failed here: no common protocol, cipher suite or ALPN protocol, a certificate refused. */
        HANDSHAKE_FAILED,
        /** The peer sent a fatal alert; {@link #peerAlert()} names it. */
        PEER_ALERT,
        /** Bad or unexpected records after the handshake (a failed decryption, a protocol violation). */
        RECORD_ERROR,
        /** The peer tried to renegotiate a TLS 1.2 session; refused (RFC 9113 §9.2.1), nothing was processed. */
        RENEGOTIATION_REFUSED,
        /** The session was used after it closed or failed. */
        CLOSED
    }

    private final Kind kind;
    private final String peerAlert;

    TlsException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.peerAlert = null;
    }

    private TlsException(Kind kind, String message, Throwable cause, String peerAlert) {
        super(message, cause);
        this.kind = kind;
        this.peerAlert = peerAlert;
    }

    /** Classifies a JDK failure by when it happened and whether the peer's alert caused it. */
    static TlsException from(SSLException cause, boolean duringHandshake) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Matcher received = RECEIVED_ALERT.matcher(message);
        if (received.find()) {
            return new TlsException(Kind.PEER_ALERT, message, cause, received.group(1));
        }
        return new TlsException(duringHandshake ? Kind.HANDSHAKE_FAILED : Kind.RECORD_ERROR, message, cause, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The alert the peer sent (its RFC 8446 §6 name, e.g. "bad_certificate"), when that ended the session. */
    public Optional<String> peerAlert() {
        return Optional.ofNullable(peerAlert);
    }
}
