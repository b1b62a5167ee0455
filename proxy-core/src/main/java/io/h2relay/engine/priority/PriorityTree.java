package io.h2relay.engine.priority;

import java.util.Arrays;

/**
 * The RFC 7540 §5.3 stream dependency tree, with the behaviour of python-hyper's {@code priority} library
 * (ENGINE_PARITY §4) and three deliberate departures where the RFC says otherwise:
 * <ul>
 *   <li>cycle repair (RFC 7540 §5.3.3) moves the new parent <em>with its subtree</em>; {@code priority} strips the
 *       moved stream's children into its old parent while also leaving them under it;</li>
 *   <li>{@link #remove} shares the removed stream's weight among its children in proportion to theirs
 *       (§5.3.4); {@code priority} keeps their old weights;</li>
 *   <li>the {@code maxStreams} check counts a missing parent that gets auto-inserted.</li>
 * </ul>
 *
 * <p>Two ways to bound the state: {@link #PriorityTree(int)} refuses entries past {@code maxStreams} with
 * {@link TooManyStreamsException}, as {@code priority} does; {@link #PriorityTree(int, int)} additionally keeps at
 * most {@code maxIdleEntries} <em>idle-only</em> entries (streams known only from priority signals: PRIORITY frames
 * for idle streams via {@link #insertIdle}, auto-inserted parents) and evicts the oldest of those, re-parenting
 * its children as {@link #remove} does, rather than refusing anything. A flood of PRIORITY frames for idle streams
 * (ENGINE_PARITY §9 t3, row 80) then costs bounded memory and raises nothing.
 *
 * <p>{@link #next()} is {@code priority}'s turn-based scheduler (stride scheduling derived from H2O's): siblings
 * get turns in proportion to their weights, a blocked stream passes its turns to its descendants. It allocates
 * nothing in steady state, but like the original it visits every blocked subtree it passes, so a call costs up to
 * O(blocked entries). {@link StreamScheduler} layers a byte-based scheduler over the same tree for the engine.
 *
 * <p>Not thread-safe; owned by one connection.
 */
public final class PriorityTree {

    public static final int DEFAULT_WEIGHT = 16;

    private final TreeNode root = new TreeNode(0, 1);
    private final IntMap<TreeNode> nodes = new IntMap<>();
    private final int maxStreams;
    private final int maxIdleEntries;
    private final boolean evicting;

    private TreeNode oldestIdle;
    private TreeNode newestIdle;
    private int idleCount;
    private long evictions;

    // Scratch stack for next(): the nodes whose queues are being scanned and their queue sizes before the scan.
    private TreeNode[] path = new TreeNode[16];
    private int[] pathSizes = new int[16];

    /**
     * A tree holding at most {@code maxStreams} entries, the root stream 0 included (as {@code priority} counts);
     * inserting past that throws {@link TooManyStreamsException}.
     */
    public PriorityTree(int maxStreams) {
        this(maxStreams, Integer.MAX_VALUE, false);
    }

    /**
     * A tree that evicts instead of refusing: at most {@code maxIdleEntries} (at least 2) idle-only entries are
     * kept, the oldest evicted first, and when {@code maxStreams} would be passed idle-only entries are evicted to
     * make room. Only when every entry is an open stream does an insert throw {@link TooManyStreamsException}.
     */
    public PriorityTree(int maxStreams, int maxIdleEntries) {
        this(maxStreams, maxIdleEntries, true);
        if (maxIdleEntries < 2) {
            // Two: an idle entry plus its auto-inserted idle parent must fit at once.
            throw new IllegalArgumentException("maxIdleEntries must be at least 2, got " + maxIdleEntries);
        }
    }

    private PriorityTree(int maxStreams, int maxIdleEntries, boolean evicting) {
        if (maxStreams <= 0) {
            throw new IllegalArgumentException("maxStreams must be a positive integer.");
        }
        this.maxStreams = maxStreams;
        this.maxIdleEntries = maxIdleEntries;
        this.evicting = evicting;
        root.active = false;
        nodes.put(0, root);
    }

