package io.h2relay.engine;

import java.util.Arrays;

/**
 * The request streams a PRIORITY_UPDATE named while they were still idle (RFC 9218 §7.1). The RFC bounds them: such
 * streams plus the active ones may not exceed SETTINGS_MAX_CONCURRENT_STREAMS. A stream stops being idle once its
 * opener uses its identifier or a higher one (RFC 9113 §5.1.1), so the set is the identifiers above the highest
 * opened, kept sorted and pruned from the bottom. The caller keeps it within the concurrency limit.
 */
final class IdlePriorities {

    private int[] ids = new int[4];
    private int size;

    /** How many named streams are still idle, given the highest identifier their side has opened. */
    int count(int highestOpened) {
        int drop = 0;
        while (drop < size && ids[drop] <= highestOpened) {
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(ids, drop, ids, 0, size - drop);
            size -= drop;
        }
        return size;
    }

    boolean contains(int streamId) {
        return Arrays.binarySearch(ids, 0, size, streamId) >= 0;
    }

    void add(int streamId) {
        int at = Arrays.binarySearch(ids, 0, size, streamId);
        if (at >= 0) {
            return;
        }
        at = -at - 1;
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        System.arraycopy(ids, at, ids, at + 1, size - at);
        ids[at] = streamId;
        size++;
    }
}
