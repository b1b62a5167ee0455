package io.h2relay.hpack;

/**
 * The decoder's dynamic table (RFC 7541 §2.3.2, §4): a FIFO of fields, newest first, as a ring buffer of the very
 * {@link Header} instances the decoder returned, so a fully indexed field costs no allocation.
 *
 * <p>The ring starts small and doubles as entries arrive; it never holds more than {@code maxSize / 32} entries.
 */
final class DynamicTable {

    private Header[] ring = new Header[16];
    /** Each entry's RFC size, beside it: eviction and list-size accounting need not touch the strings. */
    private int[] sizes = new int[16];
    /** Slot the next entry goes into; the newest entry is just before it. */
    private int next;
    private int count;
    /** Sum of the entries' RFC sizes (name + value + 32). */
    private int size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    int length() {
        return count;
    }

    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** The entry at {@code i}, 0 being the newest (HPACK index 62). The caller checks {@code i < length()}. */
    Header get(int i) {
        return ring[(next - 1 - i) & (ring.length - 1)];
    }

    /** RFC size of entry {@code i}, 0 being the newest. */
    int sizeOf(int i) {
        return sizes[(next - 1 - i) & (ring.length - 1)];
    }

    /**
     * Adds a field, evicting from the oldest end until it fits (§4.4). A field larger than the whole table empties
     * it and is not added.
     */
    void add(Header h) {
        int entrySize = h.size();
        if (entrySize > maxSize) {
            clear();
            return;
        }
        while (size + entrySize > maxSize) {
            evictOldest();
        }
        if (count == ring.length) {
            grow();
        }
        ring[next] = h;
        sizes[next] = entrySize;
        next = (next + 1) & (ring.length - 1);
        count++;
        size += entrySize;
    }

    /** A dynamic table size update (§4.3, §6.3): evicts down to the new size. */
    void setMaxSize(int newMax) {
        maxSize = newMax;
        while (size > maxSize) {
            evictOldest();
        }
    }

    private void evictOldest() {
        int oldest = (next - count) & (ring.length - 1);
        size -= sizes[oldest];
        ring[oldest] = null;
        count--;
    }

    private void clear() {
        while (count > 0) {
            evictOldest();
        }
    }

    private void grow() {
        Header[] bigger = new Header[ring.length * 2];
        int[] biggerSizes = new int[ring.length * 2];
        for (int i = 0; i < count; i++) {
            // Oldest first, so that the newest ends at bigger[count - 1].
            bigger[i] = get(count - 1 - i);
            biggerSizes[i] = sizeOf(count - 1 - i);
        }
        ring = bigger;
        sizes = biggerSizes;
        next = count;
    }
}
