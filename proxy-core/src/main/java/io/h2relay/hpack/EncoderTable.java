package io.h2relay.hpack;

/**
 * The encoder's copy of the dynamic table (RFC 7541 §2.3.2, §4) with a hash index, as nghttp2 and Netty keep one:
 * finding a field or a name is a walk along one short bucket chain, not a scan of the table.
 *
 * <p>Entries live in a ring of reusable nodes, oldest evicted first. Each node sits in two chains: one keyed by the
 * name's hash (for name matches) and one by the hash of name and value (exact matches). New nodes go to the front of
 * their chains, so the first match found is the newest entry, which has the smallest index; the evicted node is
 * always the oldest and so the last of its kind in a chain.
 *
 * <p>The arrays start small and double as entries arrive, up to what the maximum size can hold (every entry takes at
 * least 32 octets, §4.1): a connection that inserts a handful of fields keeps a few hundred bytes of table, not the
 * 2.6 KB a 4,096-octet table needs when full.
 */
final class EncoderTable {

    private static final class Entry {
        String name;
        String value;
        int nameHash;
        int fieldHash;
        int size;
        /** Insertion number: the HPACK index follows from it and the count of insertions since. */
        long seq;
        Entry nextByName;
        Entry nextByField;
    }

    private Entry[] ring;
    /** Slot of the oldest entry. */
    private int oldest;
    private int count;
    private long inserted;
    private int size;
    private int maxSize;
    private Entry[] byName;
    private Entry[] byField;
    private int mask;

    /** Entries the arrays hold before their first doubling. */
    private static final int INITIAL_CAPACITY = 8;

    EncoderTable(int maxSize) {
        this.maxSize = maxSize;
        allocate(Math.min(INITIAL_CAPACITY, capacityFor(maxSize)));
    }

    /** The most entries a table of {@code maxSize} octets can hold. */
    private static int capacityFor(int maxSize) {
        return maxSize / 32 + 1;
    }

    private void allocate(int capacity) {
        ring = new Entry[capacity];
        int buckets = Integer.highestOneBit(Math.max(8, capacity) * 2 - 1);
        byName = new Entry[buckets];
        byField = new Entry[buckets];
        mask = buckets - 1;
        oldest = 0;
        count = 0;
        size = 0;
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

    static int nameHash(String name) {
        int h = name.hashCode();
        return h ^ h >>> 16;
    }

    static int fieldHash(int nameHash, String value) {
        int h = nameHash * 31 + value.hashCode();
        return h ^ h >>> 16;
    }

    /** HPACK index (62 and up) of the newest entry equal to name and value, or 0. */
    int findField(String name, String value, int fieldHash) {
        for (Entry e = byField[fieldHash & mask]; e != null; e = e.nextByField) {
            if (e.fieldHash == fieldHash && e.name.equals(name) && e.value.equals(value)) {
                return index(e);
            }
        }
        return 0;
    }

    /** HPACK index (62 and up) of the newest entry with this name, or 0. */
    int findName(String name, int nameHash) {
        for (Entry e = byName[nameHash & mask]; e != null; e = e.nextByName) {
            if (e.nameHash == nameHash && e.name.equals(name)) {
                return index(e);
            }
        }
        return 0;
    }

    private int index(Entry e) {
        return (int) (inserted - e.seq) + StaticTable.LENGTH;
    }

    /** Adds a field as §4.4 says: evict until it fits; a field larger than the table empties it. */
    void add(String name, String value, int nameHash, int fieldHash) {
        int entrySize = name.length() + value.length() + 32;
        if (entrySize > maxSize) {
            while (count > 0) {
                evictOldest();
            }
            return;
        }
        while (size + entrySize > maxSize) {
            evictOldest();
        }
        if (count == ring.length) {
            regrow(Math.min(ring.length * 2, capacityFor(maxSize)));
        }
        int slot = oldest + count;
        if (slot >= ring.length) {
            slot -= ring.length;
        }
        Entry e = ring[slot];
        if (e == null) {
            e = new Entry();
            ring[slot] = e;
        }
        e.name = name;
        e.value = value;
        e.nameHash = nameHash;
        e.fieldHash = fieldHash;
        e.size = entrySize;
        e.seq = inserted++;
        int nb = nameHash & mask;
        e.nextByName = byName[nb];
        byName[nb] = e;
        int fb = fieldHash & mask;
        e.nextByField = byField[fb];
        byField[fb] = e;
        count++;
        size += entrySize;
    }

    /** Applies a new maximum size (§4.3), evicting as needed; re-allocates when the entry count could outgrow it. */
    void setMaxSize(int newMax) {
        maxSize = newMax;
        while (size > maxSize) {
            evictOldest();
        }
    }

    /** Re-inserts the current entries, oldest first, into arrays of {@code capacity} entries. */
    private void regrow(int capacity) {
        Entry[] old = ring;
        int first = oldest;
        int n = count;
        long base = inserted - n;
        allocate(capacity);
        inserted = base;
        for (int i = 0; i < n; i++) {
            Entry e = old[(first + i) % old.length];
            add(e.name, e.value, e.nameHash, e.fieldHash);
        }
    }

    private void evictOldest() {
        Entry e = ring[oldest];
        unlinkByName(e);
        unlinkByField(e);
        size -= e.size;
        e.name = null;
        e.value = null;
        e.nextByName = null;
        e.nextByField = null;
        oldest = oldest + 1 == ring.length ? 0 : oldest + 1;
        count--;
    }

    private void unlinkByName(Entry e) {
        int b = e.nameHash & mask;
        Entry p = byName[b];
        if (p == e) {
            byName[b] = e.nextByName;
            return;
        }
        while (p.nextByName != e) {
            p = p.nextByName;
        }
        p.nextByName = e.nextByName;
    }

    private void unlinkByField(Entry e) {
        int b = e.fieldHash & mask;
        Entry p = byField[b];
        if (p == e) {
            byField[b] = e.nextByField;
            return;
        }
        while (p.nextByField != e) {
            p = p.nextByField;
        }
        p.nextByField = e.nextByField;
    }
}
