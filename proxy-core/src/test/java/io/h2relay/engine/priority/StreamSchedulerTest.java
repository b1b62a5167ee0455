package io.h2relay.engine.priority;

import static io.h2relay.engine.priority.TreeInvariants.checkWellFormed;
import static io.h2relay.engine.priority.TreeInvariants.parentOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.priority.StreamScheduler.Scheme;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StreamSchedulerTest {

    private static StreamScheduler rfc9218() {
        return new StreamScheduler(Scheme.RFC9218, 100);
    }

    private static StreamScheduler rfc7540() {
        return new StreamScheduler(Scheme.RFC7540, 100);
    }

    private static void addReady(StreamScheduler s, int id, Priority p) {
        s.add(id, p);
        s.setReady(id, true);
    }

    /** Runs the sender loop for {@code frames} frames of {@code size} bytes each, returning who sent. */
    private static List<Integer> send(StreamScheduler s, int frames, int size) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            int id = s.next();
            order.add(id);
            s.sent(id, size);
        }
        return order;
    }

    // ---- RFC 9218 ----

    @Test
    void theLowestUrgencyGoesFirst() {
        StreamScheduler s = rfc9218();
        addReady(s, 1, Priority.of(5, false));
        addReady(s, 3, Priority.of(1, true));
        addReady(s, 5, Priority.of(3, false));
        assertEquals(List.of(3, 3, 3), send(s, 3, 100));
        s.setReady(3, false);
        assertEquals(5, s.next());
        s.setReady(5, false);
        assertEquals(1, s.next());
        s.setReady(1, false);
        assertEquals(-1, s.next());
        assertFalse(s.hasReady());
    }

    @Test
    void nonIncrementalStreamsGoOneAtATimeLowestStreamIdFirst() {
        StreamScheduler s = rfc9218();
        addReady(s, 7, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        addReady(s, 5, Priority.DEFAULT);
        assertEquals(List.of(3, 3, 3, 3), send(s, 4, 16384), "3 runs while it has something to send");
        s.setReady(3, false);
        assertEquals(List.of(5, 5), send(s, 2, 16384));
        s.setReady(3, true);
        assertEquals(3, s.next(), "a lower stream id takes over again as soon as it is ready");
    }

    @Test
    void incrementalStreamsOfOneUrgencyTakeTurnsFrameByFrame() {
        StreamScheduler s = rfc9218();
        Priority inc = Priority.of(3, true);
        addReady(s, 1, inc);
        addReady(s, 3, inc);
        addReady(s, 5, inc);
        assertEquals(List.of(1, 3, 5, 1, 3, 5, 1), send(s, 7, 1000));
        s.setReady(3, false);
        assertEquals(List.of(5, 1, 5, 1), send(s, 4, 1000));
        s.setReady(3, true);
        assertEquals(List.of(5, 1, 3, 5), send(s, 4, 1000), "a stream becoming ready joins at the end of the round");
    }

    @Test
    void nonIncrementalStreamsGoBeforeIncrementalOnesOfTheSameUrgency() {
        StreamScheduler s = rfc9218();
        addReady(s, 1, Priority.of(3, true));
        addReady(s, 9, Priority.of(3, false));
        addReady(s, 3, Priority.of(4, false));
        assertEquals(List.of(9, 9), send(s, 2, 100));
        s.setReady(9, false);
        assertEquals(List.of(1, 1), send(s, 2, 100));
    }

    @Test
    void aPriorityUpdateToUrgencyZeroRaisesTheStreamsSendOrder() {
        StreamScheduler s = rfc9218();
        addReady(s, 1, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        addReady(s, 5, Priority.DEFAULT);
        assertEquals(1, s.next());
        s.updatePriority(5, Priority.DEFAULT.merge("u=0"));
        assertEquals(5, s.next());
        assertEquals(Priority.of(0, false), s.priorityOf(5));
        s.updatePriority(5, Priority.of(7, true));
        assertEquals(1, s.next());
    }

    @Test
    void aPriorityUpdateThatArrivesBeforeItsStreamOpensWins() {
        StreamScheduler s = rfc9218();
        s.updatePriority(5, Priority.of(0, true));
        assertEquals(Priority.of(0, true), s.priorityOf(5));
        assertThrows(MissingStreamException.class, () -> s.setReady(5, true), "not open yet");
        addReady(s, 1, Priority.of(1, false));
        s.add(5, Priority.of(6, false)); // the request's header loses to the earlier PRIORITY_UPDATE (RFC 9218 §7)
        s.setReady(5, true);
        assertEquals(5, s.next());
        assertThrows(DuplicateStreamException.class, () -> s.add(5, Priority.DEFAULT));
    }

    @Test
    void priorityUpdatesForStreamsThatNeverOpenAreBounded() {
        StreamScheduler s = new StreamScheduler(Scheme.RFC9218, 100);
        addReady(s, 1, Priority.DEFAULT);
        for (int id = 3; id < 3 + 2 * 10_000; id += 2) {
            s.updatePriority(id, Priority.of(id % 8, id % 3 == 0));
        }
        assertEquals(101, s.trackedStreams(), "100 pending updates and the open stream");
        assertNull(s.priorityOf(3), "the oldest updates were dropped");
        assertEquals(Priority.of((3 + 2 * 9_999) % 8, (3 + 2 * 9_999) % 3 == 0), s.priorityOf(3 + 2 * 9_999));
        assertEquals(1, s.next());
    }

    @Test
    void changingIncrementalToNonIncrementalMovesAReadyStream() {
        StreamScheduler s = rfc9218();
        addReady(s, 1, Priority.of(3, true));
        addReady(s, 3, Priority.of(3, true));
        s.updatePriority(3, Priority.of(3, false));
        assertEquals(List.of(3, 3, 3), send(s, 3, 10));
        s.remove(3);
        assertEquals(List.of(1, 1), send(s, 2, 10));
        s.remove(1);
        assertEquals(-1, s.next());
        assertEquals(0, s.trackedStreams());
    }

    @Test
    void rfc7540SignalsAreValidatedButIgnoredByTheRfc9218Scheme() {
        StreamScheduler s = rfc9218();
        addReady(s, 1, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        s.updateDependency(1, 3, 256, true);
        assertEquals(1, s.next());
        assertThrows(PriorityLoopException.class, () -> s.updateDependency(3, 3, 16, false));
        assertThrows(BadWeightException.class, () -> s.updateDependency(3, 1, 257, false));
        assertThrows(PseudoStreamException.class, () -> s.updateDependency(0, 1, 16, false));
    }

    // ---- both schemes ----

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void aStreamWithDataButNoWindowIsNeverChosenSoTheSenderLoopSleeps(Scheme scheme) {
        StreamScheduler s = new StreamScheduler(scheme, 100);
        s.add(1, Priority.DEFAULT);
        s.setReady(1, true);
        assertEquals(List.of(1), send(s, 1, 16384));
        s.setReady(1, false); // data still queued, but the window is now 0
        int iterations = 0;
        while (s.hasReady() && iterations < 1000) {
            iterations++;
            s.sent(s.next(), 0);
        }
        assertEquals(0, iterations, "a sender loop makes no iterations until the window opens");
        assertEquals(-1, s.next());
        s.setReady(1, true); // WINDOW_UPDATE (or a SETTINGS delta) arrived
        assertEquals(1, s.next());
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void unknownStreamsAreTolerableExceptWhenMadeReady(Scheme scheme) {
        StreamScheduler s = new StreamScheduler(scheme, 100);
        s.setReady(9, false);
        s.sent(9, 100);
        s.remove(9);
        assertThrows(MissingStreamException.class, () -> s.setReady(9, true));
        assertThrows(IllegalArgumentException.class, () -> s.sent(9, -1));
        assertThrows(PseudoStreamException.class, () -> s.add(0, Priority.DEFAULT));
        assertEquals(-1, s.next());
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void addingAStreamTwiceIsADuplicate(Scheme scheme) {
        StreamScheduler s = new StreamScheduler(scheme, 100);
        s.add(1, Priority.DEFAULT);
        assertThrows(DuplicateStreamException.class, () -> s.add(1, Priority.DEFAULT));
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void steadyStateSchedulingAllocatesNothing(Scheme scheme) {
        StreamScheduler s = new StreamScheduler(scheme, 100);
        for (int id = 1; id <= 199; id += 2) {
            s.add(id, Priority.of(id % 4, id % 3 == 0));
            if (scheme == Scheme.RFC7540 && id > 9) {
                s.updateDependency(id, id % 9, 1 + id % 200, false);
            }
            s.setReady(id, true);
        }
        Runnable round = () -> {
            for (int i = 0; i < 10_000; i++) {
                int id = s.next();
                s.sent(id, 1 + i % 16384);
                if (i % 7 == 0) {
                    s.setReady(id, false);
                    s.setReady(id, true);
                }
            }
        };
        round.run(); // warm up (class loading, heap arrays at their final sizes)
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        round.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "10k next/sent/setReady calls allocated " + allocated + " bytes");
    }

    // ---- RFC 7540 ----

    /** Runs 1000 frames between two always-ready streams, returning bytes per stream. */
    private static Map<Integer, Long> share(StreamScheduler s, Map<Integer, Integer> frameSizes, int frames) {
        Map<Integer, Long> bytes = new HashMap<>();
        for (int i = 0; i < frames; i++) {
            int id = s.next();
            int size = frameSizes.get(id);
            s.sent(id, size);
            bytes.merge(id, (long) size, Long::sum);
        }
        return bytes;
    }

    @Test
    void weights16And32ShareBytesOneToTwoOver1000Frames() {
        StreamScheduler s = rfc7540();
        addReady(s, 1, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        s.updateDependency(1, 0, 16, false);
        s.updateDependency(3, 0, 32, false);
        Map<Integer, Long> bytes = share(s, Map.of(1, 16384, 3, 16384), 1000);
        assertEquals(1000L * 16384, bytes.get(1) + bytes.get(3));
        assertEquals(2.0, (double) bytes.get(3) / bytes.get(1), 0.01);
        assertTrue(Math.abs(bytes.get(3) - 2 * bytes.get(1)) <= 2 * 16384, "within one frame each: " + bytes);
    }

    @Test
    void theByteShareFollowsTheWeightsEvenWhenFrameSizesDiffer() {
        StreamScheduler s = rfc7540();
        addReady(s, 1, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        s.updateDependency(1, 0, 16, false);
        s.updateDependency(3, 0, 32, false);
        // A turn-based scheduler (priority's) would give 1 a third of the turns, i.e. 1000 : 2 * 16384 bytes.
        Map<Integer, Long> bytes = share(s, Map.of(1, 1000, 3, 16384), 1000);
        assertEquals(2.0, (double) bytes.get(3) / bytes.get(1), 0.02, bytes.toString());
    }

    @Test
    void aReadyStreamGoesBeforeItsDependents() {
        StreamScheduler s = rfc7540();
        addReady(s, 1, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        s.updateDependency(3, 1, 256, false);
        assertEquals(List.of(1, 1, 1, 1), send(s, 4, 16384));
        s.setReady(1, false);
        assertEquals(List.of(3, 3), send(s, 2, 16384));
    }

    @Test
    void aStreamWithNothingToSendPassesItsShareToItsDependents() {
        StreamScheduler s = rfc7540();
        s.add(1, Priority.DEFAULT);              // weight 16, no data
        addReady(s, 3, Priority.DEFAULT);        // weight 16 sibling of 1
        addReady(s, 5, Priority.DEFAULT);
        addReady(s, 7, Priority.DEFAULT);
        s.updateDependency(5, 1, 16, false);     // 5 and 7 share 1's half
        s.updateDependency(7, 1, 48, false);
        Map<Integer, Long> bytes = share(s, Map.of(3, 1000, 5, 1000, 7, 1000), 800);
        assertEquals(400_000L, bytes.get(3), 2000);
        assertEquals(100_000L, bytes.get(5), 2000);
        assertEquals(300_000L, bytes.get(7), 2000);
    }

    @Test
    void interleavesTwistedsSendAccordingToPriorityStreamsByWeightAndDependency() {
        // Stream 1 weight 64, stream 3 weight 32, stream 5 weight 16 exclusively dependent on 1; four DATA chunks
        // and an empty END_STREAM frame each; every frame costs its payload plus the 9-octet header.
        StreamScheduler s = rfc7540();
        Map<Integer, ArrayDeque<Integer>> queues = new HashMap<>();
        for (int id : new int[] {1, 3, 5}) {
            s.add(id, Priority.DEFAULT);
            queues.put(id, new ArrayDeque<>(List.of(10, 10, 10, 10, 0)));
        }
        s.updateDependency(1, 0, 64, false);
        s.updateDependency(3, 0, 32, false);
        s.updateDependency(5, 1, 16, true);
        queues.keySet().forEach(id -> s.setReady(id, true));
        List<Integer> order = new ArrayList<>();
        while (s.hasReady()) {
            int id = s.next();
            order.add(id);
            s.sent(id, queues.get(id).poll() + 9);
            if (queues.get(id).isEmpty()) {
                s.remove(id);
            }
        }
        // Twisted (turn-based, priority's tree) emits 1, 3, 1, 1, 3, 1, 1, 3, 5, 3, 5, 3, 5, 5, 5. We agree until
        // stream 1 finishes; then 5 inherits 1's share, weight 64 against 3's 32 (RFC 7540 §5.3.4), and gets two
        // frames for each of 3's where Twisted alternates.
        assertEquals(List.of(1, 3, 1, 1, 3, 1, 1, 3, 5), order.subList(0, 9));
        assertEquals(List.of(1, 3, 1, 1, 3, 1, 1, 3, 5, 5, 3, 5, 5, 3, 5), order);
    }

    @Test
    void aPriorityFrameThatMakesAStreamDependOnItselfIsAPriorityLoop() {
        StreamScheduler s = rfc7540();
        s.add(1, Priority.DEFAULT);
        assertThrows(PriorityLoopException.class, () -> s.updateDependency(1, 1, 16, false));
        assertThrows(PriorityLoopException.class, () -> s.updateDependency(3, 3, 16, true), "idle streams too");
        assertThrows(BadWeightException.class, () -> s.updateDependency(1, 0, 0, false));
    }

    @Test
    void tenThousandPriorityFramesForIdleStreamsKeepTheStateBounded() {
        StreamScheduler s = new StreamScheduler(Scheme.RFC7540, 100);
        addReady(s, 1, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        for (int i = 0; i < 10_000; i++) {
            int id = 5 + 2 * i;
            // Chains, exclusive grabs and references to long-evicted streams, as a hostile client might send.
            int dependsOn = i % 3 == 0 ? 0 : i % 3 == 1 ? id - 2 : 5 + 2 * (i / 2);
            s.updateDependency(id, dependsOn == id ? 0 : dependsOn, 1 + i % 256, i % 5 == 0);
            assertTrue(s.trackedStreams() <= 102, "tracked " + s.trackedStreams());
        }
        checkWellFormed(s.tree());
        assertTrue(s.tree().contains(1) && s.tree().contains(3), "open streams are never evicted");
        assertTrue(s.tree().evictions() >= 9_900);
        s.setReady(3, false);
        assertEquals(1, s.next());
    }

    @Test
    void aClosedStreamKeepsItsDependentsInPlaceUntilEvicted() {
        StreamScheduler s = new StreamScheduler(Scheme.RFC7540, 3);
        addReady(s, 1, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        s.updateDependency(3, 1, 16, false);
        s.remove(1);
        assertEquals(1, parentOf(s.tree(), 3), "RFC 9113 §5.3.4: priority state retained after close");
        assertEquals(3, s.next());
        assertThrows(MissingStreamException.class, () -> s.setReady(1, true), "a closed stream cannot send");
        for (int id = 101; id < 110; id += 2) {
            s.updateDependency(id, 0, 16, false); // idle entries push the closed stream out
        }
        assertFalse(s.tree().contains(1));
        assertEquals(0, parentOf(s.tree(), 3));
        assertEquals(3, s.next());
    }

    @Test
    void withoutAnyDependencySignalAClosedStreamLeavesNothingBehind() {
        StreamScheduler s = new StreamScheduler(Scheme.RFC7540, 100);
        for (int id = 1; id < 400; id += 2) {
            addReady(s, id, Priority.DEFAULT);
            s.remove(id);
        }
        assertEquals(0, s.trackedStreams(), "no retained entries, so nothing to evict either");
        assertEquals(0, s.tree().evictions());
        addReady(s, 401, Priority.DEFAULT);
        s.updateDependency(401, 0, 32, false); // from the first signal on, closed streams are retained
        s.remove(401);
        assertTrue(s.tree().contains(401));
    }

    @Test
    void anExclusiveDependencyReordersTheTree() {
        StreamScheduler s = rfc7540();
        addReady(s, 1, Priority.DEFAULT);
        addReady(s, 3, Priority.DEFAULT);
        assertEquals(1, s.next());
        s.updateDependency(3, 0, 16, true); // 3 becomes the root's only child, 1 depends on it
        assertEquals(3, parentOf(s.tree(), 1));
        assertEquals(List.of(3, 3), send(s, 2, 100));
    }

    @Test
    void rfc9218SignalsAreIgnoredByTheRfc7540Scheme() {
        StreamScheduler s = rfc7540();
        addReady(s, 1, Priority.of(7, false));
        addReady(s, 3, Priority.of(0, false));
        s.updatePriority(1, Priority.of(7, true));
        assertNull(s.priorityOf(3));
        assertEquals(1, s.next(), "equal weights, equal virtual time: the lower stream id");
    }
}
