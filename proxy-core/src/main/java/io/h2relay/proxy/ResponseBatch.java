package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import io.h2relay.proxy.Exchange.ResponsePart;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The response pieces one backend connection gathered for one exchange in the current read batch, handed to the
 * Stream as one {@link ResponsePart} (one message per batch, whether the backend speaks HTTP/2 or HTTP/1.1).
 */
final class ResponseBatch {

    private List<List<Header>> informational = List.of();
    private List<ByteBuffer> data = List.of();
    private int bytes;
    List<Header> head;
    List<Header> trailers;
    boolean end;

    /** A 1xx head (RFC 9110 §15.2), forwarded before the final one. */
    void addInformational(List<Header> fields) {
        if (informational.isEmpty()) {
            informational = new ArrayList<>(1);
        }
        informational.add(fields);
    }

    void add(ByteBuffer buffer) {
        if (data.isEmpty()) {
            data = new ArrayList<>(4);
        }
        data.add(buffer);
        bytes += buffer.remaining();
    }

    /** What the batch gathered, and a fresh batch. */
    ResponsePart takePart() {
        ResponsePart part = new ResponsePart(informational, head, data, bytes, trailers, end);
        informational = List.of();
        head = null;
        data = List.of();
        bytes = 0;
        trailers = null;
        end = false;
        return part;
    }
}
