package io.h2relay.hpack;

import static io.h2relay.hpack.HpackTestSupport.headers;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hot paths' allocation promises, counted with the JVM's per-thread allocation counter (bytes, not time: no
 * flakiness from load). The bounds leave room for the counter's own bookkeeping, far below one object per field.
 */
class AllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final List<Header> REQUEST = headers(":method", "GET", ":scheme", "https", ":path", "/index.html",
            ":authority", "www.example.com", "user-agent", "Mozilla/5.0 (X11; Linux x86_64)", "accept", "*/*",
            "accept-encoding", "gzip, deflate", "cookie", "session=0123456789abcdef0123456789", "x-request-id", "42",
            "content-length", "0");

    @Test
    void encoderAllocatesNothingInSteadyState() {
        HpackEncoder encoder = new HpackEncoder();
        for (int i = 0; i < 2_000; i++) {
            encoder.encode(REQUEST);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000; i++) {
            encoder.encode(REQUEST);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        // 1000 blocks x 10 fields: one object per field would be >= 160 KB.
        assertTrue(allocated < 4_096, "encoder allocated " + allocated + " bytes for 1000 blocks");
    }

    @Test
    void decoderAllocatesOnlyTheListForFullyIndexedBlocks() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.ALWAYS, true);
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
        decoder.decode(encoder.encode(REQUEST));
        ByteBuffer indexed = encoder.encode(REQUEST); // now all indexes
        byte[] block = new byte[indexed.remaining()];
        indexed.get(block);
        ByteBuffer in = ByteBuffer.wrap(block);
        for (int i = 0; i < 2_000; i++) {
            in.clear();
            decoder.decode(in);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000; i++) {
            in.clear();
            decoder.decode(in);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        // Per block: the ArrayList (24 bytes) and its array (16 + 4 per field, 10 fields): 80 bytes.
        assertTrue(allocated < 100_000, "decoder allocated " + allocated + " bytes for 1000 indexed blocks");
    }
}
