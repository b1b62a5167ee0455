package io.h2relay.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Inflater;

/**
 * The gzip format (RFC 1952) decoded as it arrives, in any split: member header, raw deflate data, CRC-32 and length
 * trailer (both checked), and further members after it (§2.2 allows several). Bytes after the last member that do
 * not start another one are ignored, as {@link java.util.zip.GZIPInputStream} does.
 */
final class GzipDecoder implements ContentDecoder {

    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;

    private enum Step { FIXED_HEADER, EXTRA_LENGTH, EXTRA, NAME, COMMENT, HEADER_CRC, DATA, TRAILER, IGNORE }

    private final ContentDecoder.Output out = new ContentDecoder.Output();
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] field = new byte[10];
    private Step step = Step.FIXED_HEADER;
    private int fill;
    private int need;
    private int flags;
    private long members;
    private boolean sawInput;

    @Override
    public ByteBuffer decode(ByteBuffer input) throws IOException {
        sawInput |= input.hasRemaining();
        while (input.hasRemaining()) {
            switch (step) {
                case FIXED_HEADER -> {
                    if (gather(input, 10)) {
                        fixedHeader();
                    }
                }
                case EXTRA_LENGTH -> {
                    if (gather(input, 2)) {
                        need = (field[0] & 0xff) | (field[1] & 0xff) << 8;
                        step = Step.EXTRA;
                    }
                }
                case EXTRA -> {
                    int n = Math.min(need, input.remaining());
                    input.position(input.position() + n);
                    need -= n;
                    if (need == 0) {
                        afterExtra();
                    }
                }
                case NAME, COMMENT -> {
                    if (input.get() == 0) {
                        step = step == Step.NAME && (flags & FCOMMENT) != 0 ? Step.COMMENT : afterStrings();
                    }
                }
                case HEADER_CRC -> {
                    if (gather(input, 2)) {
                        step = Step.DATA;
                    }
                }
                case DATA -> inflate(input);
                case TRAILER -> {
                    if (gather(input, 8)) {
                        trailer();
                    }
                }
                case IGNORE -> input.position(input.limit());
            }
        }
        return out.take();
    }

    private boolean gather(ByteBuffer input, int length) {
        int n = Math.min(length - fill, input.remaining());
        input.get(field, fill, n);
        fill += n;
        if (fill < length) {
            return false;
        }
        fill = 0;
        return true;
    }

    private void fixedHeader() throws IOException {
        if ((field[0] & 0xff) != 0x1f || (field[1] & 0xff) != 0x8b) {
            if (members > 0) {
                step = Step.IGNORE; // not another member: trailing bytes
                return;
            }
            throw new IOException("not gzip data (bad magic number)");
        }
        if (field[2] != 8) {
            throw new IOException("gzip compression method " + field[2] + " is not deflate");
        }
        flags = field[3] & 0xff;
        step = (flags & FEXTRA) != 0 ? Step.EXTRA_LENGTH : afterExtraStep();
    }

    private void afterExtra() {
        step = afterExtraStep();
    }

    private Step afterExtraStep() {
        if ((flags & FNAME) != 0) {
            return Step.NAME;
        }
        if ((flags & FCOMMENT) != 0) {
            return Step.COMMENT;
        }
        return afterStrings();
    }

    private Step afterStrings() {
        return (flags & FHCRC) != 0 ? Step.HEADER_CRC : Step.DATA;
    }

    private void inflate(ByteBuffer input) throws IOException {
        int start = out.room().position();
        ContentDecoder.Inflating.run(inflater, input, out);
        ByteBuffer produced = out.room().duplicate();
        produced.flip().position(start);
        crc.update(produced);
        if (inflater.finished()) {
            step = Step.TRAILER;
        }
    }

    private void trailer() throws IOException {
        long expectedCrc = le32(0);
        long expectedSize = le32(4);
        if (expectedCrc != crc.getValue()) {
            throw new IOException("gzip CRC-32 mismatch");
        }
        if (expectedSize != (inflater.getBytesWritten() & 0xffffffffL)) {
            throw new IOException("gzip length mismatch");
        }
        members++;
        inflater.reset();
        crc.reset();
        step = Step.FIXED_HEADER;
    }

    private long le32(int offset) {
        return (field[offset] & 0xffL) | (field[offset + 1] & 0xffL) << 8 | (field[offset + 2] & 0xffL) << 16
                | (field[offset + 3] & 0xffL) << 24;
    }

    @Override
    public void finish() throws IOException {
        try {
            boolean atBoundary = (step == Step.FIXED_HEADER && fill == 0) || step == Step.IGNORE;
            if (sawInput && (!atBoundary || members == 0)) {
                throw new IOException("gzip body ended before the end of its compressed data");
            }
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        inflater.end();
    }
}
