package io.h2relay.engine.priority;

/**
 * RFC 9218 §4 priority parameters: urgency {@code u} (0 most urgent .. 7 background, default 3) and
 * incremental {@code i} (default false). The 16 possible values are cached, so parsing allocates nothing.
 *
 * <p>Three ways to read a field value, because RFC 9218 treats absent parameters differently by source:
 * <ul>
 *   <li>{@link #parse}: a request's {@code priority} header. Absent, ignored or unparseable parameters take their
 *       defaults (§4, and §5: "An endpoint that fails to parse the Priority header field SHOULD use default
 *       parameter values").</li>
 *   <li>{@link #merge} / {@link #parseOrNull}: a PRIORITY_UPDATE (§7). The frame carries the complete set, so an
 *       absent parameter means its default; a field that is not a valid Dictionary is a connection error of type
 *       PROTOCOL_ERROR, which the engine raises after {@code parseOrNull} returns null.</li>
 *   <li>{@link #mergeResponse}: an intermediary combining the client's signal with the origin's {@code priority}
 *       response header (§8): a parameter the response carries wins, an absent one keeps the request's value.</li>
 * </ul>
 */
public record Priority(int urgency, boolean incremental) {

    public static final int DEFAULT_URGENCY = 3;

    private static final Priority[] CACHE = new Priority[16];

    static {
        for (int u = 0; u < 8; u++) {
            CACHE[u] = new Priority(u, false);
            CACHE[8 + u] = new Priority(u, true);
        }
    }

    /** {@code u=3}, not incremental: what a request without the header gets. */
    public static final Priority DEFAULT = of(DEFAULT_URGENCY, false);

    public Priority {
        if (urgency < 0 || urgency > 7) {
            throw new IllegalArgumentException("urgency must be 0..7 (RFC 9218 §4.1), got " + urgency);
        }
    }

    /** The cached instance (no allocation). */
    public static Priority of(int urgency, boolean incremental) {
        if (urgency < 0 || urgency > 7) {
            throw new IllegalArgumentException("urgency must be 0..7 (RFC 9218 §4.1), got " + urgency);
        }
        return CACHE[(incremental ? 8 : 0) + urgency];
    }

    /**
     * Parses a {@code priority} header field value (RFC 8941 Dictionary). Unknown keys are ignored; a {@code u}
     * that is not an Integer in 0..7 or an {@code i} that is not a Boolean is ignored and that parameter keeps its
     * default; a field that is not a valid Dictionary yields {@link #DEFAULT}. {@code null} (no header) is
     * {@link #DEFAULT}. Never throws.
     */
    public static Priority parse(String fieldValue) {
        int parsed = PriorityFieldParser.parse(fieldValue);
        return parsed == PriorityFieldParser.INVALID ? DEFAULT : DEFAULT.overlay(parsed);
    }

    /**
     * Parses a PRIORITY_UPDATE's Priority Field Value (RFC 9218 §7): absent or ignored parameters take their
     * defaults; returns {@code null} when the value is not a valid RFC 8941 Dictionary, which §7 makes a
     * connection error of type PROTOCOL_ERROR.
     */
    public static Priority parseOrNull(String fieldValue) {
        int parsed = PriorityFieldParser.parse(fieldValue);
        return parsed == PriorityFieldParser.INVALID ? null : DEFAULT.overlay(parsed);
    }

    /**
     * PRIORITY_UPDATE semantics (RFC 9218 §7): the frame carries the complete set of parameters, so the result
     * holds the field's parameters with absent ones at their defaults, whatever {@code this} was. A field that
     * does not parse changes nothing and {@code this} is returned (the engine has the connection error to raise).
     */
    public Priority merge(String fieldValue) {
        int parsed = PriorityFieldParser.parse(fieldValue);
        return parsed == PriorityFieldParser.INVALID ? this : DEFAULT.overlay(parsed);
    }

    /**
     * RFC 9218 §8 merging for intermediaries: {@code this} is the client's priority, {@code responseFieldValue}
     * the origin's {@code priority} response header. Parameters present (and valid) in the response win; absent
     * ones keep the client's value. An unparseable response field is ignored (RFC 8941 §4.2).
     */
    public Priority mergeResponse(String responseFieldValue) {
        int parsed = PriorityFieldParser.parse(responseFieldValue);
        return parsed == PriorityFieldParser.INVALID ? this : overlay(parsed);
    }

    private Priority overlay(int parsed) {
        int u = PriorityFieldParser.urgency(parsed);
        int i = PriorityFieldParser.incremental(parsed);
        return of(u == PriorityFieldParser.ABSENT ? urgency : u,
                i == PriorityFieldParser.ABSENT ? incremental : i == 1);
    }

    /**
     * The shortest field value meaning this priority: defaults are left out (RFC 9218 §4), so {@code "u=5, i"},
     * {@code "u=0"}, {@code "i"}, and {@code ""} for {@link #DEFAULT} (send no header then).
     */
    public String toFieldValue() {
        if (urgency == DEFAULT_URGENCY) {
            return incremental ? "i" : "";
        }
        return incremental ? "u=" + urgency + ", i" : "u=" + urgency;
    }
}
