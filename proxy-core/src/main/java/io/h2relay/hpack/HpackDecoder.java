package io.h2relay.hpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes field blocks (RFC 7541 §3, §6). One decoder per connection direction: it holds the dynamic table the
 * peer's encoder fills.
 *
 * <p>Allocation: a fully indexed field (static or dynamic) returns the table's own {@link Header}; a literal costs
 * its strings and one {@code Header}; Huffman output and direct-buffer input go through reused scratch arrays.
 */
public final class HpackDecoder {

    /** SETTINGS_HEADER_TABLE_SIZE's initial value (RFC 9113 §6.5.2), which both sides start from. */
    static final int DEFAULT_TABLE_SIZE = 4096;

    private final DynamicTable table;
    /** The largest size update the peer may send: our SETTINGS_HEADER_TABLE_SIZE once acknowledged. */
    private int maxTableSize;
    /** Set when the acknowledged maximum went below the table's size: the next block must start with an update. */
    private boolean sizeUpdateRequired;
    private int maxHeaderListSize;

    // The block being decoded.
    private byte[] in;
    private int pos;
    private int limit;

    /** Copy of a block that is not array-backed. */
    private byte[] direct = new byte[0];
    /** Huffman output; 8/5 of the longest Huffman string seen so far. */
    private byte[] huffman = new byte[256];

    /** Dynamic table of 4096 octets, the RFC default, until a size update changes it. */
    public HpackDecoder(int maxHeaderListSize) {
        this(maxHeaderListSize, DEFAULT_TABLE_SIZE);
    }

