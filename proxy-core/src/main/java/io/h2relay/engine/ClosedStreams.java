package io.h2relay.engine;

/**
 * What closed each recently closed stream, for at most {@code limit} streams: the oldest closed is forgotten first
 * (h2 keeps 65536 in a size-limited dict). The ring of identifiers starts small and doubles up to the limit, so a
 * connection that never closes many streams never pays for the full memory.
 */
final class ClosedStreams {

    private final int limit;
    private final IntObjectMap<ClosedBy> byId = new IntObjectMap<>(16);
    /** Identifiers in closing order; {@code head} is the oldest, {@code count} are in use. */
    private int[] ring;
    private int head;
    private int count;

    ClosedStreams(int limit) {
        this.limit = limit;
        this.ring = new int[Math.min(16, limit)];
    }

    ClosedBy get(int streamId) {
        return byId.get(streamId);
    }

    int size() {
        return count;
    }

    void put(int streamId, ClosedBy closedBy) {
        if (byId.get(streamId) != null) {
            byId.put(streamId, closedBy);
            return;
        }
        if (count == limit) {
            byId.remove(ring[head]);
            head = (head + 1) % ring.length;
            count--;
        } else if (count == ring.length) {
            grow();
        }
        ring[(head + count) % ring.length] = streamId;
        count++;
        byId.put(streamId, closedBy);
    }

    private void grow() {
        int[] bigger = new int[Math.min(limit, ring.length * 2)];
        for (int i = 0; i < count; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }
}
