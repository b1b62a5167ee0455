package io.h2relay.client;

import io.h2relay.hpack.Header;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A response the server promised to push (RFC 9113 §8.4), with the request it answers. Pushed resources are only
 * received when the client enabled push ({@link ClientConfig#enablePush()}). As hyper's documentation warns, check
 * that the promised authority is one the server may speak for before trusting the content.
 */
public final class PushPromise {

    private final Exchange exchange;
    private final int streamId;
    private final int parentStreamId;
    private final Headers requestHeaders;
    private final String method;
    private final String scheme;
    private final String authority;
    private final String path;

    PushPromise(Exchange exchange, int parentStreamId, List<Header> block) {
        this.exchange = exchange;
        this.streamId = exchange.streamId;
        this.parentStreamId = parentStreamId;
        this.requestHeaders = Headers.withoutPseudo(block);
        this.method = Headers.pseudo(block, ":method");
        this.scheme = Headers.pseudo(block, ":scheme");
        this.authority = Headers.pseudo(block, ":authority");
        this.path = Headers.pseudo(block, ":path");
    }

    /** The promised stream (even). */
    public int streamId() {
        return streamId;
    }

    /** The client stream the promise came on. */
    public int parentStreamId() {
        return parentStreamId;
    }

    public String method() {
        return method;
    }

    public String scheme() {
        return scheme;
    }

    public String authority() {
        return authority;
    }

    public String path() {
        return path;
    }

    /** The promised request's regular fields (pseudo-fields are the accessors above). */
    public Headers requestHeaders() {
        return requestHeaders;
    }

    /** The pushed response, once its headers arrive. */
    public CompletionStage<Response> response() {
        return exchange.response;
    }

    /** Refuses the push: RST_STREAM(CANCEL) on the promised stream (RFC 9113 §8.4.2). */
    public void cancel() {
        exchange.cancel();
    }

    @Override
    public String toString() {
        return "PushPromise[" + method + " " + scheme + "://" + authority + path + " on stream " + streamId()
                + " (parent " + parentStreamId + ")]";
    }
}
