package io.h2relay.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** The static table (Appendix A) and both dynamic tables (§2.3.2, §4): ordering, sizes, eviction (row 70). */
class TablesTest {

    @Test
    void staticTableMatchesNettysCopyOfAppendixA() throws Exception {
        // An independent transcription of Appendix A to compare against.
        Class<?> netty = Class.forName("io.netty.handler.codec.http2.HpackStaticTable");
        Method getEntry = netty.getDeclaredMethod("getEntry", int.class);
        getEntry.setAccessible(true);
        assertEquals(61, StaticTable.LENGTH);
        for (int i = 1; i <= StaticTable.LENGTH; i++) {
            Object field = getEntry.invoke(null, i);
            Field name = field.getClass().getDeclaredField("name");
            Field value = field.getClass().getDeclaredField("value");
            name.setAccessible(true);
            value.setAccessible(true);
            Header ours = StaticTable.get(i);
            assertEquals(name.get(field).toString(), ours.name(), "name of " + i);
            assertEquals(value.get(field).toString(), ours.value(), "value of " + i);
        }
    }

    @Test
    void staticLookupPrefersExactMatchesThenTheFirstNameIndex() {
        assertEquals(2, StaticTable.find(":method", "GET"));
        assertEquals(3, StaticTable.find(":method", "POST"));
        assertEquals(-2, StaticTable.find(":method", "PUT"));
        assertEquals(14, StaticTable.find(":status", "500"));
        assertEquals(-8, StaticTable.find(":status", "302"));
        assertEquals(16, StaticTable.find("accept-encoding", "gzip, deflate"));
        assertEquals(1, StaticTable.find(":authority", ""));
        assertEquals(-61, StaticTable.find("www-authenticate", "Basic"));
        assertEquals(0, StaticTable.find("x-custom", "GET"));
    }

    @Test
    void staticStringsAreInterned() {
        assertSame(":path", StaticTable.get(4).name());
        assertSame("GET", StaticTable.get(2).value());
    }

    // -- decoder table

    @Test
    void newestEntryComesFirstAndSizesIncludeThirtyTwoOctets() {
        DynamicTable t = new DynamicTable(4096);
        t.add(Header.of("a", "1"));
        t.add(Header.of("bb", "22"));
        assertEquals(2, t.length());
        assertEquals(34 + 36, t.size());
        assertEquals(Header.of("bb", "22"), t.get(0));
        assertEquals(Header.of("a", "1"), t.get(1));
    }

    @Test
    void addingEvictsTheOldestUntilTheEntryFits() {
        DynamicTable t = new DynamicTable(100);
        t.add(Header.of("a", "1")); // 34
        t.add(Header.of("b", "2")); // 68
        t.add(Header.of("c", "3")); // 102 > 100: a goes
        assertEquals(2, t.length());
        assertEquals(68, t.size());
        assertEquals(Header.of("c", "3"), t.get(0));
        assertEquals(Header.of("b", "2"), t.get(1));
    }

    @Test
    void entryLargerThanTheTableEmptiesIt() {
        DynamicTable t = new DynamicTable(100);
        t.add(Header.of("a", "1"));
        t.add(Header.of("big", "x".repeat(100)));
        assertEquals(0, t.length());
        assertEquals(0, t.size());
    }

    @Test
    void entryOfExactlyTheTableSizeFits() {
        DynamicTable t = new DynamicTable(100);
        t.add(Header.of("a", "1"));
        t.add(Header.of("n", "x".repeat(67))); // 1 + 67 + 32 = 100
        assertEquals(1, t.length());
        assertEquals(100, t.size());
    }

    @Test
    void shrinkingEvictsAndZeroEmpties() {
        DynamicTable t = new DynamicTable(4096);
        for (int i = 0; i < 10; i++) {
            t.add(Header.of("n" + i, "v")); // 35 each
        }
        t.setMaxSize(100);
        assertEquals(2, t.length());
        assertEquals(Header.of("n9", "v"), t.get(0));
        assertEquals(Header.of("n8", "v"), t.get(1));
        t.setMaxSize(0);
        assertEquals(0, t.length());
        assertEquals(0, t.size());
    }

