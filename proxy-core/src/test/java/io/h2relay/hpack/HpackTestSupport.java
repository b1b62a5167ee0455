package io.h2relay.hpack;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Small helpers shared by the HPACK tests. */
final class HpackTestSupport {

    private HpackTestSupport() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static String hex(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static List<Header> decode(HpackDecoder decoder, String hex) throws HpackException {
        return decoder.decode(ByteBuffer.wrap(hex(hex)));
    }

    /** The decoder's dynamic table, newest first. */
    static List<Header> table(HpackDecoder decoder) {
        List<Header> entries = new ArrayList<>();
        for (int i = 0; i < decoder.dynamicTableLength(); i++) {
            entries.add(decoder.dynamicTableEntry(i));
        }
        return entries;
    }

    static List<Header> headers(String... nameValues) {
        List<Header> list = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            list.add(Header.of(nameValues[i], nameValues[i + 1]));
        }
        return list;
    }
}
