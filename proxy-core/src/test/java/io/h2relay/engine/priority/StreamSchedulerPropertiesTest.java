package io.h2relay.engine.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.priority.StreamScheduler.Scheme;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random add / updatePriority / updateDependency / setReady / sent / remove sequences against a model of which
 * streams are open and ready: {@code next()} only ever names a ready open stream, -1 exactly when none is, and in
 * the RFC 9218 scheme it follows the urgency and stream-id rules.
 */
class StreamSchedulerPropertiesTest {

    private static final int MAX_TRACKED = 6;

    record Op(int kind, int id, int other, int weight, boolean flag) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 20),
                        Arbitraries.integers().between(0, 20), Arbitraries.integers().between(1, 256),
                        Arbitraries.of(true, false))
                .as(Op::new).list().ofMaxSize(120);
    }

    @Property(tries = 200)
    void rfc9218NextFollowsUrgencyThenStreamIdThenRoundRobin(@ForAll("ops") List<Op> ops) {
        run(Scheme.RFC9218, ops);
    }

    @Property(tries = 200)
    void rfc7540NextNamesAReadyStreamWithoutReadyAncestors(@ForAll("ops") List<Op> ops) {
        run(Scheme.RFC7540, ops);
    }

    private static void run(Scheme scheme, List<Op> ops) {
        StreamScheduler s = new StreamScheduler(scheme, MAX_TRACKED);
        Set<Integer> open = new HashSet<>();
        Set<Integer> ready = new HashSet<>();
        Map<Integer, Priority> priorities = new HashMap<>();        // open streams
        LinkedHashMap<Integer, Priority> pending = new LinkedHashMap<>(); // updates for streams not open, oldest first
        for (Op op : ops) {
            int id = op.id();
            Priority p = Priority.of(op.other() % 8, op.flag());
            try {
                switch (op.kind()) {
                    case 0, 1 -> {
                        s.add(id, p);
                        assertTrue(open.add(id), "added twice without complaint: " + id);
                        Priority early = pending.remove(id);
                        priorities.put(id, early != null ? early : p); // RFC 9218 §7: the update wins
                    }
                    case 2 -> {
                        s.updatePriority(id, p);
                        if (open.contains(id)) {
                            priorities.put(id, p);
                        } else if (scheme == Scheme.RFC9218 && id != 0) {
                            if (!pending.containsKey(id) && pending.size() == MAX_TRACKED) {
                                pending.remove(pending.keySet().iterator().next());
                            }
                            pending.put(id, p);
                        }
                    }
                    case 3 -> s.updateDependency(id, op.other(), op.weight(), op.flag());
                    case 4, 5, 6 -> {
                        s.setReady(id, op.flag());
                        if (op.flag()) {
                            ready.add(id);
                        } else {
                            ready.remove(id);
                        }
                    }
                    case 7, 8 -> {
                        int next = s.next();
                        if (next > 0) {
                            s.sent(next, op.weight() * 64);
                        }
                    }
                    case 9 -> {
                        s.remove(id);
                        open.remove(id);
                        ready.remove(id);
                        priorities.remove(id);
                        pending.remove(id);
                    }
                    default -> throw new AssertionError();
                }
            } catch (DuplicateStreamException e) {
                assertTrue(open.contains(id));
            } catch (MissingStreamException e) {
                assertTrue(!open.contains(id) && op.flag(), "setReady(true) refused for open stream " + id);
            } catch (PseudoStreamException e) {
                assertEquals(0, id);
            } catch (PriorityLoopException e) {
                assertEquals(id, op.other());
            }
            check(s, scheme, ready, priorities);
            if (scheme == Scheme.RFC9218) {
                pending.forEach((pid, pp) -> assertEquals(pp, s.priorityOf(pid), "pending update of " + pid));
                assertEquals(open.size() + pending.size(), s.trackedStreams());
            }
        }
    }

    private static void check(StreamScheduler s, Scheme scheme, Set<Integer> ready, Map<Integer, Priority> priorities) {
        int next = s.next();
        assertEquals(!ready.isEmpty(), s.hasReady());
        if (ready.isEmpty()) {
            assertEquals(-1, next);
            return;
        }
        assertTrue(ready.contains(next), "next() = " + next + " but ready = " + ready);
        if (scheme == Scheme.RFC7540) {
            TreeNode n = s.tree().node(next);
            for (TreeNode a = n.parent; a != s.tree().root(); a = a.parent) {
                assertTrue(!ready.contains(a.id), "ancestor " + a.id + " of " + next + " is ready");
            }
            return;
        }
        int best = ready.stream().mapToInt(id -> priorities.get(id).urgency()).min().orElseThrow();
        Priority chosen = priorities.get(next);
        assertEquals(best, chosen.urgency(), "urgency of " + next);
        int lowestNonIncremental = ready.stream()
                .filter(id -> priorities.get(id).urgency() == best && !priorities.get(id).incremental())
                .mapToInt(Integer::intValue).min().orElse(-1);
        if (lowestNonIncremental > 0) {
            assertEquals(lowestNonIncremental, next, "non-incremental streams go first, lowest id first");
        } else {
            assertTrue(chosen.incremental());
        }
    }
}