    @Test
    void ringGrowsAndWrapsKeepingOrder() {
        DynamicTable t = new DynamicTable(40 * 34);
        for (int i = 0; i < 1000; i++) {
            t.add(Header.of(String.valueOf((char) ('a' + i % 26)), String.valueOf((char) ('A' + i % 26))));
            int expected = Math.min(i + 1, 40);
            assertEquals(expected, t.length());
            for (int k = 0; k < expected; k++) {
                int j = i - k;
                assertEquals(Header.of(String.valueOf((char) ('a' + j % 26)), String.valueOf((char) ('A' + j % 26))),
                        t.get(k));
            }
        }
    }

    // -- encoder table

    @Test
    void encoderTableFindsTheNewestEntryAndTracksEviction() {
        EncoderTable t = new EncoderTable(100);
        add(t, "a", "1"); // 34
        add(t, "a", "2"); // 68
        assertEquals(62, find(t, "a", "2"));
        assertEquals(63, find(t, "a", "1"));
        assertEquals(62, t.findName("a", EncoderTable.nameHash("a")));
        add(t, "b", "3"); // evicts a: 1
        assertEquals(0, find(t, "a", "1"));
        assertEquals(63, find(t, "a", "2"));
        assertEquals(62, find(t, "b", "3"));
        assertEquals(63, t.findName("a", EncoderTable.nameHash("a")));
        assertEquals(0, t.findName("c", EncoderTable.nameHash("c")));
    }

    @Test
    void encoderTableEntryLargerThanTheTableEmptiesIt() {
        EncoderTable t = new EncoderTable(100);
        add(t, "a", "1");
        add(t, "big", "x".repeat(100));
        assertEquals(0, t.length());
        assertEquals(0, t.size());
        assertEquals(0, find(t, "a", "1"));
    }

    @Test
    void encoderTableGrowsWhenItsMaximumRises() {
        EncoderTable t = new EncoderTable(100);
        add(t, "a", "1");
        add(t, "b", "2");
        t.setMaxSize(4096);
        for (int i = 0; i < 100; i++) {
            add(t, "n", String.valueOf(i));
        }
        assertEquals(102, t.length());
        assertEquals(62 + 101, find(t, "a", "1"));
        assertEquals(62, find(t, "n", "99"));
        t.setMaxSize(35 * 2);
        assertEquals(2, t.length());
        assertEquals(63, find(t, "n", "98"));
        assertEquals(0, find(t, "a", "1"));
    }

    @Test
    void encoderTableStartsSmallAndGrowsAsEntriesArriveKeepingIndexes() {
        EncoderTable t = new EncoderTable(4096);
        // 100 entries of 33 octets: past the first arrays (8 entries) and several doublings, then evictions.
        for (int i = 0; i < 100; i++) {
            add(t, "n", Integer.toString(i % 10)); // "n" + one digit + 32 = 34 octets
            for (int back = 0; back <= Math.min(i, 9); back++) {
                // The newest "n"=(i-back)%10 sits `back` entries from the front: index 62 + back.
                assertEquals(62 + back, find(t, "n", Integer.toString((i - back) % 10)), "after " + i + ", " + back);
            }
        }
        assertEquals(100, t.length()); // 100 x 34 = 3,400 octets: nothing evicted yet
        for (int i = 100; i < 130; i++) {
            add(t, "n", Integer.toString(i % 10));
        }
        assertEquals(4096 / 34, t.length()); // full now: the oldest went
        assertEquals(62, find(t, "n", "9"));
        assertEquals(62, t.findName("n", EncoderTable.nameHash("n")));
    }

    private static void add(EncoderTable t, String name, String value) {
        int nh = EncoderTable.nameHash(name);
        t.add(name, value, nh, EncoderTable.fieldHash(nh, value));
    }

    private static int find(EncoderTable t, String name, String value) {
        return t.findField(name, value, EncoderTable.fieldHash(EncoderTable.nameHash(name), value));
    }
}
