package io.h2relay.hpack;

import io.h2relay.hpack.IndexingPolicy.Indexing;

/**
 * {@link IndexingPolicy#DEFAULT}: nghttp2's choices (its deflater skips the same names) plus RFC 7541 §7.1.3's
 * advice on credentials.
 *
 * <ul>
 *   <li>Never indexed: {@code authorization}, {@code proxy-authorization}, and {@code cookie} values under 20
 *   octets: guessable secrets that a compression oracle (CRIME-style, §7.1) could recover from a shared table, and
 *   that an intermediary must forward the same way.</li>
 *   <li>Without indexing, because a second occurrence is unlikely and the entry would evict ones that do recur:
 *   {@code :path} with a query string, {@code content-length}, {@code age}, {@code etag}, {@code last-modified},
 *   {@code if-modified-since}, {@code if-none-match}, {@code location}, {@code set-cookie} (also a secret), and any
 *   value of {@value #MAX_INDEXED_VALUE} octets or more (a quarter of the default table).</li>
 *   <li>Everything else is indexed. Plain paths stay indexed on purpose: gRPC and API traffic repeat them on every
 *   call.</li>
 * </ul>
 *
 * <p>On the hpack-test-case raw-data corpus this gives 0.9975x nghttp2's output and beats indexing everything by
 * 0.5% (CompressionRatioTest). Measured per name there, indexing {@code date} saves 15% of the corpus and indexing
 * {@code content-length} would cost 2%; indexing {@code set-cookie}, {@code location} or {@code etag} would each
 * save under 0.4% on this 2012 capture but trades a secret or a per-response value for it.
 */
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
