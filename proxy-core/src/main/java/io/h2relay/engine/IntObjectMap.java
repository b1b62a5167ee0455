package io.h2relay.engine;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A map from positive int keys (stream identifiers) to objects, with open addressing and linear probing: lookups and
 * updates allocate nothing, unlike a {@code HashMap<Integer, V>} that boxes every identifier above 127. Removal
 * shifts the following entries back, so there are no tombstones. Key 0 marks a free slot (stream 0 is never a
 * stream of its own).
 */
final class IntObjectMap<V> {

    private int[] keys;
    private Object[] values;
    private int size;
    private int mask;
    private int shift;

    IntObjectMap(int expected) {
        allocate(Integer.highestOneBit(Math.max(4, expected)) << 2);
    }

    private void allocate(int capacity) {
        keys = new int[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(int key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    void put(int key, V value) {
        if (key <= 0) {
            throw new IllegalArgumentException("key must be positive: " + key);
        }
        int i = slot(key);
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            keys[i] = key;
            size++;
        }
        values[i] = value;
        if (size * 2 > keys.length) {
            grow();
        }
    }

    /** Removes the key; returns whether it was there. */
    boolean remove(int key) {
        int i = slot(key);
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return false;
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: move later entries of the probe run into the hole when their home allows it.
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
        size--;
        return true;
    }

    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<V> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                action.accept((V) values[i]);
            }
        }
    }

    /** Fibonacci hashing: stream identifiers are sequential, the multiply spreads them. */
    private int slot(int key) {
        return (key * 0x9E3779B9) >>> shift;
    }

    private void grow() {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(oldKeys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                @SuppressWarnings("unchecked")
                V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
        Arrays.fill(oldValues, null);
    }
}
