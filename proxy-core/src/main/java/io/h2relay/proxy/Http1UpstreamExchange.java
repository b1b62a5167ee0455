package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import io.h2relay.proxy.Exchange.ResponsePart;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The exchange an {@link Http1UpstreamConnection} is carrying: the request bytes still to write, how far each message
 * got, and the response pieces of the current batch (one {@link Exchange.ResponseData} per socket read).
 */
final class Http1UpstreamExchange {

    final int id;
    final StreamRef stream;
    final boolean idempotent;
    final boolean websocket;
    /** Request bytes handed over by the Stream and not yet written. */
    final ArrayDeque<ByteBuffer> body = new ArrayDeque<>();
    List<Header> requestTrailers;
    /** The Stream sent the request's end. */
    boolean requestEnd;
    /** Our request message (or our tunnel side) is complete on the wire. */
    boolean requestDone;
    boolean anyResponse;
    boolean responseEnded;
    boolean tunnel;
    long unacked;
    // the response part of this batch
    final ResponseBatch response = new ResponseBatch();
    /** Something for the Stream arrived in this batch. */
    boolean touched;

    Http1UpstreamExchange(int id, StreamRef stream, boolean idempotent, boolean websocket) {
        this.id = id;
        this.stream = stream;
        this.idempotent = idempotent;
        this.websocket = websocket;
    }

    void add(ByteBuffer b) {
        response.add(b);
        touched = true;
    }

    ResponsePart takePart() {
        ResponsePart part = response.takePart();
        responseEnded |= part.end();
        touched = false;
        return part;
    }
}
