package io.h2relay.engine;

import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * HTTP/2 field-block rules, inbound and outbound: RFC 9113 §8.2 (field names and values, connection-specific
 * fields, cookies), §8.3 (pseudo-headers, :authority vs host, :path), §8.4 (promised requests), §8.5 and RFC 8441
 * (CONNECT and extended CONNECT), §8.6 (no 101), RFC 9110 §8.6 (content-length).
 *
 * <p>Where this is stricter than python h2: outbound blocks get the same character checks as inbound ones (a proxy
 * must never forward CR, LF or NUL); :method, :scheme, :path, :authority, host and :status values are checked
 * against their grammars; 101 is refused; promised requests must be GET or HEAD with :authority; :protocol needs
 * SETTINGS_ENABLE_CONNECT_PROTOCOL in both directions. Where it is more forgiving on the way out: te is reduced to
 * "trailers" or dropped instead of refused, and fields the connection field names are dropped with it.
 *
 * <p>Stateless apart from its options, so one instance may serve any number of connections. Blocks are scanned once;
 * when nothing needs rewriting the caller's list comes back as is and no field is copied. Lists should be
 * {@link RandomAccess} (others are copied first); neither the list nor its elements may be null.
 */
public final class HeaderRules {

    private final HeaderRulesOptions options;

    public HeaderRules(HeaderRulesOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public HeaderRulesOptions options() {
        return options;
    }

    /**
     * Checks and normalizes a block the peer sent (RFC 9113 §8.2, §8.3, §8.5, RFC 8441 when allowed).
     *
     * @param clientSide we are the client: we receive RESPONSE and PUSH_PROMISE blocks, a server receives REQUESTs
     * @param extendedConnectEnabled we sent SETTINGS_ENABLE_CONNECT_PROTOCOL=1 (RFC 8441 §3)
     * @throws MalformedMessageException the message is malformed: reset the stream with PROTOCOL_ERROR (§8.1.1)
     * @throws IllegalArgumentException the kind cannot arrive on this side (a client never receives a REQUEST block)
     */
    public HeaderFacts inbound(HeaderBlockKind kind, List<Header> headers, boolean clientSide,
            boolean extendedConnectEnabled) throws MalformedMessageException {
        if (!sideFits(kind, clientSide, true)) {
            throw new IllegalArgumentException(side(clientSide) + " cannot receive a " + kind + " block");
        }
        List<Header> list = randomAccess(headers);
        HeaderScan scan = HeaderScan.run(kind, list, options.validateInbound(), false, extendedConnectEnabled);
        if (scan.error != null) {
            throw new MalformedMessageException(scan.error);
        }
        return scan.facts(options.normalizeInbound() ? HeaderNormalizer.inbound(list, scan) : list);
    }

    /**
     * Normalizes (when enabled) and then checks a block we are about to send. Changes nothing on failure: the
     * caller's list is never modified.
     *
     * @param clientSide we are the client: we send REQUESTs, a server sends RESPONSE and PUSH_PROMISE blocks
     * @param extendedConnectEnabled the peer sent SETTINGS_ENABLE_CONNECT_PROTOCOL=1 (RFC 8441 §3)
     * @throws InvalidHeadersError the block breaks the rules even after normalization, or the kind cannot be sent
     *     from this side
     */
    public HeaderFacts outbound(HeaderBlockKind kind, List<Header> headers, boolean clientSide,
            boolean extendedConnectEnabled) {
        if (!sideFits(kind, clientSide, false)) {
            throw new InvalidHeadersError(side(clientSide) + " cannot send a " + kind + " block");
        }
        List<Header> list = randomAccess(headers);
        boolean validate = options.validateOutbound();
        boolean normalize = options.normalizeOutbound();
        boolean split = options.splitOutboundCookies();
        if (validate || !normalize) {
            // The common case takes one pass: a block that is already valid needs no normalization beyond cookie
            // splitting and content-length collapsing, which the scan notices on its way. Trailers (rare) always
            // take the normalizing path: the scan does not count content-length fields in them.
            HeaderScan raw = HeaderScan.run(kind, list, validate, true, extendedConnectEnabled);
            boolean fastPathExact = kind != HeaderBlockKind.TRAILERS;
            if (!normalize || (raw.error == null && fastPathExact && !raw.outboundRewriteNeeded(split))) {
                if (raw.error != null) {
                    throw new InvalidHeadersError(raw.error);
                }
                return raw.facts(list);
            }
        }
        List<Header> normalized = HeaderNormalizer.outbound(list, split);
        HeaderScan scan = HeaderScan.run(kind, normalized, validate, true, extendedConnectEnabled);
        if (scan.error != null) {
            throw new InvalidHeadersError(scan.error);
        }
        return scan.facts(normalized);
    }

    /**
     * How many content bytes the message must carry (RFC 9113 §8.1.1), or -1 when only END_STREAM ends it. No content
     * in a response to HEAD, in 1xx, 204 and 304 responses whatever content-length says (RFC 9110 §6.4.1); none
     * counted for CONNECT, whose DATA frames are tunnel bytes (RFC 9113 §8.5) once a 2xx has answered it.
     *
     * @param requestMethod the request's :method (null when unknown)
     * @param status the response's :status, or -1 when the message is the request itself
     * @param contentLength the message's declared content-length ({@link HeaderFacts#contentLength()}), -1 if absent
     */
    public static long expectedBodyLength(String requestMethod, int status, long contentLength) {
        boolean connect = "CONNECT".equals(requestMethod);
        if (status < 0) {
            return connect ? -1 : contentLength;
        }
        if (status < 200 || status == 204 || status == 304 || "HEAD".equals(requestMethod)) {
            return 0;
        }
        if (connect && status < 300) {
            return -1;
        }
        return contentLength;
    }

    /**
     * RFC 9113 §8.1.1: the DATA total must not pass the expected length, and must equal it at END_STREAM.
     *
     * @param expected from {@link #expectedBodyLength}; -1 checks nothing
     * @param received content bytes received so far on the stream (padding excluded)
     * @param endStream the stream has just ended
     */
    public static void checkBodyLength(long expected, long received, boolean endStream)
            throws MalformedMessageException {
        if (expected < 0) {
            return;
        }
        if (received > expected) {
            throw new MalformedMessageException("received " + received + " content bytes, more than the expected "
                    + expected + " (RFC 9113 §8.1.1)");
        }
        if (endStream && received != expected) {
            throw new MalformedMessageException("stream ended after " + received + " content bytes, "
                    + expected + " were expected (RFC 9113 §8.1.1)");
        }
    }

    /** Requests flow from client to server; responses and promises from server to client; trailers both ways. */
    private static boolean sideFits(HeaderBlockKind kind, boolean clientSide, boolean inbound) {
        boolean sentByClient = switch (kind) {
            case REQUEST -> true;
            case RESPONSE, PUSH_PROMISE -> false;
            case TRAILERS -> clientSide != inbound;
        };
        return sentByClient == (clientSide != inbound);
    }

    private static String side(boolean clientSide) {
        return clientSide ? "a client" : "a server";
    }

    private static List<Header> randomAccess(List<Header> headers) {
        return headers instanceof RandomAccess ? headers : new ArrayList<>(headers);
    }
}
