package io.h2relay.engine.priority;

import java.util.Arrays;

/**
 * Chooses which stream's DATA goes out next when several have data queued and flow-control window. The engine
 * keeps it told: {@link #add} when a stream can carry DATA, {@link #setReady} whenever "has queued data AND a
 * positive window" changes, {@link #sent} after each frame, {@link #remove} when the stream closes. Then
 * {@link #next()} never returns a stream that cannot send, and returns -1 when none can, so a sender loop sleeps
 * instead of spinning on a zero window (ENGINE_PARITY row 82, Twisted's busy loop §9 t1).
 *
 * <p>Two schemes, picked per connection by the engine (RFC 9218 §2.1, SETTINGS_NO_RFC7540_PRIORITIES); each
 * ignores the other's signals:
 * <ul>
 *   <li>{@link Scheme#RFC9218}: the lowest urgency with a ready stream goes first (§10). Within one urgency,
 *       non-incremental streams go one at a time, the lowest stream id first, for as long as it stays ready
 *       ("served one-by-one based on the Stream ID"); only when none is ready do the incremental streams of that
 *       urgency go, round-robin one frame each. Policy: non-incremental first, because a non-incremental response
 *       is useless to the client until complete, so finishing it early costs the incremental ones the least.
 *       Strict urgency order can starve lower urgencies while higher ones stay ready, as the RFC's
 *       recommendations imply; §10's starvation note is left to the caller (it can lower an urgency).</li>
 *   <li>{@link Scheme#RFC7540}: the dependency tree of {@link PriorityTree}, with weighted fair queueing over
 *       <em>bytes</em> (not turns): each subtree's virtual time in its parent's queue advances by
 *       bytes * 256 / weight on {@link #sent}, and the smallest virtual time goes next, so weights 16:32 share
 *       bytes 1:2 whatever the frame sizes. A ready stream goes before its dependents (RFC 7540 §5.3.1); a blocked
 *       stream's share passes to its dependents.</li>
 * </ul>
 *
 * <p>State for streams that are not open is bounded by {@code maxTrackedStreams} and evicted oldest first: entries
 * made by PRIORITY frames for idle streams, their auto-inserted parents and closed streams kept for RFC 9113
 * §5.3.4 (RFC 7540 scheme), PRIORITY_UPDATEs that arrive before their stream opens (RFC 9218 §7: "Servers SHOULD
 * buffer the most recently received PRIORITY_UPDATE frame"). Open streams are bounded by the engine's
 * SETTINGS_MAX_CONCURRENT_STREAMS, not here.
 *
 * <p>{@code next}, {@code sent}, {@code setReady} and {@code hasReady} cost O(1) or O(log n) (times the tree depth
 * in the RFC 7540 scheme) and allocate nothing. Not thread-safe.
 */
public final class StreamScheduler {

    public enum Scheme { RFC9218, RFC7540 }

    private static final int URGENCIES = 8;

    private final Scheme scheme;
    private final int maxTrackedStreams;

    // RFC 7540 scheme
    private final PriorityTree tree;
    /** The peer sent an RFC 7540 dependency (PRIORITY frame or HEADERS priority fields) on this connection. */
    private boolean dependencySignalled;

    // RFC 9218 scheme: per urgency a min-heap (by id) of ready non-incremental streams and a ring of ready
    // incremental ones; bit u of readyMask says urgency u has something ready.
    private final IntMap<Entry> entries;
    private final Entry[][] heaps;
    private final int[] heapSizes;
    private final Entry[] rings;
    private int readyMask;
    private Entry oldestPending;
    private Entry newestPending;
    private int pendingCount;

