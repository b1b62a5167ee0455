package io.h2relay.hpack;

import static io.h2relay.hpack.HpackTestSupport.decode;
import static io.h2relay.hpack.HpackTestSupport.headers;
import static io.h2relay.hpack.HpackTestSupport.hex;
import static io.h2relay.hpack.HpackTestSupport.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every example of RFC 7541 Appendix C, byte for byte in both directions, with the dynamic table after each block.
 * The RFC's encoder indexes every field (here {@link IndexingPolicy#ALWAYS}); C.3/C.5 send raw strings, C.4/C.6
 * Huffman-code every string, even "307" in C.6.2 where it saves nothing (the default encoder would send that one
 * raw); C.5/C.6 run with a 256-octet table both sides agreed on beforehand.
 */
class RfcAppendixCTest {

    // C.1 integer representation

    @Test
    void c11EncodesTenWithFiveBitPrefix() throws HpackException {
        byte[] out = new byte[8];
        assertEquals(1, HpackEncoder.encodeInteger(out, 0, 0, 5, 10));
        assertEquals(0x0A, out[0]);
        assertEquals(10, HpackDecoder.decodeInteger(hex("0a"), 5));
    }

    @Test
    void c12Encodes1337WithFiveBitPrefix() throws HpackException {
        byte[] out = new byte[8];
        assertEquals(3, HpackEncoder.encodeInteger(out, 0, 0, 5, 1337));
        assertEquals("1f9a0a", hex(java.nio.ByteBuffer.wrap(out, 0, 3)));
        assertEquals(1337, HpackDecoder.decodeInteger(hex("1f9a0a"), 5));
    }

    @Test
    void c13Encodes42AtAnOctetBoundary() throws HpackException {
        byte[] out = new byte[8];
        assertEquals(1, HpackEncoder.encodeInteger(out, 0, 0, 8, 42));
        assertEquals(42, out[0]);
        assertEquals(42, HpackDecoder.decodeInteger(hex("2a"), 8));
    }

    // C.2 header field representation