    /**
     * Inserts an open stream. {@code dependsOn} 0 is the root; a parent that is not in the tree is first inserted
     * with default priority, blocked and idle-only (as {@code priority} does). {@code exclusive} makes the new
     * stream the parent's only child, adopting the parent's former children (RFC 7540 §5.3.1). The new stream
     * starts unblocked.
     *
     * @throws DuplicateStreamException the stream is already in the tree (0 always is)
     * @throws BadWeightException       weight outside 1..256
     * @throws PriorityLoopException    {@code dependsOn == streamId}
     * @throws TooManyStreamsException  the bound is reached and nothing can be evicted
     */
    public void insert(int streamId, int dependsOn, int weight, boolean exclusive) {
        add(streamId, dependsOn, weight, exclusive, false);
    }

    /**
     * Inserts an idle-only entry: a stream known only from a priority signal (a PRIORITY frame for an idle or
     * closed stream, RFC 9113 §5.1). Same rules as {@link #insert}, but the entry starts blocked and, in the
     * evicting mode, may be evicted (oldest first) until {@link #markOpen} says the stream opened.
     */
    public void insertIdle(int streamId, int dependsOn, int weight, boolean exclusive) {
        add(streamId, dependsOn, weight, exclusive, true);
    }

    /**
     * Moves a stream (RFC 7540 §5.3.3): to depend on {@code dependsOn} (0 = the root, inserted blocked and
     * idle-only when missing), with a new weight, taking its own children along. If the new parent currently
     * depends on this stream, the new parent is first moved, with its subtree and weight, to this stream's former
     * parent. {@code exclusive} adopts the new parent's other children.
     *
     * @throws PseudoStreamException   stream 0
     * @throws MissingStreamException  the stream is not in the tree
     * @throws BadWeightException      weight outside 1..256
     * @throws PriorityLoopException   {@code dependsOn == streamId}
     * @throws TooManyStreamsException a missing parent would pass the bound and nothing can be evicted
     */
    public void reprioritize(int streamId, int dependsOn, int weight, boolean exclusive) {
        if (streamId == 0) {
            throw new PseudoStreamException("Cannot reprioritize stream 0");
        }
        TreeNode node = existing(streamId);
        checkWeight(weight);
        if (dependsOn == streamId) {
            throw new PriorityLoopException("Stream " + streamId + " must not depend on itself");
        }
        TreeNode parent = nodes.get(dependsOn);
        if (parent == null) {
            makeRoom(1, 1, node, null);
            parent = insertPlaceholder(dependsOn);
        }
        node.weight = weight;
        if (parent != root && isAncestor(node, parent)) {
            TreeNode formerParent = node.parent;
            unlink(parent);
            link(formerParent, parent, formerParent.lastLevel);
        }
        unlink(node);
        if (exclusive) {
            linkExclusive(parent, node);
        } else {
            link(parent, node, parent.lastLevel);
        }
    }

    /**
     * Removes a stream; its children move to its parent and share its weight in proportion to their own weights
     * (RFC 7540 §5.3.4), each keeping at least 1.
     *
     * @throws PseudoStreamException  stream 0
     * @throws MissingStreamException the stream is not in the tree
     */
    public void remove(int streamId) {
        if (streamId == 0) {
            throw new PseudoStreamException("Cannot remove stream 0");
        }
        removeNode(existing(streamId));
    }

    /** Marks a stream as having nothing to send, for {@link #next()}. */
    public void block(int streamId) {
        if (streamId == 0) {
            throw new PseudoStreamException("Cannot block stream 0");
        }
        existing(streamId).active = false;
    }

    /** Marks a stream as having data to send, for {@link #next()}. */
    public void unblock(int streamId) {
        if (streamId == 0) {
            throw new PseudoStreamException("Cannot unblock stream 0");
        }
        existing(streamId).active = true;
    }

    /**
     * Turns an idle-only entry into an open stream: it is no longer evictable. The engine calls this when a stream
     * first seen in a PRIORITY frame opens. No effect on an entry that is already open.
     *
     * @throws MissingStreamException the stream is not in the tree
     */
    public void markOpen(int streamId) {
        TreeNode node = existing(streamId);
        if (node.idle) {
            unlistIdle(node);
        }
    }

