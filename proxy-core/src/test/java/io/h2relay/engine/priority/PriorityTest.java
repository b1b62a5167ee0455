package io.h2relay.engine.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9218 §4 parameters read from RFC 8941 Dictionaries. */
class PriorityTest {

    private static Priority p(int u, boolean i) {
        return Priority.of(u, i);
    }

    @ParameterizedTest(name = "[{0}] -> u={1} i={2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "u=5, i          | 5 | true",
            "u=0             | 0 | false",
            "u=7             | 7 | false",
            "i               | 3 | true",
            "i=?1            | 3 | true",
            "i=?0            | 3 | false",
            "u=1;a=b         | 1 | false",
            "u=1;a;b=?0;c=\"x\", i;q=1 | 1 | true",
            "i, u=2          | 2 | true",
            "x=1, u=2, foo=\"bar\", y=:aGVsbG8=:, z=tok/en:1, w=-1.5 | 2 | false",
            "'u=2 ,\ti'      | 2 | true",
            "'   u=4   '     | 4 | false",
            "'u=4,i'         | 4 | true",
            "u=-0            | 0 | false",
            "*star=1, u=6    | 6 | false",
            "u=1, u=2        | 2 | false",
            "i, i=?0         | 3 | false",
            "u=2, d=@1659578233, s=%\"f%c3%bc\" | 2 | false",
            "u=2, l=(a \"b\" 3);q=1, e=() | 2 | false",
    })
    void parsesValidDictionaries(String field, int urgency, boolean incremental) {
        assertEquals(p(urgency, incremental), Priority.parse(field));
    }

    @ParameterizedTest(name = "[{0}] -> u={1} i={2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            // RFC 9218 §4: out-of-range values and wrong types are ignored; that parameter keeps its default
            "u=8, i          | 3 | true",
            "u=-1, i         | 3 | true",
            "u=100           | 3 | false",
            "u=1.0           | 3 | false",
            "u=\"1\"         | 3 | false",
            "u=one           | 3 | false",
            "u=?1            | 3 | false",
            "u=(1 2)         | 3 | false",
            "u               | 3 | false",
            "u=:AQ==:, i     | 3 | true",
            "u=@1            | 3 | false",
            "u=2, i=1        | 2 | false",
            "u=2, i=\"yes\"  | 2 | false",
            "u=2, i=(?1)     | 2 | false",
            "u=1, u=9        | 3 | false",
    })
    void ignoresInvalidParametersButKeepsTheOthers(String field, int urgency, boolean incremental) {
        assertEquals(p(urgency, incremental), Priority.parse(field));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "u=1,", "u=1, ", "u=1 i", "U=1", "u==1", "u=1;", "u=1;A=2", "\"x\"", ",u=1", "u=1,,i",
            "u=1, x=\"unterminated", "u=1, x=\"bad\\escape\"", "u=1234567890123456", "x=1234567890123.1",
            "x=1.2345", "x=1., u=1", "u=1, é", "u=1, x=:a*b:", "x=?2, u=1", "x=(1 2, u=1", "x=(1,2), u=1",
            "x=%\"%FF\", u=1", "x=%\"%c3\", u=1", "x=%'a', u=1", "x=@1.5, u=1", "\tu=1", "u=1\n", "u=1, x=#",
    })
    void aBrokenDictionaryYieldsTheDefaults(String field) {
        assertSame(Priority.DEFAULT, Priority.parse(field));
        assertNull(Priority.parseOrNull(field), "PRIORITY_UPDATE: a connection error");
    }

    @Test
    void anAbsentOrEmptyFieldIsTheDefault() {
        assertSame(Priority.DEFAULT, Priority.parse(null));
        assertSame(Priority.DEFAULT, Priority.parse(""));
        assertSame(Priority.DEFAULT, Priority.parse("   "));
        assertSame(Priority.DEFAULT, Priority.parseOrNull(""));
        assertEquals(p(3, false), Priority.DEFAULT);
    }

    @Test
    void aPriorityUpdateReplacesEveryParameter() {
        Priority current = p(1, true);
        assertEquals(p(5, false), current.merge("u=5"), "absent i means its default (RFC 9218 §7)");
        assertEquals(p(3, true), current.merge("i"));
        assertSame(Priority.DEFAULT, current.merge(""));
        assertSame(current, current.merge("u=5,"), "an unparseable update changes nothing");
    }

    @Test
    void aResponseSignalOverridesOnlyWhatItCarries() {
        Priority client = p(5, true);
        assertEquals(p(1, true), client.mergeResponse("u=1"), "RFC 9218 §8's example");
        assertEquals(p(5, false), client.mergeResponse("i=?0"));
        assertSame(client, client.mergeResponse(""));
        assertSame(client, client.mergeResponse(null));
        assertSame(client, client.mergeResponse("u=9"), "an ignored parameter keeps the client's value");
        assertSame(client, client.mergeResponse("u=1,"), "an unparseable field is ignored");
    }

    @Test
    void toFieldValueOmitsDefaultsAndRoundTrips() {
        assertEquals("", Priority.DEFAULT.toFieldValue());
        assertEquals("u=5, i", p(5, true).toFieldValue());
        assertEquals("u=0", p(0, false).toFieldValue());
        assertEquals("i", p(3, true).toFieldValue());
        for (int u = 0; u < 8; u++) {
            for (boolean i : new boolean[] {false, true}) {
                assertSame(p(u, i), Priority.parse(p(u, i).toFieldValue()));
            }
        }
    }

    @Test
    void urgencyOutsideZeroToSevenIsRejectedLocally() {
        assertThrows(IllegalArgumentException.class, () -> new Priority(8, false));
        assertThrows(IllegalArgumentException.class, () -> Priority.of(-1, true));
    }
}
