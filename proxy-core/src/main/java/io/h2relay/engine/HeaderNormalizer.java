package io.h2relay.engine;

import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;

/**
 * The rewriting half of the header rules. Each method first checks, without allocating, whether anything needs to
 * change and returns the caller's list instance when nothing does (the common case on the proxy's hot path); only
 * then does it build a new list. Every rewrite keeps each field's never-indexed flag, and applying a rewrite twice
 * gives the same result as applying it once.
 */
final class HeaderNormalizer {

    private HeaderNormalizer() {
    }

    // ---------------------------------------------------------------- inbound

    /**
     * RFC 9113 §8.2.3: cookie fields are joined with "; " into one field, placed where the first one was and marked
     * never-indexed (as h2 does; a lone cookie is marked too). RFC 9110 §8.6: equal content-length duplicates become
     * one field with the single value, as an intermediary MUST do before forwarding.
     */
    static List<Header> inbound(List<Header> in, HeaderScan scan) {
        boolean cookies = scan.cookies > 1 || (scan.cookies == 1 && scan.cookieUnmarked);
        boolean collapse = scan.contentLengthCollapsible();
        if (!cookies && !collapse) {
            return in;
        }
        int n = in.size();
        List<Header> out = new ArrayList<>(n);
        boolean cookieDone = false;
        boolean lengthDone = false;
        for (int i = 0; i < n; i++) {
            Header h = in.get(i);
            String name = h.name();
            if (cookies && name.equals("cookie")) {
                if (!cookieDone) {
                    out.add(scan.cookies == 1 ? h.sensitive() : new Header("cookie", joinCookies(in, i), true));
                    cookieDone = true;
                }
            } else if (collapse && name.equals("content-length")) {
                if (!lengthDone) {
                    out.add(new Header(name, Long.toString(scan.contentLength), h.neverIndexed()));
                    lengthDone = true;
                }
            } else {
                out.add(h);
            }
        }
        return out;
    }

    /** Joins the values of the cookie fields from index first on, skipping empty ones. */
    private static String joinCookies(List<Header> in, int first) {
        StringBuilder b = new StringBuilder();
        for (int i = first, n = in.size(); i < n; i++) {
            Header h = in.get(i);
            if (h.name().equals("cookie") && !h.value().isEmpty()) {
                if (b.length() > 0) {
                    b.append("; ");
                }
                b.append(h.value());
            }
        }
        return b.toString();
    }

    // --------------------------------------------------------------- outbound

    /**
     * Lowercases names, trims SP/HTAB around names and values, drops connection-specific fields and every field the
     * connection field names (RFC 9113 §8.2.2, RFC 9110 §7.6.1), reduces te to "trailers" or drops it (te is
     * hop-by-hop, RFC 9110 §10.1.4), drops content-length from 1xx and 204 responses (RFC 9110 §8.6), collapses
     * equal content-length duplicates, and optionally splits cookies into crumbs (RFC 9113 §8.2.3). Returns the same
     * instance when none of that applies.
     */
    static List<Header> outbound(List<Header> in, boolean splitCookies) {
        return needsOutbound(in, splitCookies) ? rebuildOutbound(in, splitCookies) : in;
    }

    private static boolean needsOutbound(List<Header> in, boolean splitCookies) {
        int contentLengths = 0;
        boolean oddLength = false;
        String status = null;
        for (int i = 0, n = in.size(); i < n; i++) {
            Header h = in.get(i);
            String name = h.name();
            String value = h.value();
            int len = name.length();
            if (len > 0 && (HeaderChars.isOws(name.charAt(0)) || HeaderChars.isOws(name.charAt(len - 1)))) {
                return true;
            }
            for (int j = 0; j < len; j++) {
                char c = name.charAt(j);
                if (c >= 'A' && c <= 'Z') {
                    return true;
                }
            }
            int vlen = value.length();
            if (vlen > 0 && (HeaderChars.isOws(value.charAt(0)) || HeaderChars.isOws(value.charAt(vlen - 1)))) {
                return true;
            }
            switch (len) {
                case 2:
                    if (name.equals("te") && !value.equalsIgnoreCase("trailers")) {
                        return true;
                    }
                    break;
                case 6:
                    if (splitCookies && name.equals("cookie") && value.indexOf(';') >= 0) {
                        return true;
                    }
                    break;
                case 7:
                    if (name.equals(":status")) {
                        status = status == null ? value : status;
                    } else if (name.equals("upgrade")) {
                        return true;
                    }
                    break;
                case 14:
                    if (name.equals("content-length")) {
                        oddLength |= ++contentLengths > 1 || value.indexOf(',') >= 0;
                    }
                    break;
                default:
                    if (isConnectionSpecific(name)) {
                        return true;
                    }
            }
        }
        return (contentLengths > 0 && status != null && noContentStatus(status))
                || (oddLength && agreedLength(in) >= 0);
    }

