package io.h2relay.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A response whose head has arrived; the body follows as the server sends it. Safe to use from any thread, but read
 * the body one way only: whole ({@link #bytes}), frame by frame ({@link #readChunk}), as a stream
 * ({@link #inputStream}), or not at all ({@link #discard}). Bytes the application has not read hold the sender back
 * at the flow-control window (with the default {@link WindowManager}); {@link #close()} releases them.
 *
 * <p>Content codings (gzip, deflate, br) are undone when a read asks to decode (the default); the first read fixes
 * the choice for the rest of the body. {@link #headers()} always shows the fields as received.
 */
public final class Response implements AutoCloseable {

    /** A 1xx response that preceded this one (RFC 9110 §15.2), e.g. 103 Early Hints. */
    public record Informational(int status, Headers headers) {}

    private final Exchange exchange;
    private final int status;
    private final Headers headers;
    private final List<Informational> informational;
    private final String protocol;
    private final int streamId;
    private Boolean decodeChoice;
    private ContentDecoder decoder;

    Response(Exchange exchange, int status, Headers headers, List<Informational> informational, String protocol) {
        this.exchange = exchange;
        this.status = status;
        this.headers = headers;
        this.informational = List.copyOf(informational);
        this.protocol = protocol;
        this.streamId = exchange.streamId;
    }

    public int status() {
        return status;
    }

    /** The response fields as received (pseudo-fields excluded). */
    public Headers headers() {
        return headers;
    }

    /** The 1xx responses received before this one, in order. */
    public List<Informational> informational() {
        return informational;
    }

    /** "h2", "h2c" or "http/1.1": how this response arrived. */
    public String protocol() {
        return protocol;
    }

    /** The HTTP/2 stream it came on; 0 over HTTP/1.1. */
    public int streamId() {
        return streamId;
    }

    /** The request this answers; null for a pushed response (see {@link PushPromise}). */
    public Request request() {
        return exchange.request;
    }

    // ---- body

    /** The whole body, decoded. */
    public CompletionStage<byte[]> bytes() {
        return bytes(true);
    }

    /** The whole body, decoded when {@code decode}; held as it arrives (its window is credited at once). */
    public CompletionStage<byte[]> bytes(boolean decode) {
        ContentDecoder d = choose(decode);
        return exchange.body.aggregate().thenCompose(pieces -> {
            int total = 0;
            for (ByteBuffer p : pieces) {
                total += p.remaining();
            }
            ByteBuffer joined = ByteBuffer.allocate(total);
            for (ByteBuffer p : pieces) {
                joined.put(p.duplicate());
            }
            joined.flip();
            if (d == null) {
                return CompletableFuture.completedFuture(joined.array());
            }
            try {
                ByteBuffer out = d.decode(joined);
                d.finish();
                byte[] bytes = new byte[out.remaining()];
                out.get(bytes);
                return CompletableFuture.completedFuture(bytes);
            } catch (IOException e) {
                d.close();
                return CompletableFuture.failedFuture(e);
            }
        });
    }

    /** The whole body, decoded, as UTF-8 text. */
    public CompletionStage<String> text() {
        return bytes(true).thenApply(b -> new String(b, StandardCharsets.UTF_8));
    }

    /**
     * The next DATA frame's bytes, decoded when {@code decode} (so possibly empty: empty frames pass through too);
     * null after the last. Blocks until a frame arrives; the window is credited as frames are taken.
     *
     * @throws IOException the stream was reset, the connection failed, or the coded data is invalid
     */
    public ByteBuffer readChunk(boolean decode) throws IOException {
        ContentDecoder d = choose(decode);
        ByteBuffer raw = exchange.body.take();
        if (raw == null) {
            if (d != null) {
                d.finish();
            }
            return null;
        }
        return d == null ? raw : d.decode(raw);
    }

    /** {@link #readChunk(boolean)} with decoding. */
    public ByteBuffer readChunk() throws IOException {
        return readChunk(true);
    }

    /** The body as a blocking stream, decoded when {@code decode}; closing it closes this response. */
    public InputStream inputStream(boolean decode) {
        choose(decode);
        return new BodyStream(decode);
    }

    public InputStream inputStream() {
        return inputStream(true);
    }

    /** Reads and drops the rest of the body, crediting the window as it arrives; completes with the bytes dropped. */
    public CompletionStage<Long> discard() {
        return exchange.body.discard();
    }

    /** The trailer section (empty when there was none), once the body is complete. */
    public CompletionStage<Headers> trailers() {
        return exchange.body.trailers();
    }

    /** Bytes received and not yet read: with the default window manager never more than the stream window. */
    public long unreadBytes() {
        return exchange.body.unread();
    }

    /** Promises received on this request's stream so far. */
    public List<PushPromise> pushes() {
        return List.copyOf(exchange.pushes);
    }

    /** Every promise of this request's stream, once the stream is over (hyper's {@code capture_all}). */
    public CompletionStage<List<PushPromise>> allPushes() {
        return exchange.allPushes;
    }

    /**
     * Stops reading: when the body is not complete the stream is reset with CANCEL (over HTTP/1.1 the connection is
     * closed), and bytes held for it are released. Does nothing after the body completed.
     */
    @Override
    public void close() {
        if (!exchange.body.finished()) {
            exchange.cancel();
        }
    }

    private synchronized ContentDecoder choose(boolean decode) {
        if (decodeChoice == null) {
            decodeChoice = decode;
            if (decode) {
                decoder = ContentDecoder.forEncodings(headers.tokens("content-encoding", true));
            }
        } else if (decodeChoice != decode) {
            throw new IllegalStateException("the first read chose decode=" + decodeChoice + " for this body");
        }
        return decoder;
    }

    @Override
    public String toString() {
        return "Response[" + status + " over " + protocol + (streamId > 0 ? " stream " + streamId : "") + "]";
    }

    /** The pieces of {@link #readChunk} as a stream. */
    private final class BodyStream extends InputStream {
        private final boolean decode;
        private ByteBuffer current = ContentDecoder.Output.EMPTY;
        private boolean eof;

        BodyStream(boolean decode) {
            this.decode = decode;
        }

        private boolean fill() throws IOException {
            while (!current.hasRemaining()) {
                if (eof) {
                    return false;
                }
                ByteBuffer next = readChunk(decode);
                if (next == null) {
                    eof = true;
                    return false;
                }
                current = next;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? current.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return current.remaining();
        }

        @Override
        public void close() {
            Response.this.close();
        }
    }
}
