package io.h2relay.engine.priority;

import static io.h2relay.engine.priority.TreeInvariants.checkWellFormed;
import static io.h2relay.engine.priority.TreeInvariants.parentOf;
import static io.h2relay.engine.priority.TreeInvariants.weightOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The behaviours of python-hyper {@code priority}'s test_priority.py, plus the RFC points where we differ. */
class PriorityTreeTest {

    private static final int[] README_STREAMS = {1, 3, 5, 7, 9, 11};

    /** The tree of priority's README: 1{5}, 3, 7(w32){11{9(w8)}} (11 exclusive under 7). */
    private static PriorityTree readmeTree() {
        PriorityTree t = new PriorityTree(1000);
        t.insert(1, 0, 16, false);
        t.insert(3, 0, 16, false);
        t.insert(5, 1, 16, false);
        t.insert(7, 0, 32, false);
        t.insert(9, 7, 8, false);
        t.insert(11, 7, 16, true);
        return t;
    }

    /** The README tree's shape, children in stream-id order. */
    private static Map<Integer, Map<Integer, ?>> readmeShape() {
        Map<Integer, Map<Integer, ?>> nine = new LinkedHashMap<>();
        nine.put(9, Map.of());
        Map<Integer, Map<Integer, ?>> eleven = new LinkedHashMap<>();
        eleven.put(11, nine);
        Map<Integer, Map<Integer, ?>> five = new LinkedHashMap<>();
        five.put(5, Map.of());
        Map<Integer, Map<Integer, ?>> top = new LinkedHashMap<>();
        top.put(1, five);
        top.put(3, Map.of());
        top.put(7, eleven);
        return top;
    }

    /** Streams that get a turn: an unblocked stream, or failing that its subtree's first unblocked ones. */
    @SuppressWarnings("unchecked")
    private static List<Integer> expectedActive(Map<Integer, ? extends Map<Integer, ?>> shape, Set<Integer> blocked) {
        List<Integer> out = new ArrayList<>();
        shape.forEach((id, children) -> {
            if (!blocked.contains(id)) {
                out.add(id);
            } else {
                out.addAll(expectedActive((Map<Integer, Map<Integer, ?>>) children, blocked));
            }
        });
        return out;
    }

    private static List<Set<Integer>> allSubsetsOfReadmeStreams() {
        List<Set<Integer>> subsets = new ArrayList<>();
        for (int mask = 0; mask < 1 << README_STREAMS.length; mask++) {
            Set<Integer> s = new HashSet<>();
            for (int b = 0; b < README_STREAMS.length; b++) {
                if ((mask & (1 << b)) != 0) {
                    s.add(README_STREAMS[b]);
                }
            }
            subsets.add(s);
        }
        return subsets;
    }

