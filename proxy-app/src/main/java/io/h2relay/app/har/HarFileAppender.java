package io.h2relay.app.har;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A HAR file that grows one entry at a time and is valid JSON after every {@link #append}: the file always ends
 * with the closing {@code ]}}} of the entries array, and each append overwrites those three bytes with
 * {@code ,<entry>} followed by them again. A reader (or a crash) at any moment sees a complete HAR file with the
 * entries appended so far. Not thread-safe: one writer thread owns it.
 */
public final class HarFileAppender implements Closeable {

    private static final byte[] TAIL = "\n]}}\n".getBytes(StandardCharsets.US_ASCII);

    private final FileChannel channel;
    private long entries;

    private HarFileAppender(FileChannel channel) {
        this.channel = channel;
    }

    /** Creates (or truncates) {@code file} and writes an empty log there. */
    public static HarFileAppender create(Path file, Har.Creator creator) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        HarFileAppender appender = new HarFileAppender(channel);
        String head = "{\"log\":{\"version\":\"1.2\",\"creator\":"
                + new String(HarJson.bytes(creator), StandardCharsets.UTF_8) + ",\"entries\":[";
        appender.write(head.getBytes(StandardCharsets.UTF_8), TAIL);
        return appender;
    }

    /** Appends entries and rewrites the tail, so the file is complete again when this returns. */
    public void append(List<Har.Entry> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        channel.position(channel.size() - TAIL.length);
        for (Har.Entry e : batch) {
            byte[] json = HarJson.bytes(e);
            byte[] sep = entries++ == 0 ? new byte[] {'\n'} : new byte[] {',', '\n'};
            write(sep, json);
        }
        write(TAIL);
    }

    public long entries() {
        return entries;
    }

    private void write(byte[]... parts) throws IOException {
        for (byte[] p : parts) {
            ByteBuffer b = ByteBuffer.wrap(p);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    /** Forces the bytes to storage and closes; the file is already complete. */
    @Override
    public void close() throws IOException {
        try {
            channel.force(false);
        } finally {
            channel.close();
        }
    }
}
