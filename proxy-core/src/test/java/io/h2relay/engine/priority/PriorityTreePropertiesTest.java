package io.h2relay.engine.priority;

import static io.h2relay.engine.priority.TreeInvariants.checkNext;
import static io.h2relay.engine.priority.TreeInvariants.checkSelectReady;
import static io.h2relay.engine.priority.TreeInvariants.checkWellFormed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * The Hypothesis parts of priority's test_priority.py as jqwik properties: the output period and distribution of
 * the turn scheduler, and a stateful fuzz of random insert / insertIdle / reprioritize / remove / block / unblock /
 * markOpen / setReady / charge sequences checked against a model after every step.
 */
class PriorityTreePropertiesTest {

    record StreamWeight(int id, int weight) {
    }

    @Provide
    Arbitrary<List<StreamWeight>> streamsAndWeights() {
        return Combinators.combine(Arbitraries.integers().between(1, Integer.MAX_VALUE),
                        Arbitraries.integers().between(1, 255))
                .as(StreamWeight::new)
                .list().ofMinSize(1).ofMaxSize(10).uniqueElements(StreamWeight::id);
    }

    private static PriorityTree flatTree(List<StreamWeight> streams) {
        PriorityTree t = new PriorityTree(1000);
        for (StreamWeight s : streams) {
            t.insert(s.id(), 0, s.weight(), false);
        }
        return t;
    }

    @Property(tries = 60)
    void theTurnSequenceRepeatsWithAPeriodOfTheWeightSum(@ForAll("streamsAndWeights") List<StreamWeight> streams) {
        PriorityTree t = flatTree(streams);
        int period = streams.stream().mapToInt(StreamWeight::weight).sum();
        for (int i = 0; i < streams.size(); i++) {
            t.next();
        }
        int[] pattern = new int[period];
        for (int i = 0; i < period; i++) {
            pattern[i] = t.next();
        }
        for (int i = 0; i < period * 5; i++) {
            assertEquals(pattern[i % period], t.next(), "turn " + i);
        }
    }