    /**
     * The stream that should send next: an unblocked stream all of whose ancestors are blocked, chosen by
     * weighted turns among siblings.
     *
     * @throws DeadlockException every stream is blocked
     */
    public int next() {
        TreeNode found = schedule();
        if (found == null) {
            throw new DeadlockException("No unblocked streams to schedule.");
        }
        return found.id;
    }

    public boolean contains(int streamId) {
        return nodes.get(streamId) != null;
    }

    /** Entries besides the root stream 0 (which {@code maxStreams} also counts). */
    public int size() {
        return nodes.size() - 1;
    }

    /** Idle-only entries currently held. */
    public int idleCount() {
        return idleCount;
    }

    /** Idle-only entries evicted so far (a counter for the runtime's metrics). */
    public long evictions() {
        return evictions;
    }

    // ---- package-private view for StreamScheduler and the tests ----

    TreeNode root() {
        return root;
    }

    TreeNode node(int streamId) {
        return nodes.get(streamId);
    }

    /**
     * Keeps a closed stream's entry as idle-only state, evictable oldest first, so later signals that name it
     * still find it where the peer expects (RFC 9113 §5.3.4 asks to retain closed streams' priority state for a
     * while). A strict tree has nothing to evict, so there the entry is removed instead.
     */
    void retire(int streamId) {
        TreeNode node = nodes.get(streamId);
        if (node == null || node == root) {
            return;
        }
        setReady(node, false);
        node.active = false;
        if (!evicting) {
            removeNode(node);
        } else if (!node.idle) {
            if (idleCount >= maxIdleEntries) {
                evictOne(node, null);
            }
            listIdle(node);
        }
    }

    /** Drops a closed stream's entry at once, without keeping idle state for it (its dependents move up). */
    void forget(int streamId) {
        TreeNode node = nodes.get(streamId);
        if (node == null || node == root) {
            return;
        }
        setReady(node, false);
        node.active = false;
        removeNode(node);
    }

    /** Byte scheduler: whether the stream has data and window (see {@link StreamScheduler#setReady}). */
    void setReady(TreeNode node, boolean ready) {
        if (node.ready != ready) {
            node.ready = ready;
            requeue(node);
        }
    }

    /**
     * Byte scheduler: the ready stream to serve next. Descends from the root along the smallest virtual times; a
     * ready stream is taken before any of its descendants (RFC 7540 §5.3.1: dependents get resources only when
     * their ancestors cannot use them). Null when nothing is ready. Changes nothing.
     */
    TreeNode selectReady() {
        TreeNode n = root;
        while (true) {
            if (n.ready && n != root) {
                return n;
            }
            TreeNode child = n.activeChildren.peek();
            if (child == null) {
                return null;
            }
            n = child;
        }
    }

    /**
     * Byte scheduler: {@code bytes} were sent for {@code node}. Every subtree on the path to the root advances its
     * virtual time in its parent's queue by bytes * 256 / weight (remainders carried), so over time siblings
     * receive bytes in proportion to their weights, whatever their frame sizes.
     */
    void charge(TreeNode node, int bytes) {
        for (TreeNode n = node; n != root && n.parent != null; n = n.parent) {
            TreeNode p = n.parent;
            long start = n.activeIndex >= 0 ? n.vtime : Math.max(n.vtime, p.clock);
            if (start > p.clock) {
                p.clock = start;
            }
            long units = (long) bytes * 256 + n.vremainder;
            n.vtime = start + units / n.weight;
            n.vremainder = units % n.weight;
            if (n.activeIndex >= 0) {
                p.activeChildren.increased(n);
            }
        }
    }

    // ---- insertion, removal, eviction ----

