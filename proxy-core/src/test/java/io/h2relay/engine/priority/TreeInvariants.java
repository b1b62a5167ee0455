package io.h2relay.engine.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Structural checks on a {@link PriorityTree}, shared by the example and the property tests. */
final class TreeInvariants {

    private TreeInvariants() {
    }

    /** Every entry reachable from the root exactly once, parent links and both queues consistent. */
    static List<TreeNode> checkWellFormed(PriorityTree tree) {
        TreeNode root = tree.root();
        assertNull(root.parent, "the root has no parent");
        List<TreeNode> all = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        ArrayDeque<TreeNode> queue = new ArrayDeque<>();
        queue.add(root);
        int idle = 0;
        while (!queue.isEmpty()) {
            TreeNode n = queue.poll();
            assertTrue(seen.add(n.id), () -> "stream " + n.id + " reached twice: the tree has a cycle or a shared child");
            assertSame(n, tree.node(n.id), "map and tree disagree about " + n.id);
            all.add(n);
            if (n.idle) {
                idle++;
            }
            TreeNode.NodeHeap children = n.children;
            for (int i = 0; i < children.size; i++) {
                TreeNode c = children.get(i);
                assertSame(n, c.parent, "child " + c.id + " of " + n.id + " points elsewhere");
                assertEquals(i, c.childIndex, "heap index of " + c.id);
                assertTrue(c.weight >= 1 && c.weight <= 256, "weight of " + c.id);
                if (i > 0) {
                    TreeNode p = children.get((i - 1) / 2);
                    assertTrue(p.level < c.level || (p.level == c.level && p.id < c.id), "turn heap order under " + n.id);
                }
                assertEquals(c.hasReadyWork(), c.activeIndex >= 0, "active-queue membership of " + c.id);
                queue.add(c);
            }
            TreeNode.NodeHeap active = n.activeChildren;
            for (int i = 0; i < active.size; i++) {
                TreeNode c = active.get(i);
                assertSame(n, c.parent, "active child " + c.id + " of " + n.id + " points elsewhere");
                assertEquals(i, c.activeIndex, "active heap index of " + c.id);
                if (i > 0) {
                    TreeNode p = active.get((i - 1) / 2);
                    assertTrue(p.vtime < c.vtime || (p.vtime == c.vtime && p.id < c.id), "byte heap order under " + n.id);
                }
            }
        }
        assertEquals(tree.size() + 1, all.size(), "entries unreachable from the root");
        assertEquals(tree.idleCount(), idle, "idle count");
        return all;
    }

    /** next() returns an unblocked stream whose ancestors are all blocked, or throws when none is unblocked. */
    static void checkNext(PriorityTree tree, List<TreeNode> all) {
        boolean anyActive = all.stream().anyMatch(n -> n.id != 0 && n.active);
        if (!anyActive) {
            assertThrows(DeadlockException.class, tree::next);
            return;
        }
        TreeNode chosen = tree.node(tree.next());
        assertNotNull(chosen);
        assertTrue(chosen.active, "next() returned blocked stream " + chosen.id);
        for (TreeNode a = chosen.parent; a != tree.root(); a = a.parent) {
            assertFalse(a.active, "next() returned " + chosen.id + " while its ancestor " + a.id + " is unblocked");
        }
    }

    /** The byte scheduler picks a ready stream with no ready ancestor, or nothing when none is ready. */
    static void checkSelectReady(PriorityTree tree, List<TreeNode> all) {
        boolean anyReady = all.stream().anyMatch(n -> n.ready);
        TreeNode chosen = tree.selectReady();
        if (!anyReady) {
            assertNull(chosen);
            return;
        }
        assertNotNull(chosen);
        assertTrue(chosen.ready);
        for (TreeNode a = chosen.parent; a != tree.root(); a = a.parent) {
            assertFalse(a.ready, "selected " + chosen.id + " while its ancestor " + a.id + " is ready");
        }
    }

    static int parentOf(PriorityTree tree, int streamId) {
        return tree.node(streamId).parent.id;
    }

    static int weightOf(PriorityTree tree, int streamId) {
        return tree.node(streamId).weight;
    }
}
