package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import io.h2relay.proxy.Exchange.RequestPart;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body, trailers and end one client connection gathered for one exchange in the current read batch,
 * handed to the Stream as one {@link RequestPart} (one message per batch, whether the client speaks HTTP/2 or
 * HTTP/1.1).
 */
final class RequestBatch {

    private List<ByteBuffer> data = List.of();
    private int bytes;
    List<Header> trailers;
    boolean end;

    void add(ByteBuffer buffer) {
        if (data.isEmpty()) {
            data = new ArrayList<>(4);
        }
        data.add(buffer);
        bytes += buffer.remaining();
    }

    /** What the batch gathered ({@link RequestPart#EMPTY} when nothing), and a fresh batch. */
    RequestPart takePart() {
        if (bytes == 0 && trailers == null && !end) {
            return RequestPart.EMPTY;
        }
        RequestPart part = new RequestPart(data, bytes, trailers, end);
        data = List.of();
        bytes = 0;
        trailers = null;
        end = false;
        return part;
    }
}
