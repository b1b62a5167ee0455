package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import io.h2relay.proxy.Exchange.ResponsePart;
import io.h2relay.proxy.Exchange.ToStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The exchange an {@link Http1UpstreamConnection} is carrying: the request bytes still to write, how far each message
 * got, and the response pieces of the current batch (one {@link Exchange.ResponseData} per socket read).
 */
final class Http1UpstreamExchange {

    final int id;
    final ActorRef<ToStream> stream;
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
    List<List<Header>> informational = List.of();
    List<Header> head;
    List<ByteBuffer> data = List.of();
    int bytes;
    List<Header> trailers;
    boolean end;
    boolean touched;

    Http1UpstreamExchange(int id, ActorRef<ToStream> stream, boolean idempotent, boolean websocket) {
        this.id = id;
        this.stream = stream;
        this.idempotent = idempotent;
        this.websocket = websocket;
    }

    void add(ByteBuffer b) {
        if (data.isEmpty()) {
            data = new ArrayList<>(4);
        }
        data.add(b);
        bytes += b.remaining();
        touched = true;
    }

    ResponsePart takePart() {
        ResponsePart part = new ResponsePart(informational, head, data, bytes, trailers, end);
        informational = List.of();
        head = null;
        data = List.of();
        bytes = 0;
        trailers = null;
        responseEnded |= end;
        end = false;
        touched = false;
        return part;
    }
}
