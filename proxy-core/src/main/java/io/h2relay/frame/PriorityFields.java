package io.h2relay.frame;

/**
 * The RFC 7540 §5.3 priority fields carried by HEADERS (PRIORITY flag) and PRIORITY frames (RFC 9113 §6.3 keeps the
 * wire format though the scheme is deprecated).
 *
 * @param weight 1..256 (the wire carries weight - 1)
 */
public record PriorityFields(int streamDependency, boolean exclusive, int weight) {
    public PriorityFields {
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight must be 1..256: " + weight);
        }
        if (streamDependency < 0) {
            throw new IllegalArgumentException("stream dependency must be 0..2^31-1: " + streamDependency);
        }
    }
}
