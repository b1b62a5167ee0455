package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import io.h2relay.proxy.Http1Heads.Kind;
import java.util.List;

/**
 * The exchange an {@link Http1Downstream} is reading or answering: its Stream, how far each message got, and the
 * request body gathered in the current batch (one {@link Exchange.RequestData} per batch, as for HTTP/2 streams).
 */
final class Http1Exchange {

    final int id;
    final Kind kind;
    final boolean http10;
    /** The request head until the Stream is started. */
    List<Header> head;
    ForwardingHeaders.ClientConnection client;
    Stream stream;
    /** The request is complete: the codec's EndOfMessage, or for a tunnel, the client's FIN. */
    boolean requestEnded;
    boolean responseStarted;
    boolean responseEnded;
    boolean tunnel;
    /** The Stream is gone or was told to go: request bytes are dropped. */
    boolean dead;
    String upgradeSettings;
    long unacked;
    /** Request body, trailers and end gathered in the current batch. */
    final RequestBatch batch = new RequestBatch();

    Http1Exchange(int id, Kind kind, boolean http10) {
        this.id = id;
        this.kind = kind;
        this.http10 = http10;
    }
}
