package io.h2relay.hpack;

import io.h2relay.hpack.IndexingPolicy.Indexing;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.RandomAccess;

/**
 * Encodes field blocks (RFC 7541 §6). One encoder per connection direction.
 *
 * <p>Per field: an exact match in the static, then the dynamic table is sent as an index (§6.1); otherwise a
 * literal (§6.2) whose name is an index when the name is known (static first: its indexes take one octet), with the
 * representation the {@link IndexingPolicy} picks. Strings are Huffman-coded only when that is strictly shorter.
 *
 * <p>The encoder uses at most {@value #MAX_TABLE_SIZE} octets of dynamic table even when the peer allows more
 * (§4.2 lets the encoder pick any size up to the peer's setting; nghttp2 caps its deflater the same way), which
 * keeps per-connection memory small. In steady state it allocates nothing: the output buffer and table nodes are
 * reused.
 */
public final class HpackEncoder {

    /** The most dynamic table this encoder uses, whatever the peer allows. */
    static final int MAX_TABLE_SIZE = 4096;

    /** When string literals are Huffman-coded (§5.2). */
    enum HuffmanUse { NEVER, WHEN_SHORTER, ALWAYS }

    private final IndexingPolicy policy;
    private final HuffmanUse huffman;
    private final EncoderTable table;

    /** The peer's SETTINGS_HEADER_TABLE_SIZE as last set. */
    private int peerMax;
    /** Smallest size asked for since the last block; {@code Integer.MAX_VALUE} when none. */
    private int pendingMin = Integer.MAX_VALUE;
    private boolean updatePending;

    private byte[] out = new byte[256]; // a typical response head fits; larger blocks double it once
    private int pos;
    private ByteBuffer view = ByteBuffer.wrap(out);

    /** {@link IndexingPolicy#DEFAULT}, Huffman when shorter. */
    public HpackEncoder() {
        this(IndexingPolicy.DEFAULT, true);
    }

    /** {@code huffman = false}: never Huffman (tests, or peers that decode faster without it). */
    public HpackEncoder(IndexingPolicy policy, boolean huffman) {
        this(policy, huffman ? HuffmanUse.WHEN_SHORTER : HuffmanUse.NEVER, HpackDecoder.DEFAULT_TABLE_SIZE);
    }

    /**
     * For peers that agreed on another starting size out of band, and for Huffman on every string: both as the
     * RFC 7541 Appendix C.5/C.6 examples do.
     */
    HpackEncoder(IndexingPolicy policy, HuffmanUse huffman, int tableSize) {
        this.policy = policy;
        this.huffman = huffman;
        this.table = new EncoderTable(Math.min(tableSize, MAX_TABLE_SIZE));
        this.peerMax = tableSize;
    }

    /**
     * The peer's SETTINGS_HEADER_TABLE_SIZE. The size update(s) go out at the start of the next block (§4.2): the
     * smallest size the table passed through since the last block first, when it shrank and grew again, then the
     * final one.
     */
    public void setMaxTableSize(int peerMax) {
        if (peerMax < 0) {
            throw new IllegalArgumentException("negative table size " + peerMax);
        }
        this.peerMax = peerMax;
        pendingMin = Math.min(pendingMin, Math.min(peerMax, MAX_TABLE_SIZE));
        updatePending = true;
    }

    /** Current size of the dynamic table in RFC octets (for tests and metrics). */
    public int dynamicTableSize() {
        return table.size();
    }

    int dynamicTableLength() {
        return table.length();
    }

    /** Encodes one field block. Returns a view of an internal buffer, valid until the next encode call. */
    public ByteBuffer encode(List<Header> headers) {
        pos = 0;
        writeSizeUpdates();
        if (headers instanceof RandomAccess) {
            for (int i = 0, n = headers.size(); i < n; i++) {
                encodeField(headers.get(i));
            }
        } else {
            for (Header h : headers) {
                encodeField(h);
            }
        }
        view.limit(pos).position(0);
        return view;
    }

    private void writeSizeUpdates() {
        if (!updatePending) {
            return;
        }
        int size = Math.min(peerMax, MAX_TABLE_SIZE);
        ensure(16);
        if (pendingMin < size && pendingMin < table.maxSize()) {
            // It shrank and grew again: the peer may have evicted down to the minimum, so we must too.
            table.setMaxSize(pendingMin);
            writeInteger(0x20, 5, pendingMin);
        }
        if (size != table.maxSize()) {
            table.setMaxSize(size);
            writeInteger(0x20, 5, size);
        }
        pendingMin = Integer.MAX_VALUE;
        updatePending = false;
    }

