package io.h2relay.client;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * What a request sends after its head. Streaming bodies are read only as fast as the peer's flow-control window
 * (HTTP/2) or the socket (HTTP/1.1) takes them, in pieces sized to that window rather than small fixed chunks.
 */
public sealed interface RequestBody {

    /** The length in octets when known in advance (sent as {@code content-length}), else -1. */
    long length();

    /** No body. */
    record Empty() implements RequestBody {
        @Override
        public long length() {
            return 0;
        }
    }

    /** Bytes in memory; the buffer is read from its position to its limit and must not change until sent. */
    record Bytes(ByteBuffer data) implements RequestBody {
        public Bytes {
            data = data.asReadOnlyBuffer();
        }

        @Override
        public long length() {
            return data.remaining();
        }
    }

    /**
     * Read from a stream on a background thread, as much at a time as the window allows; closed after its end, on
     * failure and on cancellation.
     */
    record Stream(InputStream input, long length) implements RequestBody {
        public Stream {
            Objects.requireNonNull(input, "input");
        }
    }

    /**
     * Taken from a publisher, one item requested at a time while the connection can send more. Items are sent as
     * they are (no copy): the publisher must not change a buffer after handing it over.
     */
    record Publisher(Flow.Publisher<ByteBuffer> publisher, long length) implements RequestBody {
        public Publisher {
            Objects.requireNonNull(publisher, "publisher");
        }
    }

    static RequestBody empty() {
        return new Empty();
    }

    static RequestBody of(byte[] data) {
        return new Bytes(ByteBuffer.wrap(data));
    }

    static RequestBody of(ByteBuffer data) {
        return new Bytes(data);
    }

    /** UTF-8 text. */
    static RequestBody of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    static RequestBody from(InputStream input) {
        return new Stream(input, -1);
    }

    static RequestBody from(InputStream input, long length) {
        return new Stream(input, length);
    }

    static RequestBody from(Flow.Publisher<ByteBuffer> publisher) {
        return new Publisher(publisher, -1);
    }

    static RequestBody from(Flow.Publisher<ByteBuffer> publisher, long length) {
        return new Publisher(publisher, length);
    }
}
