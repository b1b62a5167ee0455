package io.h2relay.client;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import java.io.IOException;
import java.nio.ByteBuffer;

/** The br coding (RFC 7932) through brotli4j's streaming JNI decoder, fed as pieces arrive. */
final class BrotliDecoder implements ContentDecoder {

    private static final int INPUT_BUFFER = 16 * 1024;

    private final ContentDecoder.Output out = new ContentDecoder.Output();
    private DecoderJNI.Wrapper decoder;
    private boolean sawInput;

    @Override
    public ByteBuffer decode(ByteBuffer input) throws IOException {
        if (!input.hasRemaining()) {
            return ContentDecoder.Output.EMPTY;
        }
        sawInput = true;
        DecoderJNI.Wrapper w = decoder();
        while (true) {
            if (w.hasOutput()) {
                out.put(w.pull()); // a view of native memory, valid until the next call: copied now
                continue;
            }
            switch (w.getStatus()) {
                case NEEDS_MORE_INPUT -> {
                    if (!input.hasRemaining()) {
                        return out.take();
                    }
                    ByteBuffer in = w.getInputBuffer();
                    in.clear();
                    int n = Math.min(in.remaining(), input.remaining());
                    ByteBuffer slice = input.slice();
                    slice.limit(n);
                    in.put(slice);
                    input.position(input.position() + n);
                    w.push(n);
                }
                case OK -> w.push(0);
                case NEEDS_MORE_OUTPUT -> out.put(w.pull());
                case DONE -> {
                    input.position(input.limit()); // bytes after the end of the brotli stream mean nothing
                    return out.take();
                }
                default -> throw new IOException("invalid br (brotli) body");
            }
        }
    }

    private DecoderJNI.Wrapper decoder() throws IOException {
        if (decoder == null) {
            try {
                Brotli4jLoader.ensureAvailability();
            } catch (Throwable e) {
                throw new IOException("br decoding is unavailable: brotli4j's native library did not load", e);
            }
            decoder = new DecoderJNI.Wrapper(INPUT_BUFFER);
        }
        return decoder;
    }

    @Override
    public void finish() throws IOException {
        try {
            if (sawInput && decoder.getStatus() != DecoderJNI.Status.DONE) {
                throw new IOException("br body ended before the end of its compressed data");
            }
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (decoder != null) {
            decoder.destroy();
            decoder = null;
        }
    }
}
