package io.h2relay.proxy;

import io.h2relay.config.HeaderEdits;
import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A route's header edits, compiled: fields named in {@code remove} or {@code set} are dropped (names compared
 * case-insensitively, pseudo-header fields never touched), then the {@code set} and {@code add} fields are appended
 * in that order.
 */
public final class HeaderRewriter {

    public static final HeaderRewriter NONE = new HeaderRewriter(HeaderEdits.NONE);

    private final Set<String> dropped;
    private final List<Header> appended;

    private HeaderRewriter(HeaderEdits edits) {
        Set<String> names = new HashSet<>(edits.remove());
        edits.set().forEach(h -> names.add(h.name()));
        this.dropped = Set.copyOf(names);
        List<Header> out = new ArrayList<>(edits.set());
        out.addAll(edits.add());
        this.appended = List.copyOf(out);
    }

    public static HeaderRewriter of(HeaderEdits edits) {
        return edits.isEmpty() ? NONE : new HeaderRewriter(edits);
    }

    public boolean isEmpty() {
        return dropped.isEmpty() && appended.isEmpty();
    }

    /** The edited fields; {@code fields} itself when there is nothing to do. */
    public List<Header> apply(List<Header> fields) {
        if (isEmpty()) {
            return fields;
        }
        List<Header> out = new ArrayList<>(fields.size() + appended.size());
        for (Header h : fields) {
            if (dropped.isEmpty() || !dropped.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.add(h);
            }
        }
        out.addAll(appended);
        return out;
    }
}
