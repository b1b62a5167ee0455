package io.h2relay.hpack;

import java.util.HashMap;
import java.util.Map;

/**
 * The 61-entry static table of RFC 7541 Appendix A. Its names and values are string literals, hence interned: a
 * decoder that resolves a static index hands out these very instances, and comparisons against literals elsewhere
 * in the proxy hit the {@code ==} fast path of {@code String.equals}.
 */
final class StaticTable {

    static final int LENGTH = 61;

    /** 1-based, as HPACK indexes it; slot 0 is unused. */
    private static final Header[] ENTRIES = {
        null,
        Header.of(":authority", ""),
        Header.of(":method", "GET"),
        Header.of(":method", "POST"),
        Header.of(":path", "/"),
        Header.of(":path", "/index.html"),
        Header.of(":scheme", "http"),
        Header.of(":scheme", "https"),
        Header.of(":status", "200"),
        Header.of(":status", "204"),
        Header.of(":status", "206"),
        Header.of(":status", "304"),
        Header.of(":status", "400"),
        Header.of(":status", "404"),
        Header.of(":status", "500"),
        Header.of("accept-charset", ""),
        Header.of("accept-encoding", "gzip, deflate"),
        Header.of("accept-language", ""),
        Header.of("accept-ranges", ""),
        Header.of("accept", ""),
        Header.of("access-control-allow-origin", ""),
        Header.of("age", ""),
        Header.of("allow", ""),
        Header.of("authorization", ""),
        Header.of("cache-control", ""),
        Header.of("content-disposition", ""),
        Header.of("content-encoding", ""),
        Header.of("content-language", ""),
        Header.of("content-length", ""),
        Header.of("content-location", ""),
        Header.of("content-range", ""),
        Header.of("content-type", ""),
        Header.of("cookie", ""),
        Header.of("date", ""),
        Header.of("etag", ""),
        Header.of("expect", ""),
        Header.of("expires", ""),
        Header.of("from", ""),
        Header.of("host", ""),
        Header.of("if-match", ""),
        Header.of("if-modified-since", ""),
        Header.of("if-none-match", ""),
        Header.of("if-range", ""),
        Header.of("if-unmodified-since", ""),
        Header.of("last-modified", ""),
        Header.of("link", ""),
        Header.of("location", ""),
        Header.of("max-forwards", ""),
        Header.of("proxy-authenticate", ""),
        Header.of("proxy-authorization", ""),
        Header.of("range", ""),
        Header.of("referer", ""),
        Header.of("refresh", ""),
        Header.of("retry-after", ""),
        Header.of("server", ""),
        Header.of("set-cookie", ""),
        Header.of("strict-transport-security", ""),
        Header.of("transfer-encoding", ""),
        Header.of("user-agent", ""),
        Header.of("vary", ""),
        Header.of("via", ""),
        Header.of("www-authenticate", ""),
    };

    /** The static entries sharing one name: the lowest index, then every (value, index) pair. */
    private record Group(int firstIndex, String[] values, int[] indexes) {
    }

    private static final Map<String, Group> BY_NAME = new HashMap<>(128);
    private static final int[] SIZES = new int[LENGTH + 1];

    static {
        for (int i = 1; i <= LENGTH; i++) {
            SIZES[i] = ENTRIES[i].size();
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 1; i <= LENGTH; i++) {
            counts.merge(ENTRIES[i].name(), 1, Integer::sum);
        }
        for (int i = 1; i <= LENGTH; i++) {
            String name = ENTRIES[i].name();
            Group g = BY_NAME.get(name);
            if (g == null) {
                int n = counts.get(name);
                g = new Group(i, new String[n], new int[n]);
                BY_NAME.put(name, g);
            }
            int slot = i - g.firstIndex();
            g.values()[slot] = ENTRIES[i].value();
            g.indexes()[slot] = i;
        }
    }

    private StaticTable() {
    }

    /** The entry at {@code index} (1..61). */
    static Header get(int index) {
        return ENTRIES[index];
    }

    /** RFC size (name + value + 32) of the entry at {@code index} (1..61). */
    static int size(int index) {
        return SIZES[index];
    }

    /**
     * Looks a field up: the index of an entry with this name and value (positive), else minus the lowest index of
     * an entry with this name, else 0.
     */
    static int find(String name, String value) {
        Group g = BY_NAME.get(name);
        if (g == null) {
            return 0;
        }
        String[] values = g.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(value)) {
                return g.indexes()[i];
            }
        }
        return -g.firstIndex();
    }
}