    /**
     * @param maxTrackedStreams the most entries kept for streams that are not open (at least 2)
     */
    public StreamScheduler(Scheme scheme, int maxTrackedStreams) {
        if (maxTrackedStreams < 2) {
            throw new IllegalArgumentException("maxTrackedStreams must be at least 2, got " + maxTrackedStreams);
        }
        this.scheme = scheme;
        this.maxTrackedStreams = maxTrackedStreams;
        if (scheme == Scheme.RFC7540) {
            tree = new PriorityTree(Integer.MAX_VALUE, maxTrackedStreams);
            entries = null;
            heaps = null;
            heapSizes = null;
            rings = null;
        } else {
            tree = null;
            entries = new IntMap<>();
            heaps = new Entry[URGENCIES][];
            for (int u = 0; u < URGENCIES; u++) {
                heaps[u] = new Entry[4];
            }
            heapSizes = new int[URGENCIES];
            rings = new Entry[URGENCIES];
        }
    }

    public Scheme scheme() {
        return scheme;
    }

    /**
     * A stream opened (its HEADERS was sent or received) and may carry DATA; it starts not ready. In the RFC 9218
     * scheme {@code priority} is its initial priority (the request's {@code priority} header), unless a
     * PRIORITY_UPDATE already arrived for it, which wins (RFC 9218 §7). In the RFC 7540 scheme a stream already
     * known from PRIORITY signals keeps its place in the tree; otherwise it depends on the root with weight 16.
     *
     * @throws DuplicateStreamException the stream was already added
     */
    public void add(int streamId, Priority priority) {
        if (streamId == 0) {
            throw new PseudoStreamException("Cannot schedule stream 0");
        }
        if (scheme == Scheme.RFC7540) {
            TreeNode node = tree.node(streamId);
            if (node == null) {
                tree.insert(streamId, 0, PriorityTree.DEFAULT_WEIGHT, false);
            } else if (node.idle) {
                tree.markOpen(streamId);
            } else {
                throw new DuplicateStreamException("Stream " + streamId + " already scheduled");
            }
            return;
        }
        Entry entry = entries.get(streamId);
        if (entry == null) {
            entries.put(streamId, new Entry(streamId, priority == null ? Priority.DEFAULT : priority));
        } else if (!entry.open) {
            unlistPending(entry);
            entry.open = true;
        } else {
            throw new DuplicateStreamException("Stream " + streamId + " already scheduled");
        }
    }

    /**
     * An RFC 9218 signal: a PRIORITY_UPDATE (or the priority the proxy decided on, RFC 9218 §8). For a stream not
     * yet added, it is kept (bounded, oldest evicted) and applied when the stream is added. Ignored by the RFC 7540
     * scheme.
     */
    public void updatePriority(int streamId, Priority priority) {
        if (streamId == 0) {
            throw new PseudoStreamException("Cannot prioritize stream 0");
        }
        if (scheme != Scheme.RFC9218) {
            return;
        }
        Priority p = priority == null ? Priority.DEFAULT : priority;
        Entry entry = entries.get(streamId);
        if (entry == null) {
            if (pendingCount >= maxTrackedStreams) {
                Entry oldest = oldestPending;
                unlistPending(oldest);
                entries.remove(oldest.id);
            }
            entry = new Entry(streamId, p);
            entry.open = false;
            listPending(entry);
            entries.put(streamId, entry);
        } else if (entry.ready) {
            detach(entry);
            entry.priority = p;
            attach(entry);
        } else {
            entry.priority = p;
        }
    }

    /**
     * An RFC 7540 signal: the priority fields of a HEADERS or PRIORITY frame. For a stream not in the tree (a
     * PRIORITY frame for an idle or closed stream) an evictable entry is made. Validated in both schemes, ignored
     * by the RFC 9218 one.
     *
     * @throws PriorityLoopException {@code dependsOn == streamId}: RFC 7540 §5.3.1 makes it a stream error of type
     *                               PROTOCOL_ERROR
     * @throws BadWeightException    weight outside 1..256
     * @throws PseudoStreamException stream 0
     */
    public void updateDependency(int streamId, int dependsOn, int weight, boolean exclusive) {
        if (streamId == 0) {
            throw new PseudoStreamException("Cannot reprioritize stream 0");
        }
        if (dependsOn == streamId) {
            throw new PriorityLoopException("Stream " + streamId + " must not depend on itself");
        }
        if (weight < 1 || weight > 256) {
            throw new BadWeightException("Stream weight must be between 1 and 256 (inclusive)");
        }
        if (scheme != Scheme.RFC7540) {
            return;
        }
        dependencySignalled = true;
        if (tree.contains(streamId)) {
            tree.reprioritize(streamId, dependsOn, weight, exclusive);
        } else {
            tree.insertIdle(streamId, dependsOn, weight, exclusive);
        }
    }

