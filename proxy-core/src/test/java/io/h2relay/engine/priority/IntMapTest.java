package io.h2relay.engine.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** IntMap behaves like a HashMap through growth, shrinking and backward-shift deletion. */
class IntMapTest {

    record Op(boolean put, int key) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        // Few distinct keys collide often; multiples of large powers of two probe the hash spreading.
        Arbitrary<Integer> keys = Arbitraries.oneOf(Arbitraries.integers().between(-40, 40),
                Arbitraries.integers().between(0, 50).map(k -> k << 20), Arbitraries.integers());
        return Combinators.combine(Arbitraries.of(true, true, false), keys).as(Op::new).list().ofMaxSize(400);
    }

    @Property(tries = 200)
    void agreesWithHashMap(@ForAll("ops") List<Op> ops) {
        IntMap<String> map = new IntMap<>();
        Map<Integer, String> model = new HashMap<>();
        int step = 0;
        for (Op op : ops) {
            String value = "v" + step++;
            if (op.put()) {
                map.put(op.key(), value);
                model.put(op.key(), value);
            } else {
                assertEquals(model.remove(op.key()), map.remove(op.key()));
            }
            assertEquals(model.size(), map.size());
            for (Map.Entry<Integer, String> e : model.entrySet()) {
                assertEquals(e.getValue(), map.get(e.getKey()), "key " + e.getKey());
            }
            assertEquals(model.get(op.key() + 1), map.get(op.key() + 1));
        }
    }
}
