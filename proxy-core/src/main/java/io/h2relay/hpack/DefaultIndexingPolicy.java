package io.h2relay.hpack;

import io.h2relay.hpack.IndexingPolicy.Indexing;

/** {@link IndexingPolicy#DEFAULT}. */
final class DefaultIndexingPolicy {

    /** Values at least this long are sent without indexing: a quarter of the default 4096-octet table. */
    static final int MAX_INDEXED_VALUE = 1024;
    /** RFC 7541 §7.1.3: short cookie values are guessable, so they are never indexed. */
    static final int MIN_INDEXED_COOKIE = 20;

    private DefaultIndexingPolicy() {
    }

    static Indexing choose(Header h) {
        String value = h.value();
        switch (h.name()) {
            case "authorization":
            case "proxy-authorization":
                return Indexing.NEVER_INDEXED;
            case "cookie":
                if (value.length() < MIN_INDEXED_COOKIE) {
                    return Indexing.NEVER_INDEXED;
                }
                break;
            case ":path":
                if (value.indexOf('?') >= 0) {
                    return Indexing.WITHOUT_INDEXING;
                }
                break;
            case "content-length":
            case "age":
            case "etag":
            case "if-modified-since":
            case "if-none-match":
            case "last-modified":
            case "location":
            case "set-cookie":
                return Indexing.WITHOUT_INDEXING;
            default:
                break;
        }
        return value.length() >= MAX_INDEXED_VALUE ? Indexing.WITHOUT_INDEXING : Indexing.INCREMENTAL;
    }
}
