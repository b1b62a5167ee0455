package io.h2relay.engine.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the {@code priority} field parser: it never throws, and generated Dictionaries read right. */
class PriorityPropertiesTest {

    private static Priority p(int u, boolean i) {
        return Priority.of(u, i);
    }

    @Property(tries = 500)
    void parsingNeverThrows(@ForAll String field) {
        Priority parsed = Priority.parse(field);
        assertEquals(parsed, Priority.of(parsed.urgency(), parsed.incremental()));
    }

    @Property(tries = 300)
    void parsingNeverThrowsOnDictionaryLikeNoise(@ForAll("dictionaryNoise") String field) {
        Priority.parse(field);
        Priority.DEFAULT.mergeResponse(field);
    }

    @Provide
    Arbitrary<String> dictionaryNoise() {
        return Arbitraries.strings().withChars("ui=?01;,() \"\\:@%*.-aZ9\t").ofMaxLength(24);
    }

    record Member(String text, String key, Integer urgency, Boolean incremental) {
    }

    /** Valid members: u and i with valid, invalid-typed or out-of-range values, and unknown extensions. */
    @Provide
    Arbitrary<Member> members() {
        Arbitrary<Member> u = Arbitraries.integers().between(-3, 12)
                .map(v -> new Member("u=" + v, "u", v >= 0 && v <= 7 ? v : null, null));
        Arbitrary<Member> uWrongType = Arbitraries.of("u=?1", "u=\"2\"", "u=2.5", "u=(1)", "u", "u=tok")
                .map(t -> new Member(t, "u", null, null));
        Arbitrary<Member> i = Arbitraries.of(true, false)
                .flatMap(b -> Arbitraries.of(b ? "i" : "i=?0", b ? "i=?1" : "i=?0;x=1", b ? "i;p=\"q\"" : "i=?0"))
                .map(t -> new Member(t, "i", null, !t.startsWith("i=?0")));
        Arbitrary<Member> iWrongType = Arbitraries.of("i=1", "i=\"true\"", "i=:AA==:", "i=(?1)")
                .map(t -> new Member(t, "i", null, null));
        Arbitrary<Member> other = Arbitraries.of("x=1", "foo=bar", "a=(1 2);p", "z=:AQ==:", "ex.t=?1", "q=\"u=1\"",
                        "k=@0", "d=%\"x\"", "n=-12.125")
                .map(t -> new Member(t, t.substring(0, t.indexOf('=')), null, null));
        return Arbitraries.oneOf(u, uWrongType, i, iWrongType, other);
    }

    @Property(tries = 500)
    void theLastValidMemberOfEachKeyDecides(@ForAll("dictionaries") List<Member> members) {
        StringBuilder field = new StringBuilder();
        Integer urgency = null;
        Boolean incremental = null;
        for (Member m : members) {
            if (field.length() > 0) {
                field.append(m.text().length() % 2 == 0 ? ", " : ",\t ");
            }
            field.append(m.text());
            // RFC 8941: a repeated key overwrites; RFC 9218: an invalid value is ignored (as if absent).
            if (m.key().equals("u")) {
                urgency = m.urgency();
            } else if (m.key().equals("i")) {
                incremental = m.incremental();
            }
        }
        Priority expected = p(urgency == null ? 3 : urgency, incremental != null && incremental);
        assertEquals(expected, Priority.parse(field.toString()), field::toString);
    }

    @Provide
    Arbitrary<List<Member>> dictionaries() {
        return members().list().ofMaxSize(6);
    }

    @Property(tries = 200)
    void everyPriorityRoundTrips(@ForAll("priorities") Priority priority) {
        assertSame(priority, Priority.parse(priority.toFieldValue()));
        assertSame(priority, Priority.DEFAULT.merge(priority.toFieldValue()));
    }

    @Provide
    Arbitrary<Priority> priorities() {
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.of(true, false)).as(Priority::of);
    }
}