    @Property(tries = 60)
    void eachStreamGetsAsManyTurnsPerPeriodAsItsWeight(@ForAll("streamsAndWeights") List<StreamWeight> streams) {
        PriorityTree t = flatTree(streams);
        int period = streams.stream().mapToInt(StreamWeight::weight).sum();
        for (int i = 0; i < streams.size(); i++) {
            t.next();
        }
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < period; i++) {
            counts.merge(t.next(), 1, Integer::sum);
        }
        assertEquals(streams.size(), counts.size());
        for (StreamWeight s : streams) {
            // priority's own test forgot the assert on this line; it holds exactly.
            assertEquals(s.weight(), counts.get(s.id()), "turns of stream " + s.id());
        }
    }

    // ---- stateful fuzz ----

    private static final int IDS = 24; // a small id space makes collisions, cycles and re-inserts common

    /** The tree plus what the test knows must hold about it. */
    static final class Model {
        final PriorityTree tree;
        final boolean evicting;
        final int maxStreams;
        final int maxIdle;
        /** Strict mode: exactly the entries. Evicting mode: the open entries, which may never disappear. */
        final Set<Integer> known = new HashSet<>();
        final Set<Integer> blocked = new HashSet<>();
        final List<String> log = new ArrayList<>();

        Model(boolean evicting) {
            this.evicting = evicting;
            this.maxStreams = 16;
            this.maxIdle = 5;
            this.tree = evicting ? new PriorityTree(maxStreams, maxIdle) : new PriorityTree(maxStreams);
        }

        boolean present(int id) {
            return id == 0 || tree.contains(id);
        }

        @Override
        public String toString() {
            return (evicting ? "evicting " : "strict ") + log;
        }
    }

    record Op(String kind, int id, int dependsOn, int weight, boolean flag) {
    }

    private static Arbitrary<Op> ops(String kind) {
        return Combinators.combine(Arbitraries.integers().between(0, IDS), Arbitraries.integers().between(0, IDS),
                        Arbitraries.integers().between(0, 257), Arbitraries.of(true, false))
                .as((id, dep, w, flag) -> new Op(kind, id, dep, w, flag));
    }

    private static Action.Independent<Model> action(String kind) {
        return () -> ops(kind).map(op -> Transformer.mutate(op.toString(), (Model m) -> apply(m, op)));
    }

    private static void apply(Model m, Op op) {
        m.log.add(op.toString());
        PriorityTree t = m.tree;
        boolean before = m.present(op.id());
        boolean parentBefore = m.present(op.dependsOn());
        boolean validWeight = op.weight() >= 1 && op.weight() <= 256;
        try {
            switch (op.kind()) {
                case "insert", "insertIdle" -> {
                    boolean idle = op.kind().equals("insertIdle");
                    if (idle) {
                        t.insertIdle(op.id(), op.dependsOn(), op.weight(), op.flag());
                    } else {
                        t.insert(op.id(), op.dependsOn(), op.weight(), op.flag());
                    }
                    assertTrue(!before && validWeight && op.dependsOn() != op.id(), "insert should have failed: " + op);
                    parentAutoInserted(m, op, parentBefore);
                    if (!idle || !m.evicting) {
                        m.known.add(op.id());
                    }
                    if (idle) {
                        m.blocked.add(op.id()); // an idle stream has nothing to send
                    } else {
                        m.blocked.remove(op.id()); // priority's insert starts unblocked
                    }
                }
                case "reprioritize" -> {
                    t.reprioritize(op.id(), op.dependsOn(), op.weight(), op.flag());
                    assertTrue(before && op.id() != 0 && validWeight && op.dependsOn() != op.id(), "reprioritize: " + op);
                    parentAutoInserted(m, op, parentBefore);
                }
                case "remove" -> {
                    t.remove(op.id());
                    assertTrue(before && op.id() != 0, "remove: " + op);
                    m.known.remove(op.id());
                    m.blocked.remove(op.id());
                }
                case "block" -> {
                    t.block(op.id());
                    assertTrue(before && op.id() != 0);
                    m.blocked.add(op.id());
                }
                case "unblock" -> {
                    t.unblock(op.id());
                    assertTrue(before && op.id() != 0);
                    m.blocked.remove(op.id());
                }
                case "markOpen" -> {
                    t.markOpen(op.id());
                    assertTrue(before);
                    if (op.id() != 0) {
                        m.known.add(op.id());
                    }
                }
                case "setReady" -> {
                    TreeNode n = t.node(op.id());
                    if (n != null && n != t.root()) {
                        t.setReady(n, op.flag());
                    }
                }
                case "charge" -> {
                    TreeNode n = t.node(op.id());
                    if (n != null && n != t.root()) {
                        t.charge(n, op.weight() * 61);
                    }
                }
                default -> throw new AssertionError(op.kind());
            }
        } catch (DuplicateStreamException e) {
            assertTrue(before, "duplicate for absent " + op);
        } catch (MissingStreamException e) {
            assertTrue(!before, "missing for present " + op);
        } catch (PseudoStreamException e) {
            assertEquals(0, op.id());
        } catch (BadWeightException e) {
            assertTrue(!validWeight, "bad weight " + op);
        } catch (PriorityLoopException e) {
            assertEquals(op.id(), op.dependsOn());
        } catch (TooManyStreamsException e) {
            int needed = (before ? 0 : 1) + (parentBefore ? 0 : 1);
            if (m.evicting) {
                // Refused only when open entries leave no room; up to two idle entries may be pinned by the call.
                int open = m.tree.size() + 1 - m.tree.idleCount();
                assertTrue(open + needed + 2 > m.maxStreams, "evicting tree refused while idle entries could go: " + op);
            } else {
                assertTrue(m.tree.size() + 1 + needed > m.maxStreams, "refused below the bound: " + op);
            }
        }
    }

    /** A parent that was absent is now in the tree: default priority, blocked, idle-only. */
    private static void parentAutoInserted(Model m, Op op, boolean parentBefore) {
        if (!parentBefore) {
            assertTrue(m.tree.contains(op.dependsOn()), "missing parent not auto-inserted: " + op);
            assertEquals(PriorityTree.DEFAULT_WEIGHT, m.tree.node(op.dependsOn()).weight);
            m.blocked.add(op.dependsOn());
            if (!m.evicting) {
                m.known.add(op.dependsOn());
            }
        }
    }

    private static void invariants(Model m) {
        List<TreeNode> all = checkWellFormed(m.tree);
        assertTrue(m.tree.size() + 1 <= m.maxStreams, "size bound");
        if (m.evicting) {
            assertTrue(m.tree.idleCount() <= m.maxIdle, "idle bound");
            for (int id : m.known) {
                assertTrue(m.tree.contains(id), () -> "open stream " + id + " was evicted");
            }
        } else {
            Set<Integer> actual = new HashSet<>();
            all.forEach(n -> actual.add(n.id));
            actual.remove(0);
            assertEquals(m.known, actual, "entries");
        }
        for (int id : m.known) {
            assertEquals(!m.blocked.contains(id), m.tree.node(id).active, () -> "blocked state of " + id);
        }
        checkSelectReady(m.tree, all);
        checkNext(m.tree, all);
    }

    @Provide
    Arbitrary<ActionChain<Model>> strictChains() {
        return chains(false);
    }

    @Provide
    Arbitrary<ActionChain<Model>> evictingChains() {
        return chains(true);
    }

    private static Arbitrary<ActionChain<Model>> chains(boolean evicting) {
        return ActionChain.startWith(() -> new Model(evicting))
                .withAction(4, action("insert"))
                .withAction(3, action("insertIdle"))
                .withAction(4, action("reprioritize"))
                .withAction(2, action("remove"))
                .withAction(2, action("block"))
                .withAction(2, action("unblock"))
                .withAction(1, action("markOpen"))
                .withAction(3, action("setReady"))
                .withAction(2, action("charge"))
                .withMaxTransformations(60);
    }

    @Property(tries = 200)
    void randomOperationsKeepTheStrictTreeWellFormed(@ForAll("strictChains") ActionChain<Model> chain) {
        chain.withInvariant("tree invariants", PriorityTreePropertiesTest::invariants).run();
    }

    @Property(tries = 200)
    void randomOperationsKeepTheEvictingTreeWellFormedAndBounded(@ForAll("evictingChains") ActionChain<Model> chain) {
        chain.withInvariant("tree invariants", PriorityTreePropertiesTest::invariants).run();
    }
}