    private void add(int streamId, int dependsOn, int weight, boolean exclusive, boolean idle) {
        if (nodes.get(streamId) != null) {
            throw new DuplicateStreamException("Stream " + streamId + " already in tree");
        }
        checkWeight(weight);
        if (dependsOn == streamId) {
            throw new PriorityLoopException("Stream " + streamId + " must not depend on itself.");
        }
        TreeNode parent = nodes.get(dependsOn);
        int missingParent = parent == null ? 1 : 0;
        makeRoom(1 + missingParent, (idle ? 1 : 0) + missingParent, parent, null);
        if (parent == null) {
            parent = insertPlaceholder(dependsOn);
        }
        TreeNode node = new TreeNode(streamId, weight);
        nodes.put(streamId, node);
        if (idle) {
            node.active = false;
            listIdle(node);
        }
        if (exclusive) {
            linkExclusive(parent, node);
        } else {
            link(parent, node, parent.lastLevel);
        }
    }

    /** A parent named by a signal but unknown: default priority under the root, blocked, idle-only. */
    private TreeNode insertPlaceholder(int streamId) {
        TreeNode node = new TreeNode(streamId, DEFAULT_WEIGHT);
        node.active = false;
        nodes.put(streamId, node);
        listIdle(node);
        link(root, node, root.lastLevel);
        return node;
    }

    /**
     * Ensures {@code newEntries} more entries (of which {@code newIdle} idle-only) fit, evicting the oldest
     * idle-only entries other than the pinned ones in the evicting mode. Throws before changing anything when
     * they cannot fit.
     */
    private void makeRoom(int newEntries, int newIdle, TreeNode pin1, TreeNode pin2) {
        long excessTotal = (long) nodes.size() + newEntries - maxStreams;
        if (!evicting) {
            if (excessTotal > 0) {
                throw new TooManyStreamsException("Refusing to insert more than " + maxStreams
                        + " streams into the priority tree");
            }
            return;
        }
        long excessIdle = (long) idleCount + newIdle - maxIdleEntries;
        long toEvict = Math.max(0, Math.max(excessTotal, excessIdle));
        int pinnedIdle = (pin1 != null && pin1.idle ? 1 : 0) + (pin2 != null && pin2 != pin1 && pin2.idle ? 1 : 0);
        if (toEvict > idleCount - pinnedIdle) {
            throw new TooManyStreamsException("Refusing to insert more than " + maxStreams
                    + " streams into the priority tree: every entry is an open stream");
        }
        for (long i = 0; i < toEvict; i++) {
            evictOne(pin1, pin2);
        }
    }

    private void evictOne(TreeNode pin1, TreeNode pin2) {
        TreeNode victim = oldestIdle;
        while (victim == pin1 || victim == pin2) {
            victim = victim.newerIdle;
        }
        removeNode(victim);
        evictions++;
    }

    private void removeNode(TreeNode node) {
        TreeNode parent = node.parent;
        unlink(node);
        nodes.remove(node.id);
        if (node.idle) {
            unlistIdle(node);
        }
        TreeNode.NodeHeap children = node.children;
        int weightSum = 0;
        for (int i = 0; i < children.size; i++) {
            weightSum += children.get(i).weight;
        }
        while (children.size > 0) {
            TreeNode child = children.get(children.size - 1);
            unlink(child);
            child.weight = Math.max(1, node.weight * child.weight / weightSum);
            link(parent, child, parent.lastLevel);
        }
        node.ready = false;
    }

    private void listIdle(TreeNode node) {
        node.idle = true;
        node.olderIdle = newestIdle;
        node.newerIdle = null;
        if (newestIdle == null) {
            oldestIdle = node;
        } else {
            newestIdle.newerIdle = node;
        }
        newestIdle = node;
        idleCount++;
    }

    private void unlistIdle(TreeNode node) {
        if (node.olderIdle == null) {
            oldestIdle = node.newerIdle;
        } else {
            node.olderIdle.newerIdle = node.newerIdle;
        }
        if (node.newerIdle == null) {
            newestIdle = node.olderIdle;
        } else {
            node.newerIdle.olderIdle = node.olderIdle;
        }
        node.olderIdle = null;
        node.newerIdle = null;
        node.idle = false;
        idleCount--;
    }

    // ---- structure: every move goes through link/unlink so both schedulers' queues stay in step ----

    private void link(TreeNode parent, TreeNode child, long level) {
        child.parent = parent;
        child.level = level;
        parent.children.add(child);
        requeue(child);
    }