    /** For peers that agreed on another starting size out of band (the RFC 7541 Appendix C.5/C.6 examples). */
    HpackDecoder(int maxHeaderListSize, int tableSize) {
        this.table = new DynamicTable(tableSize);
        this.maxTableSize = tableSize;
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /**
     * Our SETTINGS_HEADER_TABLE_SIZE once the peer acknowledged it: the most a size update may ask for (§4.2). When
     * it is below the table's current maximum, the peer's encoder must shrink its table, so the next block must
     * begin with a size update (§4.2, "MUST occur at the beginning of the first header block").
     */
    public void setMaxTableSize(int acknowledgedMax) {
        if (acknowledgedMax < 0) {
            throw new IllegalArgumentException("negative table size " + acknowledgedMax);
        }
        maxTableSize = acknowledgedMax;
        sizeUpdateRequired = acknowledgedMax < table.maxSize();
    }

    /** RFC 9113 SETTINGS_MAX_HEADER_LIST_SIZE rule (§6.5.2): the sum of name + value + 32 over the list. */
    public void setMaxHeaderListSize(int bytes) {
        maxHeaderListSize = bytes;
    }

    /** Current size of the dynamic table in RFC octets (for tests and metrics). */
    public int dynamicTableSize() {
        return table.size();
    }

    int dynamicTableMaxSize() {
        return table.maxSize();
    }

    int dynamicTableLength() {
        return table.length();
    }

    /** Entry {@code i} of the dynamic table, 0 being the newest. */
    Header dynamicTableEntry(int i) {
        return table.get(i);
    }

    /**
     * Decodes one complete field block (all its bytes, HEADERS + CONTINUATION joined). Consumes the buffer, also
     * when it throws.
     */
    public List<Header> decode(ByteBuffer block) throws HpackException {
        int length = block.remaining();
        if (block.hasArray()) {
            in = block.array();
            pos = block.arrayOffset() + block.position();
        } else {
            if (direct.length < length) {
                direct = new byte[Math.max(length, direct.length * 2)];
            }
            block.get(block.position(), direct, 0, length);
            in = direct;
            pos = 0;
        }
        limit = pos + length;
        block.position(block.limit());
        try {
            return decodeBlock();
        } finally {
            in = null;
        }
    }

    private List<Header> decodeBlock() throws HpackException {
        // A field takes at least one octet; most blocks hold fewer than 32 fields.
        List<Header> fields = new ArrayList<>(Math.max(4, Math.min(32, limit - pos)));
        long listSize = 0;
        boolean overLimit = false;
        boolean blockStart = true;
        while (pos < limit) {
            int b = in[pos];
            if ((b & 0xE0) == 0x20) {
                // §6.3 dynamic table size update: 001xxxxx, only before the first field (§4.2)
                if (!blockStart) {
                    throw new InvalidTableSizeUpdateException("dynamic table size update after the first field");
                }
                int newSize = readInteger(5);
                if (newSize > maxTableSize) {
                    throw new InvalidTableSizeUpdateException(
                            "dynamic table size update to " + newSize + " above the acknowledged " + maxTableSize);
                }
                table.setMaxSize(newSize);
                sizeUpdateRequired = false;
                continue;
            }
            if (blockStart) {
                checkSizeUpdateDone();
                blockStart = false;
            }
            Header field;
            int fieldSize;
            if (b < 0) {
                // §6.1 indexed field: 1xxxxxxx. Sizes come from the tables, without touching the strings.
                int index = readInteger(7);
                if (index > StaticTable.LENGTH) {
                    int i = dynamicIndex(index);
                    field = table.get(i);
                    fieldSize = table.sizeOf(i);
                } else {
                    field = entry(index);
                    fieldSize = StaticTable.size(index);
                }
            } else if (b >= 0x40) {
                // §6.2.1 literal with incremental indexing: 01xxxxxx
                int index = readInteger(6);
                String name = index == 0 ? readString() : entry(index).name();
                field = new Header(name, readString(), false);
                fieldSize = field.size();
                table.add(field);
            } else {
                // §6.2.2 without indexing 0000xxxx, §6.2.3 never indexed 0001xxxx
                boolean never = b >= 0x10;
                int index = readInteger(4);
                if (overLimit) {
                    // Nothing of this field is kept or indexed: skip its strings (HPACK bomb, RFC 7541 §7.3).
                    if (index == 0) {
                        skipString();
                    } else {
                        entry(index);
                    }
                    skipString();
                    continue;
                }
                String name = index == 0 ? readString() : entry(index).name();
                field = new Header(name, readString(), never);
                fieldSize = field.size();
            }
            if (!overLimit) {
                listSize += fieldSize;
                if (listSize > maxHeaderListSize) {
                    overLimit = true;
                } else {
                    fields.add(field);
                }
            }
        }
        if (sizeUpdateRequired) {
            throw new InvalidTableSizeUpdateException(
                    "block did not start with the dynamic table size update SETTINGS asked for");
        }
        if (overLimit) {
            throw new HeaderListTooLargeException(maxHeaderListSize);
        }
        return fields;
    }

    private void checkSizeUpdateDone() throws InvalidTableSizeUpdateException {
        if (sizeUpdateRequired) {
            throw new InvalidTableSizeUpdateException(
                    "block did not start with the dynamic table size update SETTINGS asked for");
        }
    }

    /** §2.3.3 index space: 1..61 static, then the dynamic table newest first. */
    private Header entry(int index) throws HpackException {
        if (index <= StaticTable.LENGTH) {
            if (index == 0) {
                throw new InvalidIndexException("index 0");
            }
            return StaticTable.get(index);
        }
        return table.get(dynamicIndex(index));
    }

    /** Position in the dynamic table (0 = newest) of an index above 61. */
    private int dynamicIndex(int index) throws InvalidIndexException {
        int i = index - StaticTable.LENGTH - 1;
        if (i >= table.length()) {
            throw new InvalidIndexException(
                    "index " + index + " beyond the dynamic table's " + table.length() + " entries");
        }
        return i;
    }

    /**
     * §5.1 integer with an N-bit prefix, starting at {@code in[pos]} (the caller checked there is one octet). At
     * most 5 continuation octets and a value up to 2^31-1: anything longer is an implementation limit, which §5.1
     * makes a decoding error.
     */
    private int readInteger(int prefixBits) throws HpackException {
        int max = (1 << prefixBits) - 1;
        int value = in[pos++] & max;
        if (value < max) {
            return value;
        }
        long v = value;
        for (int shift = 0; shift <= 28; shift += 7) {
            if (pos == limit) {
                throw new TruncatedHeaderBlockException("block ends inside an integer");
            }
            int b = in[pos++];
            v += (long) (b & 0x7F) << shift;
            if (v > Integer.MAX_VALUE) {
                throw new IntegerOverflowException("integer above 2^31-1");
            }
            if (b >= 0) {
                return (int) v;
            }
        }
        throw new IntegerOverflowException("integer with more than 5 continuation octets");
    }

    /** §5.2 string literal: H flag, 7-bit prefix length, octets. */
    private String readString() throws HpackException {
        if (pos == limit) {
            throw new TruncatedHeaderBlockException("block ends before a string literal");
        }
        boolean huffmanCoded = in[pos] < 0;
        int length = readInteger(7);
        if (length > limit - pos) {
            throw new TruncatedHeaderBlockException(
                    "string literal of " + length + " octets but only " + (limit - pos) + " left in the block");
        }
        String s;
        if (huffmanCoded) {
            // No code is shorter than 5 bits, so n octets decode to at most 8n/5 symbols.
            int max = (int) ((length * 8L + 4) / 5);
            if (huffman.length < max) {
                huffman = new byte[Math.max(max, huffman.length * 2)];
            }
            int n = Huffman.decode(in, pos, length, huffman);
            s = new String(huffman, 0, n, ISO_8859_1);
        } else {
            s = new String(in, pos, length, ISO_8859_1);
        }
        pos += length;
        return s;
    }

    private void skipString() throws HpackException {
        if (pos == limit) {
            throw new TruncatedHeaderBlockException("block ends before a string literal");
        }
        int length = readInteger(7);
        if (length > limit - pos) {
            throw new TruncatedHeaderBlockException(
                    "string literal of " + length + " octets but only " + (limit - pos) + " left in the block");
        }
        pos += length;
    }

    /** §5.1 decoding of one integer, for tests: {@code bytes} must hold exactly one integer. */
    static int decodeInteger(byte[] bytes, int prefixBits) throws HpackException {
        HpackDecoder d = new HpackDecoder(Integer.MAX_VALUE);
        d.in = bytes;
        d.limit = bytes.length;
        if (bytes.length == 0) {
            throw new TruncatedHeaderBlockException("no integer");
        }
        int value = d.readInteger(prefixBits);
        if (d.pos != bytes.length) {
            throw new IllegalArgumentException((bytes.length - d.pos) + " octets after the integer");
        }
        return value;
    }
}
