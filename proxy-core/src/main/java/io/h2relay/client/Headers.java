package io.h2relay.client;

import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An immutable, ordered list of header fields with case-insensitive look-ups (RFC 9110 §5.1) and repeated names
 * kept apart. Values are octet strings, one char per octet (ISO-8859-1), as {@link Header} has them.
 */
public final class Headers implements Iterable<Header> {

    public static final Headers EMPTY = new Headers(List.of());

    private final List<Header> fields;

    private Headers(List<Header> fields) {
        this.fields = fields;
    }

    /** Alternating names and values: {@code Headers.of("accept", "text/plain", "x-a", "1")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        List<Header> list = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(Header.of(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new Headers(Collections.unmodifiableList(list));
    }

    public static Headers of(List<Header> fields) {
        return fields.isEmpty() ? EMPTY : new Headers(List.copyOf(fields));
    }

    /** The fields of a received HTTP/2 block without its pseudo-header fields (RFC 9113 §8.3). */
    static Headers withoutPseudo(List<Header> block) {
        List<Header> list = new ArrayList<>(block.size());
        for (Header h : block) {
            if (!h.name().startsWith(":")) {
                list.add(h);
            }
        }
        return list.isEmpty() ? EMPTY : new Headers(Collections.unmodifiableList(list));
    }

    /** The value of a pseudo-header field in a received block, or null. */
    static String pseudo(List<Header> block, String name) {
        for (Header h : block) {
            if (h.name().equals(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** The first value of {@code name}, or null when absent. */
    public String first(String name) {
        for (Header h : fields) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** Every value of {@code name} in order (one per field line). */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(2);
        for (Header h : fields) {
            if (h.name().equalsIgnoreCase(name)) {
                values.add(h.value());
            }
        }
        return values;
    }

    /**
     * The comma-separated elements of every {@code name} field (RFC 9110 §5.3: a list-valued field may be split
     * across lines or joined with commas), trimmed, empty elements dropped, lower-cased when {@code lowerCase}.
     */
    public List<String> tokens(String name, boolean lowerCase) {
        List<String> tokens = new ArrayList<>(2);
        for (String value : all(name)) {
            for (String element : value.split(",")) {
                String t = element.trim();
                if (!t.isEmpty()) {
                    tokens.add(lowerCase ? t.toLowerCase(Locale.ROOT) : t);
                }
            }
        }
        return tokens;
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    public int size() {
        return fields.size();
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** The fields in order. */
    public List<Header> asList() {
        return fields;
    }

    /** These fields and one more. */
    public Headers with(String name, String value) {
        List<Header> list = new ArrayList<>(fields.size() + 1);
        list.addAll(fields);
        list.add(Header.of(name, value));
        return new Headers(Collections.unmodifiableList(list));
    }

    /** These fields without any named {@code name}. */
    public Headers without(String name) {
        List<Header> list = new ArrayList<>(fields.size());
        for (Header h : fields) {
            if (!h.name().equalsIgnoreCase(name)) {
                list.add(h);
            }
        }
        return list.size() == fields.size() ? this : new Headers(Collections.unmodifiableList(list));
    }

    @Override
    public Iterator<Header> iterator() {
        return fields.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fields);
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