    private static List<Integer> take(PriorityTree t, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(t.next());
        }
        return out;
    }

    @Test
    void firstTurnsGoToEachSchedulableStreamInStreamIdOrderRegardlessOfWeight() {
        for (Set<Integer> blocked : allSubsetsOfReadmeStreams()) {
            PriorityTree t = readmeTree();
            blocked.forEach(t::block);
            List<Integer> expected = expectedActive(readmeShape(), blocked);
            if (expected.isEmpty()) {
                assertThrows(DeadlockException.class, t::next, "blocked " + blocked);
            } else {
                assertEquals(expected, take(t, expected.size()), "blocked " + blocked);
            }
        }
    }

    @Test
    void blockingEverythingThenUnblockingSomeEqualsBlockingTheRest() {
        for (Set<Integer> allowed : allSubsetsOfReadmeStreams()) {
            PriorityTree t = readmeTree();
            for (int id : README_STREAMS) {
                t.block(id);
            }
            allowed.forEach(t::unblock);
            Set<Integer> blocked = new HashSet<>();
            for (int id : README_STREAMS) {
                if (!allowed.contains(id)) {
                    blocked.add(id);
                }
            }
            List<Integer> expected = expectedActive(readmeShape(), blocked);
            if (!expected.isEmpty()) {
                assertEquals(expected, take(t, expected.size()), "allowed " + allowed);
            }
        }
    }

    @Test
    void removingStreamsSchedulesTheSameStreamsAsBlockingThem() {
        for (Set<Integer> removed : allSubsetsOfReadmeStreams()) {
            PriorityTree t = readmeTree();
            removed.forEach(t::remove);
            checkWellFormed(t);
            Set<Integer> expected = new HashSet<>(expectedActive(readmeShape(), removed));
            if (expected.isEmpty()) {
                assertThrows(DeadlockException.class, t::next);
            } else {
                assertEquals(expected, new HashSet<>(take(t, expected.size())), "removed " + removed);
            }
        }
    }

    @Test
    void nextThrowsDeadlockWhenEveryStreamIsBlocked() {
        PriorityTree t = readmeTree();
        for (int id : README_STREAMS) {
            t.block(id);
        }
        assertThrows(DeadlockException.class, t::next);
        assertThrows(DeadlockException.class, new PriorityTree(10)::next, "an empty tree deadlocks too");
    }

    static Stream<Arguments> reprioritizations() {
        return Stream.of(
                Arguments.of(1, 3, false, 16, List.of(), List.of(3, 7, 7, 3, 7, 7, 3, 7, 7)),
                Arguments.of(1, 5, false, 16, List.of(), List.of(3, 5, 7, 7, 3, 5, 7, 7, 3)),
                Arguments.of(1, 5, false, 16, List.of(5), List.of(3, 1, 7, 7, 3, 1, 7, 7, 3)),
                Arguments.of(5, 7, false, 16, List.of(7, 1), List.of(3, 5, 11, 3, 5, 11, 3, 5, 11)),
                Arguments.of(11, 0, false, 16, List.of(), List.of(1, 3, 7, 11, 7, 1, 3, 7, 11)),
                Arguments.of(11, 0, false, 16, List.of(11), List.of(1, 3, 7, 9, 7, 1, 3, 7, 9)),
                Arguments.of(7, 9, false, 16, List.of(), List.of(1, 3, 9, 1, 3, 1, 3, 9, 1)),
                Arguments.of(7, 1, true, 16, List.of(), List.of(1, 3, 1, 3, 1, 3, 1, 3, 1)),
                Arguments.of(7, 1, true, 16, List.of(1), List.of(7, 3, 7, 3, 7, 3, 7, 3, 7)),
                Arguments.of(7, 1, true, 16, List.of(1, 7), List.of(5, 3, 11, 3, 5, 3, 11, 3, 5)),
                Arguments.of(1, 0, false, 32, List.of(), List.of(1, 3, 7, 1, 7, 1, 3, 7, 1)),
                Arguments.of(1, 0, true, 32, List.of(), List.of(1, 1, 1, 1, 1, 1, 1, 1, 1)),
                Arguments.of(1, 0, true, 32, List.of(1), List.of(3, 5, 7, 7, 3, 5, 7, 7, 3)));
    }

    @ParameterizedTest(name = "reprioritize {0} onto {1} exclusive={2} weight={3} blocked={4}")
    @MethodSource("reprioritizations")
    void reprioritizingChangesTheOrderOfTurns(int stream, int newParent, boolean exclusive, int weight,
                                              List<Integer> blocked, List<Integer> expected) {
        PriorityTree t = readmeTree();
        blocked.forEach(t::block);
        t.reprioritize(stream, newParent, weight, exclusive);
        checkWellFormed(t);
        assertEquals(expected, take(t, expected.size()));
    }

    @Test
    void insertingAStreamTwiceIsADuplicate() {
        PriorityTree t = new PriorityTree(1000);
        t.insert(1, 0, 16, false);
        assertThrows(DuplicateStreamException.class, () -> t.insert(1, 0, 16, false));
        assertThrows(DuplicateStreamException.class, () -> t.insertIdle(1, 0, 16, false));
        assertThrows(DuplicateStreamException.class, () -> t.insert(0, 0, 16, false), "the root is always present");
    }

    @Test
    void operationsOnAbsentStreamsThrowMissingStream() {
        PriorityTree t = new PriorityTree(1000);
        t.insert(1, 0, 16, false);
        assertThrows(MissingStreamException.class, () -> t.reprioritize(3, 0, 16, false));
        assertThrows(MissingStreamException.class, () -> t.block(3));
        assertThrows(MissingStreamException.class, () -> t.unblock(3));
        assertThrows(MissingStreamException.class, () -> t.remove(3));
        assertThrows(MissingStreamException.class, () -> t.markOpen(3));
    }

    @Test
    void operationsOnStreamZeroThrowPseudoStream() {
        PriorityTree t = new PriorityTree(1000);
        t.insert(1, 0, 16, false);
        assertThrows(PseudoStreamException.class, () -> t.reprioritize(0, 0, 16, false));
        assertThrows(PseudoStreamException.class, () -> t.block(0));
        assertThrows(PseudoStreamException.class, () -> t.unblock(0));
        assertThrows(PseudoStreamException.class, () -> t.remove(0));
    }

    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {true, false})
    void insertingUnderAnAbsentParentAutoInsertsItBlocked(boolean exclusive) {
        PriorityTree t = new PriorityTree(1000);
        t.insert(3, 1, 32, exclusive);
        assertEquals(List.of(3, 3, 3, 3, 3, 3, 3, 3, 3, 3), take(t, 10), "the parent starts blocked");
        t.unblock(1);
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), take(t, 10), "an unblocked parent takes every turn");
        t.insert(5, 0, 16, false);
        assertEquals(List.of(5, 1, 5, 1, 5, 1, 5, 1, 5, 1), take(t, 10), "equal weights alternate");
        assertEquals(1, parentOf(t, 3));
        assertEquals(16, weightOf(t, 1), "the auto-inserted parent has default priority");
    }

    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {true, false})
    void reprioritizingOntoAnAbsentParentAutoInsertsItBlocked(boolean exclusive) {
        PriorityTree t = new PriorityTree(1000);
        t.insert(3, 0, 16, false);
        t.reprioritize(3, 1, 32, exclusive);
        assertEquals(List.of(3, 3, 3, 3, 3, 3, 3, 3, 3, 3), take(t, 10));
        t.unblock(1);
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), take(t, 10));
        t.insert(5, 0, 16, false);
        assertEquals(List.of(5, 1, 5, 1, 5, 1, 5, 1, 5, 1), take(t, 10));
    }

    @Test
    void insertingPastMaxStreamsIsRefused() {
        for (int count = 2; count < 10_000; count += 499) {
            PriorityTree t = new PriorityTree(count);
            for (int id = 1; id < count; id++) {
                t.insert(id, 0, 16, false); // stream 0 counts too, so count - 1 fit
            }
            int next = count;
            assertThrows(TooManyStreamsException.class, () -> t.insert(next, 0, 16, false), "count " + count);
            assertEquals(count - 1, t.size());
        }
    }

    @Test
    void theBoundCountsAnAutoInsertedParentAndARefusalChangesNothing() {
        PriorityTree t = new PriorityTree(3);
        t.insert(1, 0, 16, false);
        assertThrows(TooManyStreamsException.class, () -> t.insert(5, 3, 16, false), "5 and its parent 3 need two");
        assertFalse(t.contains(3), "no parent left behind by the refused insert");
        assertEquals(1, t.size());
        t.insert(5, 1, 16, false);
        assertEquals(2, t.size());
    }

    @Test
    void anExclusiveDependencyOnStreamZeroAdoptsEveryOtherStream() {
        PriorityTree t = new PriorityTree(1000);
        t.insert(1, 0, 16, false);
        t.insert(3, 0, 16, false);
        t.insert(5, 0, 16, true);
        assertEquals(List.of(5, 5, 5, 5, 5, 5, 5, 5, 5, 5), take(t, 10));
        assertEquals(5, parentOf(t, 1));
        assertEquals(5, parentOf(t, 3));
    }

    @ParameterizedTest(name = "weight {0}")
    @ValueSource(ints = {0, 257, 1000, -42})
    void outOfBoundsWeightsAreRejected(int weight) {
        PriorityTree t = new PriorityTree(1000);
        BadWeightException e = assertThrows(BadWeightException.class, () -> t.insert(1, 0, weight, false));
        assertEquals("Stream weight must be between 1 and 256 (inclusive)", e.getMessage());
        t.insert(2, 0, 16, false);
        assertThrows(BadWeightException.class, () -> t.reprioritize(2, 0, weight, false));
        assertThrows(BadWeightException.class, () -> t.reprioritize(2, 9, weight, false));
        assertFalse(t.contains(9), "a rejected reprioritize inserts no parent");
        assertEquals(16, weightOf(t, 2));
    }

    @Test
    void weightsAtTheBoundsAreAccepted() {
        PriorityTree t = new PriorityTree(1000);
        t.insert(1, 0, 1, false);
        t.insert(3, 0, 256, false);
        assertEquals(1, weightOf(t, 1));
        assertEquals(256, weightOf(t, 3));
    }

    static Stream<Arguments> selfDependencies() {
        return IntStream.of(1, 5, 20, 32, 256).boxed()
                .flatMap(id -> Stream.of(Arguments.of(id, true), Arguments.of(id, false)));
    }

    @ParameterizedTest(name = "stream {0} exclusive={1}")
    @MethodSource("selfDependencies")
    void insertingAStreamThatDependsOnItselfIsAPriorityLoop(int streamId, boolean exclusive) {
        PriorityTree t = new PriorityTree(1000);
        assertThrows(PriorityLoopException.class, () -> t.insert(streamId, streamId, 16, exclusive));
        assertFalse(t.contains(streamId));
    }

    @ParameterizedTest(name = "stream {0} exclusive={1}")
    @MethodSource("selfDependencies")
    void reprioritizingAStreamOntoItselfIsAPriorityLoop(int streamId, boolean exclusive) {
        PriorityTree t = new PriorityTree(1000);
        t.insert(streamId, 0, 16, false);
        assertThrows(PriorityLoopException.class, () -> t.reprioritize(streamId, streamId, 16, exclusive));
        assertEquals(0, parentOf(t, streamId));
    }

    @ParameterizedTest(name = "maxStreams {0}")
    @ValueSource(ints = {0, -1, -50})
    void aNonPositiveMaxStreamsIsRejected(int maxStreams) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PriorityTree(maxStreams));
        assertEquals("maxStreams must be a positive integer.", e.getMessage());
    }

    // ---- where we follow the RFC rather than priority ----

    /** RFC 7540 §5.3.3's figure: A{B, C{D{F}, E}} under x; A is made to depend on D. */
    private static PriorityTree rfcFigureTree() {
        PriorityTree t = new PriorityTree(100);
        t.insert(1, 0, 16, false);   // A
        t.insert(3, 1, 16, false);   // B
        t.insert(5, 1, 16, false);   // C
        t.insert(7, 5, 16, false);   // D
        t.insert(9, 5, 16, false);   // E
        t.insert(11, 7, 16, false);  // F
        return t;
    }

    @Test
    void cycleRepairMovesTheNewParentWithItsSubtree() {
        PriorityTree t = rfcFigureTree();
        t.reprioritize(1, 7, 16, false);
        checkWellFormed(t);
        assertEquals(0, parentOf(t, 7), "D moved to A's former parent");
        assertEquals(7, parentOf(t, 11), "F stays under D");
        assertEquals(7, parentOf(t, 1), "A now depends on D");
        assertEquals(1, parentOf(t, 3));
        assertEquals(1, parentOf(t, 5));
        assertEquals(5, parentOf(t, 9));
        assertEquals(2, t.node(7).children.size, "D's children: F and A");
    }

    @Test
    void exclusiveCycleRepairMatchesTheRfcFigure() {
        PriorityTree t = rfcFigureTree();
        t.reprioritize(1, 7, 16, true);
        checkWellFormed(t);
        assertEquals(0, parentOf(t, 7));
        assertEquals(7, parentOf(t, 1), "A is D's only child");
        assertEquals(1, parentOf(t, 11), "F adopted by A");
        assertEquals(1, parentOf(t, 3));
        assertEquals(1, parentOf(t, 5));
        assertEquals(5, parentOf(t, 9));
        assertEquals(1, t.node(7).children.size);
    }

    @Test
    void removingAStreamSharesItsWeightAmongItsChildren() {
        PriorityTree t = new PriorityTree(100);
        t.insert(1, 0, 16, false);
        t.insert(3, 1, 8, false);
        t.insert(5, 1, 24, false);
        t.insert(7, 1, 1, false);
        t.remove(1);
        checkWellFormed(t);
        assertEquals(0, parentOf(t, 3));
        assertEquals(0, parentOf(t, 5));
        assertEquals(16 * 8 / 33, weightOf(t, 3));
        assertEquals(16 * 24 / 33, weightOf(t, 5));
        assertEquals(1, weightOf(t, 7), "never below 1");
    }

    @Test
    void anIdleEntryStartsBlockedAndCountsAsIdle() {
        PriorityTree t = new PriorityTree(100);
        t.insertIdle(3, 0, 16, false);
        assertEquals(1, t.idleCount());
        assertThrows(DeadlockException.class, t::next);
        t.markOpen(3);
        assertEquals(0, t.idleCount());
    }

    // ---- bounded idle state (ENGINE_PARITY row 80) ----

    @Test
    void tenThousandIdleEntriesKeepTheTreeBoundedAndRaiseNothing() {
        PriorityTree t = new PriorityTree(1000, 100);
        t.insert(1, 0, 16, false);
        for (int id = 3; id < 3 + 2 * 10_000; id += 2) {
            t.insertIdle(id, id % 7 == 0 ? id - 2 : 0, 1 + id % 256, id % 5 == 0);
            assertTrue(t.idleCount() <= 100);
        }
        checkWellFormed(t);
        assertEquals(100, t.idleCount());
        assertEquals(101, t.size(), "100 idle entries and the open stream");
        assertTrue(t.contains(1), "open streams are never evicted");
        assertEquals(10_000 - 100, t.evictions());
    }

    @Test
    void theOldestIdleEntryIsEvictedFirstAndItsChildrenMoveUp() {
        PriorityTree t = new PriorityTree(1000, 3);
        t.insertIdle(1, 0, 16, false);
        t.insert(3, 1, 16, false);      // open stream under the idle 1
        t.insertIdle(5, 0, 16, false);
        t.insertIdle(7, 0, 16, false);
        t.insertIdle(9, 0, 16, false);  // fourth idle entry: 1 goes
        assertFalse(t.contains(1));
        assertEquals(0, parentOf(t, 3), "the evicted entry's child moved to its parent");
        assertTrue(t.contains(5) && t.contains(7) && t.contains(9));
        checkWellFormed(t);
    }

    @Test
    void anIdleParentBeingInsertedUnderIsNotEvicted() {
        PriorityTree t = new PriorityTree(1000, 2);
        t.insertIdle(1, 0, 16, false);
        t.insertIdle(3, 0, 16, false);
        t.insertIdle(5, 1, 16, false); // 1 is the oldest, but it is the parent: 3 goes instead
        assertTrue(t.contains(1));
        assertFalse(t.contains(3));
        assertEquals(1, parentOf(t, 5));
    }

    @Test
    void markingAStreamOpenProtectsItFromEviction() {
        PriorityTree t = new PriorityTree(1000, 2);
        t.insertIdle(1, 0, 16, false);
        t.markOpen(1);
        for (int id = 3; id < 100; id += 2) {
            t.insertIdle(id, 0, 16, false);
        }
        assertTrue(t.contains(1));
        assertEquals(2, t.idleCount());
    }

    @Test
    void theTotalBoundEvictsIdleEntriesBeforeRefusingAndRefusesOnlyWhenAllAreOpen() {
        PriorityTree t = new PriorityTree(4, 100);
        t.insertIdle(1, 0, 16, false);
        t.insert(3, 0, 16, false);
        t.insert(5, 0, 16, false);
        t.insert(7, 0, 16, false);  // root + 3 open: idle 1 evicted to make room
        assertFalse(t.contains(1));
        assertThrows(TooManyStreamsException.class, () -> t.insert(9, 0, 16, false));
        assertThrows(TooManyStreamsException.class, () -> t.insertIdle(9, 0, 16, false));
        assertEquals(3, t.size());
    }

    @Test
    void theEvictingModeNeedsRoomForTwoIdleEntries() {
        assertThrows(IllegalArgumentException.class, () -> new PriorityTree(100, 1));
    }
}
