package io.h2relay.engine.priority;

import java.util.Arrays;

/**
 * One entry of the RFC 7540 §5.3 dependency tree. A node belongs to exactly one parent, so the keys and heap
 * positions it has in its parent's queues live in the node itself and removal from a queue is O(log n).
 *
 * <p>Two queues per node, for the two schedulers:
 * <ul>
 *   <li>{@link #children}: every child, keyed by (level, id), for the turn-based stride scheduler that
 *       python-hyper's {@code priority} uses ({@link PriorityTree#next()});</li>
 *   <li>{@link #activeChildren}: only children that are ready or have a ready descendant, keyed by
 *       (virtual time, id), for the byte-based weighted fair queueing of {@link StreamScheduler}.</li>
 * </ul>
 */
final class TreeNode {

    final int id;
    int weight;
    TreeNode parent;

    /** python {@code active}: has data to send, as far as {@link PriorityTree#next()} knows. */
    boolean active = true;

    /** Known only from priority signals (PRIORITY frames, auto-inserted parents, closed streams kept for
     *  RFC 9113 §5.3.4): evictable, oldest first, through the {@link #olderIdle}/{@link #newerIdle} list. */
    boolean idle;
    TreeNode olderIdle;
    TreeNode newerIdle;

    // Turn-based scheduler: this node's key in its parent's {@code children} and its own queue's state.
    long level;
    int deficit;
    int childIndex = -1;
    long lastLevel;
    final NodeHeap children = new NodeHeap(false);

    // Byte-based scheduler: this node's key in its parent's {@code activeChildren} and its own clock.
    boolean ready;
    /** Virtual finish time in the parent's queue; {@link #NO_TIME} after a move, so it restarts at the clock. */
    long vtime = NO_TIME;
    long vremainder;
    int activeIndex = -1;
    /** Start time of the child served last: where a child joining this node's queue enters. */
    long clock;
    final NodeHeap activeChildren = new NodeHeap(true);

    static final long NO_TIME = Long.MIN_VALUE;

    TreeNode(int id, int weight) {
        this.id = id;
        this.weight = weight;
    }

    /** Ready itself or through a descendant: then it belongs in its parent's {@link #activeChildren}. */
    boolean hasReadyWork() {
        return ready || activeChildren.size > 0;
    }

    @Override
    public String toString() {
        return "TreeNode<id=" + id + ", weight=" + weight + ">";
    }

    /** Binary min-heap of nodes ordered by (key, id); the key and slot index are fields of the nodes. */
    static final class NodeHeap {
        private static final TreeNode[] EMPTY = new TreeNode[0];

        private final boolean byVirtualTime;
        TreeNode[] nodes = EMPTY;
        int size;

        NodeHeap(boolean byVirtualTime) {
            this.byVirtualTime = byVirtualTime;
        }

        TreeNode peek() {
            return size == 0 ? null : nodes[0];
        }

        TreeNode get(int index) {
            return nodes[index];
        }

        void add(TreeNode node) {
            if (size == nodes.length) {
                nodes = Arrays.copyOf(nodes, Math.max(4, size * 2));
            }
            siftUp(size++, node);
        }

        void remove(TreeNode node) {
            int i = index(node);
            setIndex(node, -1);
            TreeNode last = nodes[--size];
            nodes[size] = null;
            if (i != size) {
                siftDown(i, last);
                if (nodes[i] == last) {
                    siftUp(i, last);
                }
            }
        }

        /** Restores order after {@code node}'s key grew. */
        void increased(TreeNode node) {
            siftDown(index(node), node);
        }

        /**
         * Removes the minimum but parks it in the slot the heap just gave up ({@code nodes[size]} afterwards), so a
         * scan can pop several nodes and put them back with {@link #reinsertParked} without allocating.
         */
        TreeNode pollAndPark() {
            TreeNode min = nodes[0];
            TreeNode last = nodes[--size];
            if (size > 0) {
                siftDown(0, last);
            }
            nodes[size] = min;
            setIndex(min, -1);
            return min;
        }

        /** Puts back the node parked at {@code nodes[size]} (the most recently parked one still out). */
        void reinsertParked() {
            TreeNode node = nodes[size];
            siftUp(size++, node);
        }

        private void siftUp(int i, TreeNode node) {
            while (i > 0) {
                int p = (i - 1) >>> 1;
                TreeNode up = nodes[p];
                if (!less(node, up)) {
                    break;
                }
                place(i, up);
                i = p;
            }
            place(i, node);
        }

        private void siftDown(int i, TreeNode node) {
            int half = size >>> 1;
            while (i < half) {
                int c = 2 * i + 1;
                TreeNode child = nodes[c];
                int r = c + 1;
                if (r < size && less(nodes[r], child)) {
                    c = r;
                    child = nodes[c];
                }
                if (!less(child, node)) {
                    break;
                }
                place(i, child);
                i = c;
            }
            place(i, node);
        }

        private boolean less(TreeNode a, TreeNode b) {
            long ka = byVirtualTime ? a.vtime : a.level;
            long kb = byVirtualTime ? b.vtime : b.level;
            return ka < kb || (ka == kb && a.id < b.id);
        }

        private void place(int i, TreeNode node) {
            nodes[i] = node;
            setIndex(node, i);
        }

        private int index(TreeNode node) {
            return byVirtualTime ? node.activeIndex : node.childIndex;
        }

        private void setIndex(TreeNode node, int i) {
            if (byVirtualTime) {
                node.activeIndex = i;
            } else {
                node.childIndex = i;
            }
        }
    }
}
