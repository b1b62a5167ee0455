package io.h2relay.app.replay;

/**
 * A deterministic slice of a recording: shard {@code index} of {@code count} replays the entries whose position
 * in the file modulo {@code count} is {@code index}. Every entry belongs to exactly one shard and the shards differ
 * in size by at most one; positions (not hashes) keep the recorded order and timing inside each shard.
 */
public record Shard(int index, int count) {

    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": want I/N with 0 <= I < N");
        }
    }

    /** {@code I/N}, e.g. {@code 2/8}. */
    public static Shard parse(String spec) {
        int slash = spec.indexOf('/');
        try {
            if (slash > 0) {
                return new Shard(Integer.parseInt(spec.substring(0, slash).trim()),
                        Integer.parseInt(spec.substring(slash + 1).trim()));
            }
        } catch (NumberFormatException e) {
            // Falls through to the message below.
        }
        throw new IllegalArgumentException("shard '" + spec + "' is not I/N (e.g. 0/4)");
    }

    public boolean includes(int entryIndex) {
        return entryIndex % count == index;
    }
}
