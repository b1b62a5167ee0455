package io.h2relay.engine;

import static io.h2relay.engine.HeaderChars.AUTHORITY;
import static io.h2relay.engine.HeaderChars.NAME;
import static io.h2relay.engine.HeaderChars.PATH;
import static io.h2relay.engine.HeaderChars.SCHEME;
import static io.h2relay.engine.HeaderChars.TOKEN;
import static io.h2relay.engine.HeaderChars.quote;

import io.h2relay.hpack.Header;
import java.util.List;

/**
 * One pass over a field block: checks every rule of RFC 9113 §8.2–8.3 (plus §8.4 push, §8.5 CONNECT, RFC 8441,
 * RFC 9110 §8.6 content-length) and collects the facts the engine needs. The first broken rule ends the scan with
 * {@link #error} set. With {@code validate} off nothing is rejected; the scan only collects facts, best effort.
 * Allocates nothing per field on the good path.
 */
final class HeaderScan {

    private static final int P_METHOD = 1;
    private static final int P_SCHEME = 2;
    private static final int P_AUTHORITY = 4;
    private static final int P_PATH = 8;
    private static final int P_PROTOCOL = 16;
    private static final int P_STATUS = 32;

    private final HeaderBlockKind kind;
    private final boolean validate;
    private final boolean outbound;
    private final boolean extendedConnect;

    /** The first broken rule, or null. */
    String error;

    private int pseudoSeen;
    private String method;
    private String scheme;
    private String authority;
    private String path;
    private String protocol;
    private String statusValue;
    private String host;
    private String priority;
    private int status = -1;

    long contentLength = -1;
    /** Content-length fields seen (not counted in trailers). */
    int contentLengthFields;
    /** A content-length value in list form ("15, 15"). */
    boolean contentLengthList;
    /** Some content-length value was unparseable or conflicting. */
    boolean contentLengthBad;
    /** Cookie fields seen. */
    int cookies;
    /** Some cookie field is not marked never-indexed. */
    boolean cookieUnmarked;
    /** Some cookie field holds more than one crumb. */
    private boolean cookieCrumbs;

    private HeaderScan(HeaderBlockKind kind, boolean validate, boolean outbound, boolean extendedConnect) {
        this.kind = kind;
        this.validate = validate;
        this.outbound = outbound;
        this.extendedConnect = extendedConnect;
    }

    /** Scans a RandomAccess list. */
    static HeaderScan run(HeaderBlockKind kind, List<Header> headers, boolean validate, boolean outbound,
            boolean extendedConnect) {
        HeaderScan scan = new HeaderScan(kind, validate, outbound, extendedConnect);
        if (scan.fields(headers)) {
            scan.block();
        }
        return scan;
    }

    /** Content-length values that are valid and equal but spread over fields or written as a list. */
    boolean contentLengthCollapsible() {
        return !contentLengthBad && contentLength >= 0 && (contentLengthFields > 1 || contentLengthList);
    }

    /**
     * Whether outbound normalization would change a block this scan found valid. Validity already rules out every
     * other rewrite (uppercase or padded names, padded values, connection-specific fields, te other than trailers,
     * content-length in 1xx/204), so only cookie splitting and content-length collapsing remain.
     */
    boolean outboundRewriteNeeded(boolean splitCookies) {
        return (splitCookies && cookieCrumbs) || contentLengthCollapsible();
    }

    HeaderFacts facts(List<Header> headers) {
        boolean request = kind == HeaderBlockKind.REQUEST || kind == HeaderBlockKind.PUSH_PROMISE;
        long length = contentLengthBad ? -1 : contentLength;
        return new HeaderFacts(headers, request ? method : null, status, status >= 100 && status <= 199, length,
                request ? protocol : null, priority);
    }

    /** Records a broken rule when validating; returns whether the scan must stop. */
    private boolean reject(String reason) {
        if (!validate) {
            return false;
        }
        error = reason;
        return true;
    }