    private void unlink(TreeNode child) {
        TreeNode parent = child.parent;
        parent.children.remove(child);
        if (child.activeIndex >= 0) {
            parent.activeChildren.remove(child);
            requeue(parent);
        }
        child.parent = null;
        child.vtime = TreeNode.NO_TIME; // a virtual time means nothing under another parent
        child.vremainder = 0;
    }

    /** {@code priority}'s add_child_exclusive: the parent's children move under {@code node}, which becomes the
     *  parent's only child; the parent's turn queue restarts at level 0. */
    private void linkExclusive(TreeNode parent, TreeNode node) {
        TreeNode.NodeHeap siblings = parent.children;
        while (siblings.size > 0) {
            TreeNode sibling = siblings.get(siblings.size - 1);
            unlink(sibling);
            link(node, sibling, node.lastLevel);
        }
        parent.lastLevel = 0;
        link(parent, node, 0);
    }

    /** Puts {@code node} into, or takes it out of, its parent's active queue as its ready work says; upward. */
    private void requeue(TreeNode node) {
        while (node != root && node.parent != null) {
            boolean wanted = node.hasReadyWork();
            if (wanted == (node.activeIndex >= 0)) {
                return;
            }
            TreeNode parent = node.parent;
            if (wanted) {
                // Enter at the parent's clock; a stream that overdrew before pausing keeps its debt.
                if (node.vtime < parent.clock) {
                    node.vtime = parent.clock;
                }
                parent.activeChildren.add(node);
            } else {
                parent.activeChildren.remove(node);
            }
            node = parent;
        }
    }

    private static boolean isAncestor(TreeNode ancestor, TreeNode node) {
        for (TreeNode n = node.parent; n != null; n = n.parent) {
            if (n == ancestor) {
                return true;
            }
        }
        return false;
    }

    private TreeNode existing(int streamId) {
        TreeNode node = nodes.get(streamId);
        if (node == null) {
            throw new MissingStreamException("Stream " + streamId + " not in tree");
        }
        return node;
    }

    private static void checkWeight(int weight) {
        if (weight < 1 || weight > 256) {
            throw new BadWeightException("Stream weight must be between 1 and 256 (inclusive)");
        }
    }

    // ---- priority's turn scheduler, without recursion or allocation ----

    /**
     * From the root, pop children in (level, id) order: an unblocked child is the answer, a blocked one is searched
     * the same way. Every child popped on the way, answer or not, goes back with its level advanced by
     * (256 + deficit) / weight, and each scanned queue remembers the level it stopped at (new children enter
     * there). This is {@code priority}'s {@code Stream.schedule} with its recursion unrolled onto {@link #path}.
     */
    private TreeNode schedule() {
        int top = 0;
        path[0] = root;
        pathSizes[0] = root.children.size;
        TreeNode found = null;
        while (true) {
            TreeNode n = path[top];
            if (n.children.size == 0) {
                restore(n, pathSizes[top]);  // nothing schedulable below n
                path[top] = null;
                if (top == 0) {
                    return null;
                }
                top--;
                continue;
            }
            TreeNode child = n.children.pollAndPark();
            if (child.active) {
                found = child;
                break;
            }
            if (++top == path.length) {
                path = Arrays.copyOf(path, top * 2);
                pathSizes = Arrays.copyOf(pathSizes, top * 2);
            }
            path[top] = child;
            pathSizes[top] = child.children.size;
        }
        for (int i = top; i >= 0; i--) {
            restore(path[i], pathSizes[i]);
            path[i] = null;
        }
        return found;
    }

    /** Puts back the children parked while scanning {@code n}'s queue, each advanced by one turn. */
    private static void restore(TreeNode n, int sizeBefore) {
        TreeNode.NodeHeap queue = n.children;
        if (queue.size == sizeBefore) {
            return;
        }
        n.lastLevel = queue.get(queue.size).level; // the last one popped: the highest level seen
        while (queue.size < sizeBefore) {
            TreeNode child = queue.get(queue.size);
            int step = 256 + child.deficit;
            child.level += step / child.weight;
            child.deficit = step % child.weight;
            queue.reinsertParked();
        }
    }
}