    /**
     * The stream closed or can send no more DATA. In the RFC 7540 scheme its tree entry stays on as evictable
     * idle state, so dependents keep their place until it is evicted (RFC 9113 §5.3.4) — once the peer has sent a
     * dependency at all: until then every stream hangs off the root with the default weight, no signal can name a
     * closed stream's place, and keeping (then evicting) an entry per request would cost every request for nothing.
     * Unknown ids are ignored.
     */
    public void remove(int streamId) {
        if (scheme == Scheme.RFC7540) {
            if (dependencySignalled) {
                tree.retire(streamId);
            } else {
                tree.forget(streamId);
            }
            return;
        }
        Entry entry = entries.remove(streamId);
        if (entry == null) {
            return;
        }
        if (entry.ready) {
            detach(entry);
        } else if (!entry.open) {
            unlistPending(entry);
        }
    }

    /**
     * Whether the stream can send now: it has DATA (or an END_STREAM) queued AND, for DATA, a positive window in
     * both the stream and the connection. Call on every change; a not-ready stream is never returned by
     * {@link #next()}. {@code false} for an unknown stream is ignored.
     *
     * @throws MissingStreamException {@code true} for a stream that was not added (or was removed)
     */
    public void setReady(int streamId, boolean ready) {
        if (scheme == Scheme.RFC7540) {
            TreeNode node = tree.node(streamId);
            if (node == null || node.idle || streamId == 0) {
                requireNotReady(streamId, ready);
                return;
            }
            tree.setReady(node, ready);
            return;
        }
        Entry entry = entries.get(streamId);
        if (entry == null || !entry.open) {
            requireNotReady(streamId, ready);
            return;
        }
        if (entry.ready != ready) {
            if (ready) {
                entry.ready = true;
                attach(entry);
            } else {
                detach(entry);
                entry.ready = false;
            }
        }
    }

    /** Whether {@link #next()} has a stream to return. O(1). */
    public boolean hasReady() {
        return scheme == Scheme.RFC7540 ? tree.root().activeChildren.size > 0 : readyMask != 0;
    }

    /** The stream that should send the next frame, or -1 when no stream is ready. Changes nothing. */
    public int next() {
        if (scheme == Scheme.RFC7540) {
            TreeNode node = tree.selectReady();
            return node == null ? -1 : node.id;
        }
        if (readyMask == 0) {
            return -1;
        }
        int u = Integer.numberOfTrailingZeros(readyMask);
        return heapSizes[u] > 0 ? heaps[u][0].id : rings[u].id;
    }

