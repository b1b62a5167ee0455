package io.h2relay.hpack;

/**
 * Chooses the literal representation of a field the encoder could not send as an index (RFC 7541 §6.2): add it to
 * the dynamic table, send it without indexing, or send it never-indexed so no intermediary ever indexes it (§7.1.3).
 * A field whose {@link Header#neverIndexed()} flag is set is always sent never-indexed, whatever the policy says.
 */
@FunctionalInterface
public interface IndexingPolicy {

    enum Indexing { INCREMENTAL, WITHOUT_INDEXING, NEVER_INDEXED }

    Indexing indexing(Header header);

    /**
     * Never-indexes credentials an attacker could probe for with CRIME-style guesses (§7.1.3: authorization,
     * proxy-authorization, cookie values under 20 octets), and keeps out of the table what cannot pay off: values
     * unique to one message ({@code :path} with a query, content-length, ...) and large values that would evict
     * many useful entries. See {@link DefaultIndexingPolicy}.
     */
    IndexingPolicy DEFAULT = DefaultIndexingPolicy::choose;

    /** Indexes every field not flagged never-indexed, as the RFC 7541 Appendix C examples do. */
    IndexingPolicy ALWAYS = header -> Indexing.INCREMENTAL;
}
