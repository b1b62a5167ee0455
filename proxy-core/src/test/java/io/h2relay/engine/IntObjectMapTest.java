package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The stream maps behave like a HashMap and a bounded FIFO memory. */
class IntObjectMapTest {

    @Property(tries = 200)
    void behavesLikeAHashMap(@ForAll @Size(max = 400) List<@IntRange(min = 1, max = 300) Integer> keys,
            @ForAll long seed) {
        Random random = new Random(seed);
        IntObjectMap<Integer> map = new IntObjectMap<>(4);
        Map<Integer, Integer> model = new HashMap<>();
        for (int key : keys) {
            if (random.nextInt(3) == 0) {
                assertEquals(model.remove(key) != null, map.remove(key));
            } else {
                map.put(key, key * 7);
                model.put(key, key * 7);
            }
            assertEquals(model.size(), map.size());
        }
        for (int k = 1; k <= 300; k++) {
            assertEquals(model.get(k), map.get(k));
        }
        List<Integer> values = new ArrayList<>();
        map.forEachValue(values::add);
        assertEquals(model.size(), values.size());
    }

    @Test
    void sequentialStreamIdsSpreadAndShrinkBack() {
        IntObjectMap<String> map = new IntObjectMap<>(16);
        for (int id = 1; id < 200_000; id += 2) {
            map.put(id, "s");
            if (id >= 201) {
                assertTrue(map.remove(id - 200));
            }
        }
        assertEquals(100, map.size());
        assertNull(map.get(1));
        assertFalse(map.remove(1));
    }

    @Test
    void closedStreamsForgetTheOldestFirst() {
        ClosedStreams closed = new ClosedStreams(3);
        for (int id = 1; id <= 9; id += 2) {
            closed.put(id, ClosedBy.SEND_RST_STREAM);
        }
        assertEquals(3, closed.size());
        assertNull(closed.get(1));
        assertNull(closed.get(3));
        assertEquals(ClosedBy.SEND_RST_STREAM, closed.get(5));
        assertEquals(ClosedBy.SEND_RST_STREAM, closed.get(9));
        closed.put(9, ClosedBy.RECV_END_STREAM);
        assertEquals(ClosedBy.RECV_END_STREAM, closed.get(9));
        assertEquals(3, closed.size());
    }
}