    /** The one value all content-length fields agree on, or -1 (none, unparseable, or conflicting). */
    private static long agreedLength(List<Header> in) {
        long length = -1;
        for (int i = 0, n = in.size(); i < n; i++) {
            Header h = in.get(i);
            if (h.name().equals("content-length")) {
                long v = HeaderChars.parseContentLength(h.value());
                if (v < 0 || (length >= 0 && v != length)) {
                    return -1;
                }
                length = v;
            }
        }
        return length;
    }

    /** connection, proxy-connection, keep-alive, transfer-encoding, upgrade (RFC 9113 §8.2.2). */
    static boolean isConnectionSpecific(String name) {
        return switch (name.length()) {
            case 7 -> name.equals("upgrade");
            case 10 -> name.equals("connection") || name.equals("keep-alive");
            case 16 -> name.equals("proxy-connection");
            case 17 -> name.equals("transfer-encoding");
            default -> false;
        };
    }

    /** 1xx and 204 responses carry no content-length (RFC 9110 §8.6). */
    private static boolean noContentStatus(String status) {
        int s = HeaderChars.threeDigits(status);
        return (s >= 100 && s <= 199) || s == 204;
    }

    private static List<Header> rebuildOutbound(List<Header> in, boolean splitCookies) {
        int n = in.size();
        Header[] norm = new Header[n];
        List<String> nominated = null;
        String status = null;
        long length = -1;
        int lengths = 0;
        boolean lengthsAgree = true;
        for (int i = 0; i < n; i++) {
            Header h = in.get(i);
            String name = HeaderChars.trimOws(HeaderChars.lowercase(h.name()));
            String value = HeaderChars.trimOws(h.value());
            norm[i] = name == h.name() && value == h.value() ? h : new Header(name, value, h.neverIndexed());
            switch (name) {
                case "connection" -> nominated = connectionOptions(value, nominated);
                case ":status" -> status = status == null ? value : status;
                case "content-length" -> {
                    lengths++;
                    long v = HeaderChars.parseContentLength(value);
                    if (v < 0 || (length >= 0 && v != length)) {
                        lengthsAgree = false;
                    } else {
                        length = v;
                    }
                }
                default -> { }
            }
        }
        boolean dropLength = status != null && noContentStatus(status);
        boolean collapseLength = lengthsAgree && length >= 0;
        boolean lengthDone = false;
        List<Header> out = new ArrayList<>(n + 4);
        for (Header h : norm) {
            String name = h.name();
            if (isConnectionSpecific(name)
                    || (nominated != null && !name.startsWith(":") && nominated.contains(name))) {
                continue;
            }
            switch (name) {
                case "te" -> {
                    if (h.value().equalsIgnoreCase("trailers")) {
                        out.add(h);
                    } else if (HeaderChars.listContains(h.value(), "trailers")) {
                        out.add(new Header("te", "trailers", h.neverIndexed()));
                    }
                }
                case "content-length" -> {
                    if (dropLength) {
                        continue;
                    }
                    if (!collapseLength) {
                        out.add(h);
                    } else if (!lengthDone) {
                        boolean canonical = lengths == 1 && h.value().indexOf(',') < 0;
                        out.add(canonical ? h : new Header(name, Long.toString(length), h.neverIndexed()));
                        lengthDone = true;
                    }
                }
                case "cookie" -> {
                    if (splitCookies && h.value().indexOf(';') >= 0) {
                        addCrumbs(h, out);
                    } else {
                        out.add(h);
                    }
                }
                default -> out.add(h);
            }
        }
        return out;
    }

    /** The lowercased, non-empty options of a connection field value, added to acc (created when null). */
    private static List<String> connectionOptions(String value, List<String> acc) {
        List<String> list = acc == null ? new ArrayList<>(4) : acc;
        int i = 0;
        int n = value.length();
        while (i <= n) {
            int comma = value.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            String option = HeaderChars.trimOws(value.substring(i, end));
            if (!option.isEmpty()) {
                list.add(HeaderChars.lowercase(option));
            }
            if (comma < 0) {
                break;
            }
            i = comma + 1;
        }
        return list;
    }

    /** One field per non-empty crumb, each with the original's never-indexed flag; no crumb, no field. */
    private static void addCrumbs(Header h, List<Header> out) {
        String value = h.value();
        int i = 0;
        int n = value.length();
        while (i <= n) {
            int semi = value.indexOf(';', i);
            int end = semi < 0 ? n : semi;
            String crumb = HeaderChars.trimOws(value.substring(i, end));
            if (!crumb.isEmpty()) {
                out.add(new Header("cookie", crumb, h.neverIndexed()));
            }
            if (semi < 0) {
                break;
            }
            i = semi + 1;
        }
    }
}
