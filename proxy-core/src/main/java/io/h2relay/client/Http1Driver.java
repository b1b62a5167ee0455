package io.h2relay.client;

import io.h2relay.engine.H2Connection;
import io.h2relay.hpack.Header;
import io.h2relay.http1.Http1Connection;
import io.h2relay.http1.Http1Event;
import io.h2relay.http1.Http1Exception;
import io.h2relay.http1.Http1Field;
import io.h2relay.http1.Http1Role;
import io.h2relay.http1.Http1State;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP/1.1 for one client connection, on the sans-IO codec: one exchange at a time (no pipelining), the others
 * waiting their turn. Backpressure is the socket itself: while a response holds {@link ClientConfig#initialWindowSize()}
 * unread bytes the actor stops reading. Optionally the first body-less request asks to upgrade to h2c (RFC 7540
 * §3.2); a 101 hands the connection to an {@link H2Driver}.
 */
final class Http1Driver implements Driver {

    private static final int UPLOAD_READ = 256 * 1024;

    private final Host host;
    private final ClientConfig config;
    private final Http1Connection codec = new Http1Connection(Http1Role.CLIENT);
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private Exchange current;
    private Headers trailers = Headers.EMPTY;
    private boolean closing;
    private IOException failure;
    /** The engine prepared for an upgrade, and its HTTP2-Settings value; null once no upgrade will be tried. */
    private H2Connection upgrade;
    private String upgradeSettings;
    private boolean switched;

    Http1Driver(Host host, boolean tryUpgrade) {
        this.host = host;
        this.config = host.config();
        if (tryUpgrade) {
            upgrade = new H2Connection(H2Driver.configuration(config));
            upgradeSettings = upgrade.initiateUpgradeConnection(null);
        }
    }

    // ---- requests

    @Override
    public void submit(Exchange ex) {
        if (closing || failure != null) {
            host.fail(ex.response, new RequestNotProcessedException("the connection is closing; request not sent"));
            return;
        }
        waiting.add(ex);
        next();
    }

    private void next() {
        if (current != null || closing || switched || failure != null || codec.ourState() != Http1State.IDLE) {
            return;
        }
        Exchange ex = waiting.poll();
        if (ex != null) {
            begin(ex);
        }
    }

    private void begin(Exchange ex) {
        Request r = ex.request;
        boolean content = r.hasContent();
        List<Http1Field> fields = new ArrayList<>(r.headers().size() + 6);
        String authority = r.authority() != null ? r.authority() : r.headers().first("host");
        fields.add(Http1Field.of("Host", authority != null ? authority : host.authority()));
        for (Header h : r.headers()) {
            if (!h.name().equalsIgnoreCase("host")) {
                fields.add(Http1Field.of(h.name(), h.value()));
            }
        }
        if (config.acceptEncoding() && !r.headers().contains("accept-encoding")) {
            fields.add(Http1Field.of("Accept-Encoding", ContentDecoder.ACCEPT_ENCODING));
        }
        if (config.userAgent() != null && !r.headers().contains("user-agent")) {
            fields.add(Http1Field.of("User-Agent", config.userAgent()));
        }
        long length = r.body().length();
        if (content && length >= 0 && r.trailers().isEmpty() && !r.headers().contains("content-length")
                && !r.headers().contains("transfer-encoding")) {
            fields.add(Http1Field.of("Content-Length", Long.toString(length)));
        }
        boolean upgrading = upgrade != null && !content;
        if (upgrading) {
            fields.add(Http1Field.of("Connection", "Upgrade, HTTP2-Settings"));
            fields.add(Http1Field.of("Upgrade", "h2c"));
            fields.add(Http1Field.of("HTTP2-Settings", upgradeSettings));
        }
        try {
            codec.sendRequestHead(r.method(), r.path(), fields, !content);
        } catch (Http1Exception e) {
            host.fail(ex.response, new IOException("request not sent: " + e.getMessage(), e));
            next();
            return;
        }
        if (!upgrading && upgrade != null) {
            upgrade = null; // a request went out without asking: HTTP/1.1 it stays
        }
        current = ex;
        ex.streamId = 0;
        if (r.body() instanceof RequestBody.Bytes b) {
            if (b.data().hasRemaining()) {
                codec.sendData(b.data().duplicate());
            }
            finishBody(ex);
        } else if (r.body() instanceof RequestBody.Empty) {
            if (content) {
                finishBody(ex);
            } else {
                ex.uploadDone = true;
            }
        } else {
            ex.upload = UploadSource.of(r.body(), ex, host.executor());
        }
    }

    private void finishBody(Exchange ex) {
        if (ex.request.trailers().isEmpty()) {
            codec.endMessage();
        } else {
            List<Http1Field> fields = new ArrayList<>(ex.request.trailers().size());
            for (Header h : ex.request.trailers()) {
                fields.add(Http1Field.of(h.name(), h.value()));
            }
            codec.sendTrailers(fields);
        }
        ex.uploadDone = true;
    }

    @Override
    public void upload(Exchange ex, ByteBuffer data, boolean last, Throwable cause) {
        ex.uploadRequested = false;
        if (ex != current || ex.uploadDone) {
            return;
        }
        if (cause != null) {
            // A half-sent HTTP/1.1 message cannot be taken back: the connection goes with it.
            ex.uploadDone = true;
            failCurrent(new IOException("the request body failed: " + cause, cause));
            closeAfterCurrent("a request body failed");
            return;
        }
        try {
            if (data.hasRemaining()) {
                codec.sendData(data);
            }
            if (last) {
                finishBody(ex);
            }
        } catch (Http1Exception e) {
            ex.uploadDone = true;
            failCurrent(new IOException("request body not sent: " + e.getMessage(), e));
            closeAfterCurrent("a request body could not be sent");
        }
    }

    @Override
    public ByteBuffer output(int max) {
        ByteBuffer bytes = codec.dataToSend(max);
        if (bytes.remaining() < max && current != null && current.upload != null && !current.uploadDone
                && !current.uploadRequested) {
            // The socket has taken everything: read the next piece of the body.
            current.uploadRequested = true;
            current.upload.request(UPLOAD_READ);
        }
        return bytes;
    }

    // ---- input

    @Override
    public void receive(ByteBuffer data) {
        if (switched || failure != null) {
            return;
        }
        List<Http1Event> events;
        try {
            events = codec.receiveData(data);
        } catch (Http1Exception e) {
            fail(new ConnectionException("unexpected bytes from the server: " + e.getMessage(), e));
            return;
        }
        handle(events);
    }

    private void handle(List<Http1Event> events) {
        for (Http1Event e : events) {
            if (e instanceof Http1Event.ResponseHead h) {
                onHead(h);
            } else if (e instanceof Http1Event.Data d) {
                if (current != null) {
                    // The codec's views may point into its own reused buffer: keep a copy.
                    ByteBuffer copy = ByteBuffer.allocate(d.data().remaining());
                    copy.put(d.data()).flip();
                    current.body.offer(copy, copy.remaining());
                }
            } else if (e instanceof Http1Event.Trailers t) {
                trailers = headers(t.fields());
            } else if (e instanceof Http1Event.EndOfMessage) {
                onEnd();
            } else if (e instanceof Http1Event.ConnectionClosed) {
                closeAfterCurrent("the server closed the connection");
            } else if (e instanceof Http1Event.ProtocolSwitched s) {
                switched = true;
                Exchange first = current;
                current = null;
                H2Connection engine = upgrade;
                upgrade = null;
                List<Exchange> rest = new ArrayList<>(waiting);
                waiting.clear();
                host.switchToHttp2(engine, first, s.trailingData(), rest);
                return;
            } else if (e instanceof Http1Event.Malformed m) {
                failCurrent(new IOException("malformed HTTP/1.1 response: " + m.reason()));
                closeAfterCurrent("the server's response was malformed");
                return;
            }
        }
    }

    private void onHead(Http1Event.ResponseHead h) {
        if (current == null) {
            return;
        }
        Headers headers = headers(h.headers());
        if (h.informational()) {
            if (h.status() != 101) {
                current.informational.add(new Response.Informational(h.status(), headers));
            }
            return;
        }
        upgrade = null; // answered without switching: stay on HTTP/1.1
        current.responseDelivered = true;
        host.complete(current.response, new Response(current, h.status(), headers, current.informational,
                "http/1.1"));
    }

    private void onEnd() {
        Exchange done = current;
        if (done == null) {
            return;
        }
        done.body.end(trailers);
        trailers = Headers.EMPTY;
        current = null;
        host.complete(done.allPushes, List.of());
        if (!done.uploadDone) {
            // The server answered before taking the whole body (RFC 9112 §9.5): the rest cannot follow.
            if (done.upload != null) {
                done.upload.cancel();
            }
            done.uploadDone = true;
            closeAfterCurrent("the server answered before the request body was complete");
            return;
        }
        if (!codec.keepAlive()) {
            closeAfterCurrent("the server closes the connection after its response");
            return;
        }
        next();
    }

    private static Headers headers(List<Http1Field> fields) {
        List<Header> list = new ArrayList<>(fields.size());
        for (Http1Field f : fields) {
            list.add(Header.of(f.name(), f.value()));
        }
        return Headers.of(list);
    }

    @Override
    public boolean wantsInput() {
        return current == null || current.body.unread() < config.initialWindowSize();
    }

    @Override
    public void consumed(Exchange exchange, int bytes) {
        // Nothing to credit: the actor reads the socket again once wantsInput() allows.
    }

    // ---- ending

    @Override
    public void cancel(Exchange ex) {
        if (waiting.remove(ex)) {
            host.fail(ex.response, new CancellationException("cancelled before it was sent"));
            return;
        }
        if (ex != current) {
            return;
        }
        IOException error = new IOException("cancelled by the application");
        ex.body.abandon(error);
        if (!ex.responseDelivered) {
            ex.responseDelivered = true;
            host.fail(ex.response, error);
        }
        if (ex.upload != null && !ex.uploadDone) {
            ex.upload.cancel();
            ex.uploadDone = true;
        }
        current = null;
        // HTTP/1.1 cannot stop one response and go on: the rest of it would be read as the next one.
        closeAfterCurrent("a response was cancelled");
    }

    @Override
    public void ping(CompletableFuture<Duration> result) {
        host.fail(result, new UnsupportedOperationException("PING needs HTTP/2; this connection speaks HTTP/1.1"));
    }

    @Override
    public void shutdown() {
        closeAfterCurrent("the connection is closing");
    }

    private void closeAfterCurrent(String why) {
        closing = true;
        for (Exchange ex; (ex = waiting.poll()) != null; ) {
            host.fail(ex.response, new RequestNotProcessedException(why + "; request not sent"));
        }
    }

    @Override
    public boolean closing() {
        return closing || failure != null;
    }

    @Override
    public boolean idle() {
        return current == null && waiting.isEmpty();
    }

    @Override
    public void inputEnded() {
        if (switched) {
            return;
        }
        if (failure == null) {
            handle(codec.receiveEof());
        }
        if (current != null) {
            failCurrent(new ConnectionException("the server closed the connection before the response was complete",
                    null));
        }
        closeAfterCurrent("the server closed the connection");
    }

    @Override
    public void fail(IOException cause) {
        if (failure == null) {
            failure = cause;
        }
        failCurrent(cause);
        closeAfterCurrent("the connection closed (" + cause.getMessage() + ")");
    }

    private void failCurrent(IOException error) {
        Exchange ex = current;
        if (ex == null) {
            return;
        }
        current = null;
        if (!ex.responseDelivered) {
            ex.responseDelivered = true;
            host.fail(ex.response, error);
        }
        ex.body.fail(error);
        if (ex.upload != null && !ex.uploadDone) {
            ex.upload.cancel();
            ex.uploadDone = true;
        }
        host.complete(ex.allPushes, List.of());
    }
}
