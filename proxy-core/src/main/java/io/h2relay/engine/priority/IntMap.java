package io.h2relay.engine.priority;

/**
 * Stream id to value, open addressing with linear probing and backward-shift deletion. Exists so that the
 * per-frame lookups of the scheduler ({@code sent}, {@code setReady}) neither box the id nor allocate.
 */
final class IntMap<V> {

    private int[] keys;
    private Object[] values; // null marks a free slot
    private int size;
    private int mask;

    IntMap() {
        keys = new int[16];
        values = new Object[16];
        mask = 15;
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(int key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                return (V) v;
            }
        }
    }

    void put(int key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > values.length) { // load factor 1/2 keeps probe runs short
            resize(values.length * 2);
        }
    }

    @SuppressWarnings("unchecked")
    V remove(int key) {
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                V old = (V) values[i];
                deleteAt(i);
                size--;
                if (values.length > 16 && size * 8 < values.length) {
                    resize(values.length / 2); // give memory back after a burst (e.g. an idle-stream flood)
                }
                return old;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Shifts later members of the probe run back so lookups never stop early at the hole. */
    private void deleteAt(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (values[i] == null) {
                break;
            }
            int home = slot(keys[i]);
            // Move i into the hole unless its home lies cyclically in (hole, i].
            boolean homeBetween = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!homeBetween) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                hole = i;
            }
        }
        values[hole] = null;
    }

    private void resize(int capacity) {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (int j = 0; j < oldValues.length; j++) {
            if (oldValues[j] != null) {
                int i = slot(oldKeys[j]);
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    private int slot(int key) {
        int h = key * 0x9E3779B9; // Fibonacci hashing spreads the sequential stream ids
        return (h ^ (h >>> 16)) & mask;
    }
}
