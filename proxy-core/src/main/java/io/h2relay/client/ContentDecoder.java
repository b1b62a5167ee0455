package io.h2relay.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Push-style content decoding (RFC 9110 §8.4.1): each piece of the body in, everything it decodes to out, so a body
 * read frame by frame stays one output piece per frame. Used by one reader thread at a time.
 */
interface ContentDecoder {

    /** Consumes all of {@code input} and returns what it decodes to (possibly nothing). */
    ByteBuffer decode(ByteBuffer input) throws IOException;

    /** The body ended: fails when the coded data stopped short. Releases native resources either way. */
    void finish() throws IOException;

    /** Releases resources without checking (the body was abandoned). */
    void close();

    /** The tokens this client offers in Accept-Encoding, preferred first. */
    String ACCEPT_ENCODING = "gzip, deflate, br";

    /**
     * The decoder for a response's {@code content-encoding}, or null when nothing is to be done or a coding is one
     * this client does not know (then the bytes pass through as they are). Codings apply in the order listed, so
     * they are undone from the last (§8.4).
     */
    static ContentDecoder forEncodings(List<String> codings) {
        List<ContentDecoder> chain = new ArrayList<>(codings.size());
        for (int i = codings.size() - 1; i >= 0; i--) {
            String coding = codings.get(i);
            switch (coding) {
                case "identity" -> { }
                case "gzip", "x-gzip" -> chain.add(new GzipDecoder());
                case "deflate" -> chain.add(new DeflateDecoder());
                case "br" -> chain.add(new BrotliDecoder());
                default -> {
                    chain.forEach(ContentDecoder::close);
                    return null;
                }
            }
        }
        if (chain.isEmpty()) {
            return null;
        }
        return chain.size() == 1 ? chain.get(0) : new Chain(chain);
    }

    /** Several codings: each decoder's output feeds the next. */
    final class Chain implements ContentDecoder {
        private final List<ContentDecoder> decoders;

        Chain(List<ContentDecoder> decoders) {
            this.decoders = decoders;
        }

        @Override
        public ByteBuffer decode(ByteBuffer input) throws IOException {
            ByteBuffer data = input;
            for (ContentDecoder d : decoders) {
                data = d.decode(data);
            }
            return data;
        }

        @Override
        public void finish() throws IOException {
            IOException first = null;
            for (ContentDecoder d : decoders) {
                try {
                    d.finish();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }

        @Override
        public void close() {
            decoders.forEach(ContentDecoder::close);
        }
    }

    /**
     * "deflate" is the zlib format (RFC 1950 around RFC 1951), but servers have long sent raw deflate under that name;
     * like hyper (and browsers), look at the first two octets and take raw deflate when they are no zlib header.
     */
    final class DeflateDecoder implements ContentDecoder {
        private final Output out = new Output();
        private Inflater inflater;
        private int firstByte = -1;
        private boolean sawInput;

        @Override
        public ByteBuffer decode(ByteBuffer input) throws IOException {
            if (!input.hasRemaining()) {
                return Output.EMPTY;
            }
            sawInput = true;
            if (inflater == null) {
                if (firstByte < 0 && input.remaining() == 1) {
                    firstByte = input.get() & 0xff;
                    return Output.EMPTY;
                }
                int b0 = firstByte >= 0 ? firstByte : input.get(input.position()) & 0xff;
                int b1 = firstByte >= 0 ? input.get(input.position()) & 0xff : input.get(input.position() + 1) & 0xff;
                boolean zlib = (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
                inflater = new Inflater(!zlib);
                if (firstByte >= 0) {
                    inflate(ByteBuffer.wrap(new byte[] {(byte) firstByte}));
                }
            }
            inflate(input);
            return out.take();
        }

        private void inflate(ByteBuffer input) throws IOException {
            if (inflater.finished()) {
                input.position(input.limit()); // trailing garbage after the stream end is ignored, as zlib does
                return;
            }
            Inflating.run(inflater, input, out);
        }

        @Override
        public void finish() throws IOException {
            try {
                if (sawInput && (inflater == null || !inflater.finished())) {
                    // A raw stream without its final block, or a zlib stream without its checksum: truncated.
                    throw new IOException("deflate body ended before the end of its compressed data");
                }
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** The inflate loop shared by gzip and deflate. */
    final class Inflating {
        private Inflating() {
        }

        /** Inflates until the input is used up or the compressed stream ends (then input stops at its end). */
        static void run(Inflater inflater, ByteBuffer input, Output out) throws IOException {
            inflater.setInput(input);
            try {
                while (!inflater.finished()) {
                    int n = inflater.inflate(out.room());
                    if (n > 0) {
                        continue;
                    }
                    if (inflater.needsDictionary()) {
                        throw new IOException("compressed body needs a preset dictionary");
                    }
                    if (inflater.needsInput()) {
                        break;
                    }
                }
            } catch (DataFormatException e) {
                throw new IOException("invalid compressed body: " + e.getMessage(), e);
            }
        }
    }

    /** A growing output area handed to inflaters, emptied into a fresh exact buffer per call. */
    final class Output {
        static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

        private ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);

        /** A view with free space (grown when full). */
        ByteBuffer room() {
            if (!buffer.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2);
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            return buffer;
        }

        void put(ByteBuffer data) {
            while (data.hasRemaining()) {
                ByteBuffer r = room();
                int n = Math.min(r.remaining(), data.remaining());
                ByteBuffer slice = data.slice();
                slice.limit(n);
                r.put(slice);
                data.position(data.position() + n);
            }
        }

        ByteBuffer take() {
            if (buffer.position() == 0) {
                return EMPTY;
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip();
            buffer.get(bytes);
            buffer.clear();
            return ByteBuffer.wrap(bytes);
        }
    }
}
