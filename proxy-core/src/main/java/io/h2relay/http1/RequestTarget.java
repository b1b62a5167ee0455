package io.h2relay.http1;

/**
 * The four request-target forms of RFC 9112 §3.2, validated strictly against RFC 3986: anything a lenient parser
 * elsewhere could read differently (spaces, '#', '\', '"', '{', raw non-ASCII, '%' without two hex digits) is
 * rejected rather than guessed at.
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /** Why the target is invalid for the method, or null when it is valid. */
    static String check(String method, String target) {
        if (target.equals("*")) {
            // §3.2.4: asterisk-form is only for a server-wide OPTIONS.
            return method.equals("OPTIONS") ? null : "asterisk-form target on a method other than OPTIONS";
        }
        if (method.equals("CONNECT")) {
            // §3.2.3 and RFC 9110 §9.3.6: uri-host ":" port, with a real port.
            return hostPort(target, true, false);
        }
        if (target.startsWith("/")) {
            return pathAndQuery(target, 0) ? null : "invalid character in origin-form target";
        }
        return absolute(target);
    }

    /** The authority of an absolute- or authority-form target, or null for the other forms. */
    static String authorityOf(String method, String target) {
        if (method.equals("CONNECT")) {
            return target;
        }
        int start = authorityStart(target);
        if (start < 0) {
            return null;
        }
        return target.substring(start, authorityEnd(target, start));
    }

    static String schemeOf(String target) {
        int start = authorityStart(target);
        return start < 0 ? null : target.substring(0, start - 3);
    }

    static String pathOf(String method, String target) {
        if (method.equals("CONNECT")) {
            return null;
        }
        int start = authorityStart(target);
        if (start < 0) {
            return target;
        }
        String rest = target.substring(authorityEnd(target, start));
        return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
    }

    /**
     * Host field value or authority: {@code uri-host [ ":" port ]}, no userinfo (RFC 9110 §4.2.4 tells recipients
     * to treat it as an error), port at most 65535. Returns why it is invalid, or null.
     */
    static String hostPort(String s, boolean requirePort, boolean allowEmptyHost) {
        int i = 0;
        int n = s.length();
        if (i < n && s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 2) {
                return "invalid IP literal";
            }
            for (int k = 1; k < close; k++) {
                char c = s.charAt(k);
                if (Syntax.hexValue(c) < 0 && c != ':' && c != '.') {
                    return "invalid IP literal";
                }
            }
            i = close + 1;
        } else {
            while (i < n && s.charAt(i) != ':') {
                char c = s.charAt(i);
                if (c == '%') {
                    if (!pctEncoded(s, i)) {
                        return "invalid percent-encoding in host";
                    }
                    i += 3;
                    continue;
                }
                if (c > 0xFF || !Syntax.isRegNameChar(c)) {
                    return "invalid character in host";
                }
                i++;
            }
            if (i == 0 && !allowEmptyHost) {
                return "empty host";
            }
        }
        if (i == n) {
            return requirePort ? "missing port" : null;
        }
        if (s.charAt(i) != ':') {
            return "invalid character after IP literal";
        }
        String port = s.substring(i + 1);
        if (port.isEmpty()) {
            return requirePort ? "missing port" : null;
        }
        if (port.length() > 5) {
            return "invalid port";
        }
        long value = Syntax.decimal(port);
        if (value < 0 || value > 65535 || (requirePort && value == 0)) {
            return "invalid port";
        }
        return null;
    }

    /** absolute-form: http or https only (a server has nothing else to offer), with a non-empty authority. */
    private static String absolute(String target) {
        int start = authorityStart(target);
        if (start < 0) {
            return "invalid request-target";
        }
        String scheme = target.substring(0, start - 3);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return "unsupported scheme in absolute-form target";
        }
        int end = authorityEnd(target, start);
        String authority = target.substring(start, end);
        if (authority.indexOf('@') >= 0) {
            return "userinfo in absolute-form target";
        }
        // RFC 9110 §4.2.1: an http(s) URI with an empty host is invalid and must be rejected.
        String why = hostPort(authority, false, false);
        if (why != null) {
            return why;
        }
        if (end == target.length()) {
            return null;
        }
        return pathAndQuery(target, end) ? null : "invalid character in absolute-form target";
    }

    /** Index after "scheme://" when the target looks like an absolute URI with an authority, else -1. */
    private static int authorityStart(String target) {
        int colon = target.indexOf(':');
        if (colon <= 0 || !target.startsWith("//", colon + 1)) {
            return -1;
        }
        for (int i = 0; i < colon; i++) {
            char c = target.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean ok = letter || (i > 0 && (Syntax.isDigit(c) || c == '+' || c == '-' || c == '.'));
            if (!ok) {
                return -1;
            }
        }
        return colon + 3;
    }

    private static int authorityEnd(String target, int start) {
        int i = start;
        while (i < target.length() && target.charAt(i) != '/' && target.charAt(i) != '?') {
            i++;
        }
        return i;
    }

    /**
     * path-abempty / absolute-path, then optional "?" query (RFC 3986 §3.3, §3.4): pchar, "/" and, from the first
     * "?" on, "?" too; the path characters are a subset of the query ones. No fragment.
     */
    private static boolean pathAndQuery(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (!pctEncoded(s, i)) {
                    return false;
                }
                i += 2;
            } else if (c != '/' && c != '?' && (c > 0xFF || !Syntax.isPchar(c))) {
                return false;
            }
        }
        return true;
    }

    private static boolean pctEncoded(String s, int i) {
        return i + 2 < s.length() && Syntax.hexValue(s.charAt(i + 1)) >= 0 && Syntax.hexValue(s.charAt(i + 2)) >= 0;
    }
}