    private void encodeField(Header h) {
        String name = h.name();
        String value = h.value();
        Indexing indexing = h.neverIndexed() ? Indexing.NEVER_INDEXED : policy.indexing(h);
        ensure(name.length() + value.length() + 24);
        int found = StaticTable.find(name, value);
        if (found > 0 && indexing != Indexing.NEVER_INDEXED) {
            writeInteger(0x80, 7, found);
            return;
        }
        int nameHash = EncoderTable.nameHash(name);
        int fieldHash = 0;
        if (indexing != Indexing.NEVER_INDEXED) {
            fieldHash = EncoderTable.fieldHash(nameHash, value);
            int index = table.findField(name, value, fieldHash);
            if (index > 0) {
                writeInteger(0x80, 7, index);
                return;
            }
        }
        int nameIndex = found != 0 ? Math.abs(found) : table.findName(name, nameHash);
        if (indexing == Indexing.INCREMENTAL && h.size() > table.maxSize()) {
            // Indexing it would only empty the table (§4.4).
            indexing = Indexing.WITHOUT_INDEXING;
        }
        switch (indexing) {
            case INCREMENTAL -> writeInteger(0x40, 6, nameIndex);
            case WITHOUT_INDEXING -> writeInteger(0x00, 4, nameIndex);
            case NEVER_INDEXED -> writeInteger(0x10, 4, nameIndex);
        }
        if (nameIndex == 0) {
            writeString(name);
        }
        writeString(value);
        if (indexing == Indexing.INCREMENTAL) {
            table.add(name, value, nameHash, fieldHash);
        }
    }

    /** §5.1: {@code value} with an N-bit prefix in an octet whose other bits are {@code first}. */
    private void writeInteger(int first, int prefixBits, int value) {
        pos = encodeInteger(out, pos, first, prefixBits, value);
    }

    /** §5.1 integer encoding into {@code dst} at {@code pos}; returns the position after it. */
    static int encodeInteger(byte[] dst, int pos, int first, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            dst[pos++] = (byte) (first | value);
            return pos;
        }
        dst[pos++] = (byte) (first | max);
        value -= max;
        while (value >= 0x80) {
            dst[pos++] = (byte) (value & 0x7F | 0x80);
            value >>>= 7;
        }
        dst[pos++] = (byte) value;
        return pos;
    }

    /** §5.2 string literal, Huffman-coded when that is strictly shorter. */
    private void writeString(String s) {
        int length = s.length();
        if (huffman == HuffmanUse.ALWAYS) {
            int encoded = Huffman.encodedLength(s);
            ensure(encoded + 8);
            writeInteger(0x80, 7, encoded);
            pos = Huffman.encode(s, out, pos, encoded);
            return;
        }
        if (huffman == HuffmanUse.WHEN_SHORTER && length > 0) {
            if (length < 0x7F) {
                // The length prefix is one octet either way: Huffman-code optimistically, giving up as soon as it
                // is no shorter than the raw string. One pass over s in the common case.
                int end = Huffman.encode(s, out, pos + 1, length - 1);
                if (end >= 0) {
                    out[pos] = (byte) (0x80 | (end - pos - 1));
                    pos = end;
                    return;
                }
            } else {
                int encoded = Huffman.encodedLength(s);
                if (encoded < length) {
                    writeInteger(0x80, 7, encoded);
                    Huffman.encode(s, out, pos, encoded);
                    pos += encoded;
                    return;
                }
            }
        }
        writeInteger(0x00, 7, length);
        byte[] dst = out;
        int p = pos;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            // Chars above 0xFF have no octet: '?' as String.getBytes(ISO_8859_1) would write.
            dst[p++] = (byte) (c <= 0xFF ? c : '?');
        }
        pos = p;
    }

    private void ensure(int room) {
        if (out.length - pos < room) {
            byte[] bigger = new byte[Math.max(out.length * 2, pos + room)];
            System.arraycopy(out, 0, bigger, 0, pos);
            out = bigger;
            view = ByteBuffer.wrap(out);
        }
    }
}