    @Test
    void c21LiteralWithIndexing() throws HpackException {
        String wire = "400a637573746f6d2d6b65790d637573746f6d2d686561646572";
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
        assertEquals(headers("custom-key", "custom-header"), decode(decoder, wire));
        assertEquals(headers("custom-key", "custom-header"), table(decoder));
        assertEquals(55, decoder.dynamicTableSize());

        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.ALWAYS, false);
        assertEquals(wire, hex(encoder.encode(headers("custom-key", "custom-header"))));
        assertEquals(55, encoder.dynamicTableSize());
    }

    @Test
    void c22LiteralWithoutIndexing() throws HpackException {
        String wire = "040c2f73616d706c652f70617468";
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
        List<Header> decoded = decode(decoder, wire);
        assertEquals(headers(":path", "/sample/path"), decoded);
        assertEquals(0, decoder.dynamicTableSize());

        HpackEncoder encoder = new HpackEncoder(h -> IndexingPolicy.Indexing.WITHOUT_INDEXING, false);
        assertEquals(wire, hex(encoder.encode(headers(":path", "/sample/path"))));
        assertEquals(0, encoder.dynamicTableSize());
    }

    @Test
    void c23LiteralNeverIndexedKeepsTheFlag() throws HpackException {
        String wire = "100870617373776f726406736563726574";
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
        assertEquals(List.of(new Header("password", "secret", true)), decode(decoder, wire));
        assertEquals(0, decoder.dynamicTableSize());

        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.ALWAYS, false);
        assertEquals(wire, hex(encoder.encode(List.of(new Header("password", "secret", true)))));
        assertEquals(0, encoder.dynamicTableSize());
    }

    @Test
    void c24IndexedField() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
        List<Header> decoded = decode(decoder, "82");
        assertEquals(headers(":method", "GET"), decoded);
        assertTrue(decoded.get(0) == StaticTable.get(2), "a static index returns the static entry itself");
        assertEquals(0, decoder.dynamicTableSize());

        assertEquals("82", hex(new HpackEncoder(IndexingPolicy.ALWAYS, false).encode(headers(":method", "GET"))));
    }

    // C.3 / C.4 requests

    private static final List<List<Header>> REQUESTS = List.of(
            headers(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"),
            headers(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com",
                    "cache-control", "no-cache"),
            headers(":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com",
                    "custom-key", "custom-value"));

    private static final List<List<Header>> REQUEST_TABLES = List.of(
            headers(":authority", "www.example.com"),
            headers("cache-control", "no-cache", ":authority", "www.example.com"),
            headers("custom-key", "custom-value", "cache-control", "no-cache", ":authority", "www.example.com"));

    private static final int[] REQUEST_TABLE_SIZES = {57, 110, 164};

    @Test
    void c3RequestsWithoutHuffman() throws HpackException {
        check(4096, false, REQUESTS, REQUEST_TABLES, REQUEST_TABLE_SIZES,
                "828684410f7777772e6578616d706c652e636f6d",
                "828684be58086e6f2d6361636865",
                "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565");
    }

    @Test
    void c4RequestsWithHuffman() throws HpackException {
        check(4096, true, REQUESTS, REQUEST_TABLES, REQUEST_TABLE_SIZES,
                "828684418cf1e3c2e5f23a6ba0ab90f4ff",
                "828684be5886a8eb10649cbf",
                "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf");
    }

    // C.5 / C.6 responses, 256-octet table: evictions

    private static final String DATE1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String LOCATION = "https://www.example.com";
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    private static final List<List<Header>> RESPONSES = List.of(
            headers(":status", "302", "cache-control", "private", "date", DATE1, "location", LOCATION),
            headers(":status", "307", "cache-control", "private", "date", DATE1, "location", LOCATION),
            headers(":status", "200", "cache-control", "private", "date", DATE2, "location", LOCATION,
                    "content-encoding", "gzip", "set-cookie", COOKIE));

    private static final List<List<Header>> RESPONSE_TABLES = List.of(
            headers("location", LOCATION, "date", DATE1, "cache-control", "private", ":status", "302"),
            headers(":status", "307", "location", LOCATION, "date", DATE1, "cache-control", "private"),
            headers("set-cookie", COOKIE, "content-encoding", "gzip", "date", DATE2));

    private static final int[] RESPONSE_TABLE_SIZES = {222, 222, 215};

    @Test
    void c5ResponsesWithoutHuffmanEvict() throws HpackException {
        check(256, false, RESPONSES, RESPONSE_TABLES, RESPONSE_TABLE_SIZES,
                "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54"
                        + "6e1768747470733a2f2f7777772e6578616d706c652e636f6d",
                "4803333037c1c0bf",
                "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f"
                        + "3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076"
                        + "657273696f6e3d31");
    }

    @Test
    void huffmanWhenShorterSendsC62sStatusRaw() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.ALWAYS, true);
        // "307" Huffman-codes to 3 octets, no shorter than raw.
        assertEquals("4803333037", hex(encoder.encode(headers(":status", "307"))));
    }

    @Test
    void c6ResponsesWithHuffmanEvict() throws HpackException {
        check(256, true, RESPONSES, RESPONSE_TABLES, RESPONSE_TABLE_SIZES,
                "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f"
                        + "0b97c8e9ae82ae43d3",
                "4883640effc1c0bf",
                "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335df"
                        + "dfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007");
    }

    private static void check(int tableSize, boolean huffman, List<List<Header>> lists, List<List<Header>> tables,
            int[] sizes, String... wires) throws HpackException {
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.ALWAYS,
                huffman ? HpackEncoder.HuffmanUse.ALWAYS : HpackEncoder.HuffmanUse.NEVER, tableSize);
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE, tableSize);
        for (int i = 0; i < wires.length; i++) {
            String step = "block " + (i + 1);
            assertEquals(wires[i], hex(encoder.encode(lists.get(i))), step + " encoded");
            assertEquals(sizes[i], encoder.dynamicTableSize(), step + " encoder table size");
            assertEquals(tables.get(i).size(), encoder.dynamicTableLength(), step + " encoder table entries");

            assertEquals(lists.get(i), decode(decoder, wires[i]), step + " decoded");
            assertEquals(tables.get(i), table(decoder), step + " decoder table");
            assertEquals(sizes[i], decoder.dynamicTableSize(), step + " decoder table size");
        }
    }
}