    /**
     * {@code bytes} of DATA were sent for the stream (the flow-controlled length; a caller may add the 9-octet frame
     * header so empty frames cost something). Moves an incremental stream to the back of its round (RFC 9218) or
     * advances the virtual times on its path (RFC 7540). Unknown ids are ignored (the stream may just have closed).
     */
    public void sent(int streamId, int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes);
        }
        if (scheme == Scheme.RFC7540) {
            TreeNode node = tree.node(streamId);
            if (node != null && streamId != 0) {
                tree.charge(node, bytes);
            }
            return;
        }
        Entry entry = entries.get(streamId);
        if (entry != null && entry.ready && entry.priority.incremental()) {
            int u = entry.priority.urgency();
            if (rings[u] == entry) {
                rings[u] = entry.next; // the head goes to the tail: O(1) on a circular list
            } else {
                ringRemove(u, entry);
                ringAdd(u, entry);
            }
        }
    }

    /** The stream's current RFC 9218 priority, or null (unknown stream, or the RFC 7540 scheme). */
    public Priority priorityOf(int streamId) {
        if (scheme != Scheme.RFC9218) {
            return null;
        }
        Entry entry = entries.get(streamId);
        return entry == null ? null : entry.priority;
    }

    /** Entries held, open or not (the root of the RFC 7540 tree not counted). */
    public int trackedStreams() {
        return scheme == Scheme.RFC7540 ? tree.size() : entries.size();
    }

    /** The RFC 7540 tree, for tests; null in the RFC 9218 scheme. */
    PriorityTree tree() {
        return tree;
    }

    private static void requireNotReady(int streamId, boolean ready) {
        if (ready) {
            throw new MissingStreamException("Stream " + streamId + " was not added to the scheduler");
        }
    }

    // ---- RFC 9218 structures ----

    private void attach(Entry e) {
        int u = e.priority.urgency();
        if (e.priority.incremental()) {
            ringAdd(u, e);
        } else {
            heapAdd(u, e);
        }
        readyMask |= 1 << u;
    }

    private void detach(Entry e) {
        int u = e.priority.urgency();
        if (e.priority.incremental()) {
            ringRemove(u, e);
        } else {
            heapRemove(u, e);
        }
        if (heapSizes[u] == 0 && rings[u] == null) {
            readyMask &= ~(1 << u);
        }
    }

    private void ringAdd(int u, Entry e) {
        Entry head = rings[u];
        if (head == null) {
            e.prev = e;
            e.next = e;
            rings[u] = e;
        } else {
            Entry tail = head.prev;
            tail.next = e;
            e.prev = tail;
            e.next = head;
            head.prev = e;
        }
    }

    private void ringRemove(int u, Entry e) {
        if (e.next == e) {
            rings[u] = null;
        } else {
            e.prev.next = e.next;
            e.next.prev = e.prev;
            if (rings[u] == e) {
                rings[u] = e.next;
            }
        }
        e.prev = null;
        e.next = null;
    }

    private void heapAdd(int u, Entry e) {
        Entry[] heap = heaps[u];
        int i = heapSizes[u]++;
        if (i == heap.length) {
            heap = heaps[u] = Arrays.copyOf(heap, i * 2);
        }
        siftUp(heap, i, e);
    }

    private void heapRemove(int u, Entry e) {
        Entry[] heap = heaps[u];
        int i = e.heapIndex;
        int last = --heapSizes[u];
        Entry moved = heap[last];
        heap[last] = null;
        e.heapIndex = -1;
        if (i != last) {
            siftDown(heap, heapSizes[u], i, moved);
            if (heap[i] == moved) {
                siftUp(heap, i, moved);
            }
        }
    }

    private static void siftUp(Entry[] heap, int i, Entry e) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (heap[p].id <= e.id) {
                break;
            }
            heap[i] = heap[p];
            heap[i].heapIndex = i;
            i = p;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private static void siftDown(Entry[] heap, int size, int i, Entry e) {
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && heap[c + 1].id < heap[c].id) {
                c++;
            }
            if (heap[c].id >= e.id) {
                break;
            }
            heap[i] = heap[c];
            heap[i].heapIndex = i;
            i = c;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void listPending(Entry e) {
        e.prev = newestPending;
        e.next = null;
        if (newestPending == null) {
            oldestPending = e;
        } else {
            newestPending.next = e;
        }
        newestPending = e;
        pendingCount++;
    }

    private void unlistPending(Entry e) {
        if (e.prev == null) {
            oldestPending = e.next;
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            newestPending = e.prev;
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        pendingCount--;
    }

    /**
     * One stream in the RFC 9218 scheme. {@code prev}/{@code next} link it into its urgency's ring while it is
     * ready and incremental, or into the pending list while it is known only from a PRIORITY_UPDATE.
     */
    private static final class Entry {
        final int id;
        Priority priority;
        boolean open = true;
        boolean ready;
        int heapIndex = -1;
        Entry prev;
        Entry next;

        Entry(int id, Priority priority) {
            this.id = id;
            this.priority = priority;
        }
    }
}