    private boolean fields(List<Header> headers) {
        boolean regularSeen = false;
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header h = headers.get(i);
            String name = h.name();
            String value = h.value();
            if (name.isEmpty()) {
                if (reject("empty field name (RFC 9113 §8.2.1)")) {
                    return false;
                }
                continue;
            }
            if (name.charAt(0) == ':') {
                if (!pseudo(name, value, regularSeen)) {
                    return false;
                }
            } else {
                regularSeen = true;
                if (!regular(name, value, h.neverIndexed())) {
                    return false;
                }
            }
            if (validate) {
                String problem = HeaderChars.valueProblem(value);
                if (problem != null) {
                    error = "value of field " + quote(name) + " " + problem + " (RFC 9113 §8.2.1)";
                    return false;
                }
            }
        }
        return true;
    }

    private static int pseudoBit(String name) {
        switch (name.length()) {
            case 5:
                return name.equals(":path") ? P_PATH : 0;
            case 7:
                return name.equals(":method") ? P_METHOD
                        : name.equals(":scheme") ? P_SCHEME
                        : name.equals(":status") ? P_STATUS : 0;
            case 9:
                return name.equals(":protocol") ? P_PROTOCOL : 0;
            case 10:
                return name.equals(":authority") ? P_AUTHORITY : 0;
            default:
                return 0;
        }
    }

    /** Returns false when the scan must stop. */
    private boolean pseudo(String name, String value, boolean regularSeen) {
        int bit = pseudoBit(name);
        if (bit == 0) {
            int bad = HeaderChars.firstOutside(name, 1, NAME);
            return !reject(bad >= 0 ? nameProblem(name, bad)
                    : "unknown pseudo-header " + quote(name) + " (RFC 9113 §8.3)");
        }
        if (kind == HeaderBlockKind.TRAILERS) {
            return !reject("pseudo-header " + name + " in trailers (RFC 9113 §8.1)");
        }
        if (regularSeen && reject("pseudo-header " + name + " after a regular field (RFC 9113 §8.3)")) {
            return false;
        }
        boolean request = kind != HeaderBlockKind.RESPONSE;
        if (request == (bit == P_STATUS)) {
            return !reject(request ? "pseudo-header :status in a request (RFC 9113 §8.3)"
                    : "request pseudo-header " + name + " in a response (RFC 9113 §8.3)");
        }
        if ((pseudoSeen & bit) != 0) {
            return !reject("duplicate pseudo-header " + name + " (RFC 9113 §8.3)");
        }
        pseudoSeen |= bit;
        switch (bit) {
            case P_METHOD -> method = value;
            case P_SCHEME -> scheme = value;
            case P_AUTHORITY -> authority = value;
            case P_PATH -> path = value;
            case P_PROTOCOL -> protocol = value;
            default -> statusValue = value;
        }
        return true;
    }

    private static String nameProblem(String name, int bad) {
        char c = name.charAt(bad);
        if (c >= 'A' && c <= 'Z') {
            return "uppercase character in field name " + quote(name) + " (RFC 9113 §8.2.1)";
        }
        if (c == ':') {
            return "':' inside field name " + quote(name) + " (RFC 9113 §8.2.1)";
        }
        return String.format("invalid character 0x%02x in field name %s (RFC 9113 §8.2.1)", (int) c, quote(name));
    }

    /** Returns false when the scan must stop. */
    private boolean regular(String name, String value, boolean neverIndexed) {
        if (validate) {
            int bad = HeaderChars.firstOutside(name, NAME);
            if (bad >= 0) {
                error = nameProblem(name, bad);
                return false;
            }
        }
        // Dispatch on length first: one int compare rejects nearly every ordinary field.
        switch (name.length()) {
            case 2:
                if (name.equals("te") && !value.equalsIgnoreCase("trailers")) {
                    return !reject("te " + quote(value) + ": only 'trailers' is allowed (RFC 9113 §8.2.2)");
                }
                return true;
            case 4:
                if (name.equals("host")) {
                    if (host == null) {
                        host = value;
                    } else if (kind != HeaderBlockKind.RESPONSE && kind != HeaderBlockKind.TRAILERS) {
                        return !reject("more than one host field (RFC 9110 §7.2)");
                    }
                }
                return true;
            case 6:
                if (name.equals("cookie")) {
                    cookies++;
                    cookieUnmarked |= !neverIndexed;
                    cookieCrumbs |= outbound && value.indexOf(';') >= 0;
                }
                return true;
            case 7:
                return !name.equals("upgrade") || !reject(connectionSpecific(name));
            case 8:
                if (name.equals("priority")) {
                    priority = priority == null ? value : priority + ", " + value;
                }
                return true;
            case 10:
                return !(name.equals("connection") || name.equals("keep-alive")) || !reject(connectionSpecific(name));
            case 14:
                return !name.equals("content-length") || contentLength(value);
            case 16:
                return !name.equals("proxy-connection") || !reject(connectionSpecific(name));
            case 17:
                return !name.equals("transfer-encoding") || !reject(connectionSpecific(name));
            default:
                return true;
        }
    }

    private static String connectionSpecific(String name) {
        return "connection-specific field " + quote(name) + " (RFC 9113 §8.2.2)";
    }

    /** RFC 9110 §8.6; returns false when the scan must stop. */
    private boolean contentLength(String value) {
        if (kind == HeaderBlockKind.TRAILERS) {
            return true; // a trailer section frames nothing (RFC 9110 §6.5.1)
        }
        contentLengthFields++;
        long v = HeaderChars.parseContentLength(value);
        if (v < 0) {
            contentLengthBad = true;
            return !reject(v == HeaderChars.CL_CONFLICT
                    ? "conflicting values in content-length " + quote(value) + " (RFC 9110 §8.6)"
                    : v == HeaderChars.CL_TOO_LARGE ? "content-length " + quote(value) + " is too large"
                    : "content-length " + quote(value) + " is not 1*DIGIT (RFC 9110 §8.6)");
        }
        if (value.indexOf(',') >= 0) {
            contentLengthList = true;
        }
        if (contentLength >= 0 && contentLength != v) {
            contentLengthBad = true;
            return !reject("conflicting content-length fields " + contentLength + " and " + v + " (RFC 9110 §8.6)");
        }
        contentLength = v;
        return true;
    }

    private void block() {
        switch (kind) {
            case REQUEST, PUSH_PROMISE -> request();
            case RESPONSE -> response();
            case TRAILERS -> { }
        }
    }

    private void response() {
        if (statusValue == null) {
            reject("missing :status (RFC 9113 §8.3.2)");
            return;
        }
        int s = HeaderChars.threeDigits(statusValue);
        status = s;
        if (s < 100 || s > 599) {
            reject(":status " + quote(statusValue) + " is not a three-digit code from 100 to 599 (RFC 9110 §15)");
            return;
        }
        if (s == 101 && reject("101 Switching Protocols is not allowed in HTTP/2 (RFC 9113 §8.6)")) {
            return;
        }
        if ((s < 200 || s == 204) && contentLength >= 0) {
            // RFC 9110 §8.6: a server MUST NOT send content-length in a 1xx or 204 response. Widely deployed servers
            // send "content-length: 0" with 204 anyway; like nghttp2 we tolerate exactly that on receipt, since it
            // declares no content. Outbound, normalization drops the field; without normalization we refuse.
            if (outbound || contentLength != 0) {
                reject("content-length " + contentLength + " in a " + s + " response (RFC 9110 §8.6)");
            }
        }
    }

    private void request() {
        if (method == null) {
            reject("missing :method (RFC 9113 §8.3.1)");
            return;
        }
        if (method.isEmpty() || !HeaderChars.all(method, TOKEN)) {
            if (reject(":method " + quote(method) + " is not a token (RFC 9110 §9.1)")) {
                return;
            }
        }
        boolean connect = method.equals("CONNECT");
        if (protocol != null && !extendedConnectRules(connect)) {
            return;
        }
        if (kind == HeaderBlockKind.PUSH_PROMISE && !method.equals("GET") && !method.equals("HEAD")) {
            // Promised requests MUST be safe and cacheable: GET and HEAD are the methods that are both.
            if (reject("promised request with method " + quote(method)
                    + ", which is not safe and cacheable (RFC 9113 §8.4)")) {
                return;
            }
        }
        if (connect && protocol == null) {
            connectRules();
            return;
        }
        if (scheme == null) {
            reject("missing :scheme (RFC 9113 §8.3.1)");
            return;
        }
        if (path == null) {
            reject("missing :path (RFC 9113 §8.3.1)");
            return;
        }
        if (scheme.isEmpty() || !isAlpha(scheme.charAt(0)) || !HeaderChars.all(scheme, SCHEME)) {
            if (reject(":scheme " + quote(scheme) + " is not a URI scheme (RFC 3986 §3.1)")) {
                return;
            }
        }
        boolean web = scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http");
        if (!pathRules(web) || !authorityRules(web)) {
            return;
        }
        if (kind == HeaderBlockKind.PUSH_PROMISE && contentLength > 0) {
            reject("promised request with content-length " + contentLength + " (RFC 9113 §8.4: no content)");
        }
    }

    /** RFC 8441 §3–4; returns false when the scan must stop. */
    private boolean extendedConnectRules(boolean connect) {
        if (!connect) {
            return !reject(":protocol in a " + quote(method)
                    + " request: only extended CONNECT may carry it (RFC 8441 §4)");
        }
        if (!extendedConnect) {
            return !reject(outbound
                    ? "extended CONNECT before the peer sent SETTINGS_ENABLE_CONNECT_PROTOCOL=1 (RFC 8441 §3)"
                    : "extended CONNECT although we did not send SETTINGS_ENABLE_CONNECT_PROTOCOL=1 (RFC 8441 §3)");
        }
        if (protocol.isEmpty() || !HeaderChars.all(protocol, TOKEN)) {
            return !reject(":protocol " + quote(protocol) + " is not a token (RFC 8441 §4)");
        }
        return true;
    }

    /** RFC 9113 §8.5: only :method and :authority (host:port). */
    private void connectRules() {
        if (scheme != null && reject(":scheme in a CONNECT request (RFC 9113 §8.5)")) {
            return;
        }
        if (path != null && reject(":path in a CONNECT request (RFC 9113 §8.5)")) {
            return;
        }
        if (authority == null) {
            reject("CONNECT without :authority (RFC 9113 §8.5)");
            return;
        }
        if (!isHostPort(authority)) {
            if (reject(":authority " + quote(authority) + " of a CONNECT request is not host:port (RFC 9113 §8.5)")) {
                return;
            }
        }
        if (host != null && !host.equals(authority)) {
            reject("host " + quote(host) + " differs from :authority " + quote(authority) + " (RFC 9113 §8.3.1)");
        }
    }

    /** RFC 9113 §8.3.1 :path; returns false when the scan must stop. */
    private boolean pathRules(boolean web) {
        if (path.isEmpty()) {
            return !reject("empty :path (RFC 9113 §8.3.1)");
        }
        int bad = HeaderChars.firstOutside(path, PATH);
        if (bad >= 0 && reject(String.format(":path contains character 0x%02x (RFC 9112 §3.2)",
                (int) path.charAt(bad)))) {
            return false;
        }
        if (path.equals("*")) {
            if (!method.equals("OPTIONS")) {
                return !reject(":path '*' in a " + quote(method) + " request: only OPTIONS may use it (RFC 9113 §8.3.1)");
            }
        } else if (web && path.charAt(0) != '/') {
            return !reject(":path " + quote(path) + " of an http(s) request does not start with '/' (RFC 9113 §8.3.1)");
        }
        return true;
    }

    /** RFC 9113 §8.3.1 :authority and host; returns false when the scan must stop. */
    private boolean authorityRules(boolean web) {
        if (authority != null && !authorityValue(":authority", authority, web)) {
            return false;
        }
        if (host != null && !authorityValue("host", host, web)) {
            return false;
        }
        if (authority != null && host != null && !authority.equals(host)) {
            return !reject("host " + quote(host) + " differs from :authority " + quote(authority)
                    + " (RFC 9113 §8.3.1)");
        }
        if (kind == HeaderBlockKind.PUSH_PROMISE && authority == null) {
            return !reject("promised request without :authority (RFC 9113 §8.4.1)");
        }
        if (web && authority == null && host == null) {
            // "http" and "https" have a mandatory authority: the request MUST carry :authority or host. Only schemes
            // without one may leave both out, and that is the only leniency the RFC allows a server here.
            return !reject("http(s) request without :authority or host (RFC 9113 §8.3.1)");
        }
        return true;
    }

    private boolean authorityValue(String label, String value, boolean web) {
        if (value.isEmpty()) {
            return !reject("empty " + label + " (RFC 9113 §8.3.1)");
        }
        int bad = HeaderChars.firstOutside(value, AUTHORITY);
        if (bad >= 0) {
            return !reject(String.format("%s %s contains character 0x%02x (RFC 3986 §3.2)", label, quote(value),
                    (int) value.charAt(bad)));
        }
        if (web && value.indexOf('@') >= 0) {
            return !reject(label + " " + quote(value) + " carries userinfo (RFC 9113 §8.3.1)");
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** RFC 9110 §9.3.6 authority-form: uri-host ":" port, the port one to five digits. */
    private static boolean isHostPort(String a) {
        int colon = a.lastIndexOf(':');
        int digits = a.length() - colon - 1;
        if (colon <= 0 || digits < 1 || digits > 5) {
            return false;
        }
        for (int i = colon + 1; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        // uri-host: an IP-literal in brackets, or a name / IPv4 address without ':' (RFC 3986 §3.2.2).
        if (a.charAt(0) == '[' ? a.charAt(colon - 1) != ']' : a.lastIndexOf(':', colon - 1) >= 0) {
            return false;
        }
        return HeaderChars.firstOutside(a, AUTHORITY) < 0 && a.indexOf('@') < 0;
    }
}
