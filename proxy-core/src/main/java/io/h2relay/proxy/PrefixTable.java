package io.h2relay.proxy;

import java.util.Map;

/**
 * The path prefixes of one authority pattern, looked up in one pass over the request path with no allocation: the
 * path's hash is built character by character (the same sum {@link String#hashCode()} computes), and at each segment
 * boundary the prefix of that length is probed in an open-addressing table. The last hit is the longest prefix.
 *
 * <p>Prefixes are stored without trailing '/', the root as "" (see {@link io.h2relay.config.RouteConfig#matchPrefix}),
 * so a boundary is the end of the path part, a '/' or a '?'.
 */
final class PrefixTable {

    /** A prefix and what it leads to. */
    record Entry(String prefix, String rewrite, Route route) {

        /** Replaces the matched prefix; rewrite is trimmed like a prefix, the result always begins with '/'. */
        String rewrite(String path) {
            if (rewrite == null || path == null || path.isEmpty() || path.charAt(0) != '/') {
                return path;
            }
            String rewritten = rewrite + path.substring(prefix.length());
            return rewritten.isEmpty() || rewritten.charAt(0) != '/' ? "/" + rewritten : rewritten;
        }
    }

    private final Entry root;
    private final int[] hashes;
    private final Entry[] entries;
    private final int mask;
    private final int maxLength;

    PrefixTable(Map<String, Entry> byPrefix) {
        Entry rootEntry = null;
        int size = Integer.highestOneBit(Math.max(1, byPrefix.size()) * 2) << 1;
        hashes = new int[size];
        entries = new Entry[size];
        mask = size - 1;
        int longest = 0;
        for (Map.Entry<String, Entry> e : byPrefix.entrySet()) {
            String prefix = e.getKey();
            if (prefix.isEmpty()) {
                rootEntry = e.getValue();
                continue;
            }
            int h = prefix.hashCode();
            int i = spread(h) & mask;
            while (entries[i] != null) {
                i = (i + 1) & mask;
            }
            hashes[i] = h;
            entries[i] = e.getValue();
            longest = Math.max(longest, prefix.length());
        }
        root = rootEntry;
        maxLength = longest;
    }

    /** The entry of the longest prefix of {@code path}, or null. Paths not starting with '/' only match the root. */
    Entry match(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return root;
        }
        Entry best = root;
        int length = path.length();
        int h = 0;
        for (int i = 0; ; i++) {
            // h is the hash of path[0, i)
            boolean end = i == length || path.charAt(i) == '?';
            if (i > 0 && (end || path.charAt(i) == '/')) {
                Entry e = lookup(h, path, i);
                if (e != null) {
                    best = e;
                }
            }
            if (end || i >= maxLength) {
                return best;
            }
            h = 31 * h + path.charAt(i);
        }
    }

    private Entry lookup(int h, String path, int length) {
        for (int i = spread(h) & mask; entries[i] != null; i = (i + 1) & mask) {
            String prefix = entries[i].prefix();
            if (hashes[i] == h && prefix.length() == length && path.startsWith(prefix)) {
                return entries[i];
            }
        }
        return null;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
