package io.h2relay.proxy;

import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import io.h2relay.proxy.Exchange.Acquire;
import io.h2relay.proxy.Exchange.Attached;
import io.h2relay.proxy.Exchange.ForStream;
import io.h2relay.proxy.Exchange.Cancel;
import io.h2relay.proxy.Exchange.ClientReset;
import io.h2relay.proxy.Exchange.Prioritize;
import io.h2relay.proxy.Exchange.PriorityChange;
import io.h2relay.proxy.Exchange.RequestConsumed;
import io.h2relay.proxy.Exchange.RequestCredit;
import io.h2relay.proxy.Exchange.RequestData;
import io.h2relay.proxy.Exchange.RequestPart;
import io.h2relay.proxy.Exchange.ResetClientStream;
import io.h2relay.proxy.Exchange.Respond;
import io.h2relay.proxy.Exchange.ResponseConsumed;
import io.h2relay.proxy.Exchange.ResponseCredit;
import io.h2relay.proxy.Exchange.ResponseData;
import io.h2relay.proxy.Exchange.ResponsePart;
import io.h2relay.proxy.Exchange.Send;
import io.h2relay.proxy.Exchange.StreamEnded;
import io.h2relay.proxy.Exchange.ToDownstream;
import io.h2relay.proxy.Exchange.ToPool;
import io.h2relay.proxy.Exchange.ToStream;
import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.Unavailable;
import io.h2relay.proxy.Exchange.UpstreamFailed;
import io.h2relay.proxy.Exchange.UpstreamReset;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * One request/response exchange: routes the request, asks the cluster's pool for a backend stream, relays both ways
 * and maps failures to answers (DESIGN.md: no route 404; backend unreachable 502, no healthy endpoint 503; request
 * timeout 504; a backend reset is passed on to the client with the same code).
 *
 * <p><b>Retries.</b> A request the backend did not process (REFUSED_STREAM, above its GOAWAY's last-stream-id, or a
 * connection that never came up) is sent again, to another connection, as long as every body byte sent is still at
 * hand: the Stream keeps the first {@link ProxyContext#retainLimit()} body bytes and withholds their credit from the
 * client until the response head arrives (or the body grows past the limit, which ends retrying).
 *
 * <p><b>Not an actor.</b> A Stream lives inside the client connection actor that received the request (its
 * {@link Host}) and runs on that actor's thread: creating, watching and stopping an actor per request, and the two
 * extra message hops per batch it cost, were the largest per-request cost in the profile (docs/performance.md). The
 * pool and upstream connections reach it through its {@link StreamRef}, whose messages arrive at the host as
 * {@link ForStream}; what the Stream sends the client goes to {@link Host#fromStream}, which the host handles after
 * the message it is working on, never re-entrantly.
 *
 * <p><b>The record.</b> Whatever way the Stream ends (it may also end with its connection, {@link #connectionClosed}),
 * it tells the metrics and every {@link ExchangeObserver} once, from the {@link ExchangeTrace} it kept.
 */
final class Stream {

    /** The client connection actor a Stream lives in. Its methods are called on that actor's thread only. */
    interface Host {

        ActorRef<ToDownstream> self();

        /**
         * Output for the client connection ({@link Respond}, {@link RequestConsumed}, {@link ResetClientStream},
         * {@link StreamEnded}): the host handles it once the message it is handling is done, in the order given.
         */
        void fromStream(ToDownstream message);

        /** The connection's request timeouts. */
        RequestDeadlines deadlines();

        /** Hands a request to its cluster's pool, with the others of the same batch ({@link Mail}). */
        void acquire(ActorRef<ToPool> pool, Acquire request);

        /** A message for the backend stream's connection, with the others of the same batch ({@link Mail}). */
        void toUpstream(ActorRef<ToUpstream> connection, ToUpstream message);

        Logger log();
    }

    /** The request timeout fired. */
    enum Timeout implements ToStream { INSTANCE }

    /** Attempts in all for one request (the first included). */
    static final int MAX_ATTEMPTS = 3;

    private final ProxyContext pc;
    private final Host host;
    private final StreamRef ref;
    private final int id;
    private final ClientSide client;
    private ExchangeTrace trace;
    private boolean stopped;
    /** Membership of the host's {@link RequestDeadlines} list. */
    boolean deadlineListed;
    long deadline;
    Stream deadlinePrev;
    Stream deadlineNext;

    private Route route;
    private ActorRef<ToPool> pool;
    private List<Header> upstreamHead;
    private ActorRef<ToUpstream> upstream;
    private int upstreamId;
    private String upstreamVersion = "2";
    private int attempt;
    private boolean afterConnectFailure;

    /** Received from the client, not yet sent upstream (while no backend stream is attached). */
    private final PartBuffer pending = new PartBuffer();
    /** Sent to the current backend stream and kept for a retry, while retaining. */
    private PartBuffer retained = new PartBuffer();
    private boolean retaining = true;
    /** Credit the backend gave for retained bytes, withheld from the client while retaining. */
    private long heldCredit;
    private String priority;

    private boolean requestEnded;
    private boolean responseStarted;
    private boolean responseEnded;
    /** Body bytes sent on that have not come back as credit: the exchange lasts until both are 0. */
    private long requestOutstanding;
    private long responseOutstanding;

    /**
     * Starts the exchange of request {@code streamId} (its head, and what the batch that brought it had of the body):
     * routes it and asks the pool for a backend stream, or answers at once (404). The Stream may have ended when this
     * returns ({@link #ended()}).
     */
    static Stream start(ProxyContext pc, Host host, int streamId, List<Header> head, RequestPart first,
            ClientSide client) {
        Stream s = new Stream(pc, host, streamId, client);
        try {
            s.start(head, first);
        } catch (RuntimeException bug) {
            s.failed(bug);
        }
        return s;
    }

    private Stream(ProxyContext pc, Host host, int id, ClientSide client) {
        this.pc = pc;
        this.host = host;
        this.id = id;
        this.client = client;
        this.ref = new StreamRef(host.self(), this);
    }

    StreamRef ref() {
        return ref;
    }

    /** Whether the exchange is over (the host forgets the Stream when {@link StreamEnded} reaches it). */
    boolean ended() {
        return stopped;
    }

    private void start(List<Header> head, RequestPart first) {
        trace = new ExchangeTrace(head);
        pc.metrics().streamStarted();
        requestEnded = first.end();
        String authority = null;
        String host = null;
        String path = null;
        for (Header h : head) {
            switch (h.name()) {
                case ":authority" -> authority = h.value();
                case "host" -> host = h.value();
                case ":path" -> path = h.value();
                default -> { }
            }
        }
        ProxyContext.Routing routing = pc.routingNow();
        Optional<RouteMatch> match = routing.router().route(authority != null ? authority : host, path);
        if (match.isEmpty()) {
            trace.request(first);
            localResponse(404, "no route for this request\n");
            return;
        }
        route = match.get().route();
        pool = routing.pools().get(route.cluster().name());
        if (pool == null) { // a router and pools out of step: our bug, confined to this exchange (see failed)
            throw new IllegalStateException("no pool for cluster " + route.cluster().name());
        }
        trace.route = route.name();
        trace.cluster = route.cluster().name();
        trace.capture(captureLimit(route.name()));
        trace.request(first);
        String upstreamPath = match.get().path();
        List<Header> fields = new ArrayList<>(head.size());
        for (Header h : head) {
            fields.add(upstreamPath != null && h.name().equals(":path") ? Header.of(":path", upstreamPath) : h);
        }
        upstreamHead = route.requestHeaders().apply(client.forwarded(pc.forwarding(), fields));
        pending.add(first);
        acquire();
        if (requestEnded) {
            startRequestTimer();
        }
    }

    /**
     * One message for this exchange: from the host (request parts, credit, priority, a client reset) or, through the
     * host's {@link ForStream}, from the pool, an upstream connection or the request timer.
     */
    void receive(ToStream message) {
        if (stopped) {
            if (message instanceof Attached a) {
                a.upstream().tell(new Cancel(a.streamId(), ErrorCode.CANCEL.code())); // nobody waits for it now
            }
            return;
        }
        try {
            handle(message);
        } catch (RuntimeException bug) {
            failed(bug);
        }
    }

    /**
     * A fault of ours while handling this exchange ends this exchange only, as a failed child actor would: the
     * backend stream is cancelled and the client's reset with INTERNAL_ERROR; the connection and its other streams go
     * on.
     */
    private void failed(RuntimeException bug) {
        host.log().error("stream {}: exchange failed, resetting it", id, bug);
        if (stopped) {
            return;
        }
        cancelUpstream();
        if (trace != null) {
            trace.end(ExchangeRecord.Outcome.FAILED, ErrorCode.INTERNAL_ERROR.code());
        }
        host.fromStream(new ResetClientStream(id, ErrorCode.INTERNAL_ERROR.code()));
        stop();
    }

    private void handle(ToStream message) {
        if (message instanceof RequestData d) {
            onRequestData(d.part());
        } else if (message instanceof ResponseData d) {
            onResponse(d.part());
        } else if (message instanceof RequestCredit c) {
            requestOutstanding -= c.bytes();
            if (retaining) {
                heldCredit += c.bytes();
            } else {
                host.fromStream(new RequestConsumed(id, c.bytes()));
            }
            finishIfDone();
        } else if (message instanceof ResponseCredit c) {
            responseOutstanding -= c.bytes();
            if (upstream != null) {
                host.toUpstream(upstream, new ResponseConsumed(upstreamId, c.bytes()));
            }
            finishIfDone();
        } else if (message instanceof Attached a) {
            onAttached(a);
        } else if (message instanceof PriorityChange p) {
            priority = p.fieldValue();
            trace.priority = priority;
            if (upstream != null) {
                host.toUpstream(upstream, new Prioritize(upstreamId, priority));
            }
        } else if (message instanceof ClientReset r) {
            trace.end(requestEnded && responseEnded ? ExchangeRecord.Outcome.COMPLETED
                    : ExchangeRecord.Outcome.CLIENT_RESET, r.errorCode());
            if (upstream != null) {
                host.toUpstream(upstream, new Cancel(upstreamId, r.errorCode())); // the same code both ways
                upstream = null;
            }
            stop();
        } else if (message instanceof UpstreamReset r) {
            onUpstreamReset(r);
        } else if (message instanceof UpstreamFailed f) {
            onUpstreamFailed(f.failure());
        } else if (message instanceof Unavailable u) {
            localResponse(u.noHealthyEndpoint() && afterConnectFailure ? 502 : 503,
                    u.noHealthyEndpoint() ? "no healthy backend\n" : "backend busy\n");
        } else if (message == Timeout.INSTANCE) {
            if (!responseStarted) {
                cancelUpstream();
                trace.end(ExchangeRecord.Outcome.TIMEOUT, -1);
                localResponse(504, "backend timeout\n");
            }
        }
    }

    /** The client connection is gone (its actor stopped): the backend stream is cancelled, the exchange cut. */
    void connectionClosed() {
        if (!stopped) {
            cancelUpstream();
            stop();
        }
    }

    /** The exchange is over: the record is written, the host told; later messages are dropped. */
    private void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        ref.markGone();
        host.deadlines().remove(this);
        record();
        host.fromStream(new StreamEnded(id));
    }

    // ---- request side -------------------------------------------------------------------------------------------

    private void acquire() {
        RequestPart first = pending.take();
        requestOutstanding += first.bytes();
        retain(first);
        host.acquire(pool, new Acquire(ref, upstreamHead, first, attempt, afterConnectFailure));
    }

    private void onRequestData(RequestPart part) {
        trace.request(part);
        requestEnded |= part.end();
        if (upstream == null) {
            pending.add(part);
        } else {
            host.toUpstream(upstream, new Send(upstreamId, part));
            requestOutstanding += part.bytes();
            retain(part);
        }
        if (part.end()) {
            startRequestTimer();
        }
        finishIfDone(); // the backend may have answered before the upload finished (RFC 9113 §8.1)
    }

    private void onAttached(Attached a) {
        upstream = a.upstream();
        upstreamId = a.streamId();
        upstreamVersion = a.protocolVersion();
        trace.headSent(a.endpoint());
        RequestPart part = pending.take();
        if (!part.isEmpty()) {
            host.toUpstream(upstream, new Send(upstreamId, part));
            requestOutstanding += part.bytes();
            retain(part);
        }
        if (priority != null) {
            host.toUpstream(upstream, new Prioritize(upstreamId, priority));
        }
    }

    /** Keeps what went upstream for a retry, until the limit; past it, retrying is over and credit flows freely. */
    private void retain(RequestPart part) {
        if (!retaining || part.isEmpty()) {
            return;
        }
        if (retained.bytes + part.bytes() > pc.retainLimit()) {
            stopRetaining();
        } else {
            retained.add(part);
        }
    }

    private void stopRetaining() {
        if (retaining) {
            retaining = false;
            retained = null;
            if (heldCredit > 0) {
                host.fromStream(new RequestConsumed(id, (int) heldCredit));
                heldCredit = 0;
            }
        }
    }

    private boolean canRetry() {
        return retaining && !responseStarted && attempt + 1 < MAX_ATTEMPTS;
    }

    /** Sends everything again through the pool; the old attempt's credit is void (the bytes will be credited anew). */
    private void retry(boolean connectFailure) {
        attempt++;
        afterConnectFailure = connectFailure;
        pc.metrics().retry(route.cluster().name());
        upstream = null;
        heldCredit = 0;
        requestOutstanding = 0;
        PartBuffer again = retained;
        retained = new PartBuffer();
        again.add(pending.take());
        pending.add(again.take());
        acquire();
    }

    /**
     * From the end of the request (the whole of it handed on) to the response head. Time spent waiting for a backend
     * stream counts too, so a request can never wait forever on a backend that accepts connections but does not
     * answer; a retry keeps the timer running.
     */
    private void startRequestTimer() {
        Duration timeout = route.timeout();
        if (!timeout.isZero() && !responseStarted) {
            host.deadlines().add(this, timeout);
        }
    }

    // ---- response side ------------------------------------------------------------------------------------------

    private void onResponse(ResponsePart part) {
        List<List<Header>> informational = part.informational();
        if (!informational.isEmpty()) {
            List<List<Header>> relayed = new ArrayList<>(informational.size());
            for (List<Header> info : informational) {
                relayed.add(ForwardingHeaders.withoutConnectionSpecific(info));
            }
            informational = relayed;
        }
        List<Header> head = part.head();
        if (head != null) {
            responseStarted = true;
            host.deadlines().remove(this);
            trace.backendAnswered();
            head = route.responseHeaders().apply(pc.forwarding().response(head, upstreamVersion));
        }
        List<Header> trailers = part.trailers() == null ? null
                : ForwardingHeaders.withoutConnectionSpecific(part.trailers());
        trace.response(head, part.data(), part.bytes(), trailers);
        host.fromStream(new Respond(id, new ResponsePart(informational, head, part.data(), part.bytes(), trailers,
                part.end())));
        if (head != null) {
            stopRetaining(); // the backend took the request: no retry from here on, withheld credit flows
        }
        responseOutstanding += part.bytes();
        responseEnded |= part.end();
        finishIfDone();
    }

    /**
     * Both messages ended and every byte came back as credit on both sides: only then are no bytes of this exchange
     * held by either connection, so no credit can be lost by stopping.
     */
    private void finishIfDone() {
        if (requestEnded && responseEnded && requestOutstanding <= 0 && responseOutstanding <= 0) {
            trace.end(ExchangeRecord.Outcome.COMPLETED, -1);
            stop();
        }
    }

    private void onUpstreamReset(UpstreamReset r) {
        upstream = null; // that backend stream is over
        if (r.notProcessed() && canRetry()) {
            retry(false);
            return;
        }
        if (!responseStarted && !r.byBackend()) {
            localResponse(502, "invalid response from the backend\n");
            return;
        }
        int code = r.byBackend() ? r.errorCode() : ErrorCode.INTERNAL_ERROR.code();
        trace.end(r.byBackend() ? ExchangeRecord.Outcome.UPSTREAM_RESET : ExchangeRecord.Outcome.FAILED, code);
        host.fromStream(new ResetClientStream(id, code));
        stop();
    }

    private void onUpstreamFailed(Exchange.Failure failure) {
        upstream = null;
        switch (failure) {
            case CONNECT_FAILED -> {
                if (canRetry() && attempt + 1 < route.cluster().endpoints().size()) {
                    retry(true); // another endpoint may answer; the pool skips the one that failed
                } else {
                    localResponse(502, "backend unreachable\n");
                }
            }
            case NOT_PROCESSED -> {
                if (canRetry()) {
                    retry(false);
                } else {
                    localResponse(502, "backend went away\n");
                }
            }
            case LOST -> {
                if (responseStarted) {
                    trace.end(ExchangeRecord.Outcome.FAILED, ErrorCode.INTERNAL_ERROR.code());
                    host.fromStream(new ResetClientStream(id, ErrorCode.INTERNAL_ERROR.code()));
                    stop();
                } else {
                    localResponse(502, "backend connection lost\n");
                }
            }
            case NO_EXTENDED_CONNECT -> localResponse(502, "the backend does not accept WebSocket over HTTP/2 "
                    + "(no SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441)\n");
            default -> localResponse(502, "the backend refused the request\n");
        }
    }

    /** An answer of our own; then, if the client is still uploading, RST_STREAM(NO_ERROR) stops it (§8.1). */
    private void localResponse(int status, String text) {
        cancelUpstream();
        if (responseStarted) {
            trace.end(ExchangeRecord.Outcome.FAILED, ErrorCode.INTERNAL_ERROR.code());
            host.fromStream(new ResetClientStream(id, ErrorCode.INTERNAL_ERROR.code()));
            stop();
            return;
        }
        pc.metrics().localResponse();
        ByteBuffer body = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        List<Header> head = List.of(Header.of(":status", Integer.toString(status)),
                Header.of("content-type", "text/plain; charset=utf-8"),
                Header.of("content-length", Integer.toString(body.remaining())));
        trace.response(head, List.of(body), body.remaining(), null);
        host.fromStream(new Respond(id, new ResponsePart(List.of(), head, List.of(body), body.remaining(), null,
                true)));
        int reset = -1;
        if (!requestEnded) {
            reset = ErrorCode.NO_ERROR.code();
            host.fromStream(new ResetClientStream(id, reset));
        }
        trace.end(ExchangeRecord.Outcome.LOCAL_RESPONSE, reset);
        stop();
    }

    // ---- the record ---------------------------------------------------------------------------------------------

    private int captureLimit(String routeName) {
        int limit = 0;
        for (ExchangeObserver o : pc.observers()) {
            try {
                limit = Math.max(limit, o.captureLimit(routeName));
            } catch (RuntimeException e) {
                host.log().warn("exchange observer {} failed: {}", o, e.toString());
            }
        }
        return limit;
    }

    /** The Stream stopped, whatever the way: the exchange is over. Stopped with its connection, it was cut. */
    private void record() {
        if (trace == null) {
            return;
        }
        ExchangeTrace trace = this.trace;
        this.trace = null;
        trace.end(requestEnded && responseEnded ? ExchangeRecord.Outcome.COMPLETED
                : ExchangeRecord.Outcome.CLIENT_RESET, -1);
        long now = System.nanoTime();
        pc.metrics().exchangeEnded(trace, now - trace.startNanos);
        if (pc.observers().isEmpty()) {
            return;
        }
        ExchangeRecord record = trace.toRecord(client, id, now);
        for (ExchangeObserver o : pc.observers()) {
            try {
                o.exchangeEnded(record);
            } catch (RuntimeException e) {
                host.log().warn("exchange observer {} failed: {}", o, e.toString());
            }
        }
    }

    private void cancelUpstream() {
        if (upstream != null) {
            host.toUpstream(upstream, new Cancel(upstreamId, ErrorCode.CANCEL.code()));
            upstream = null;
        }
    }

    /** Request parts gathered into one: data in order, then the trailers or end. */
    private static final class PartBuffer {
        List<ByteBuffer> data = new ArrayList<>(2);
        int bytes;
        List<Header> trailers;
        boolean end;

        void add(RequestPart part) {
            data.addAll(part.data());
            bytes += part.bytes();
            if (part.trailers() != null) {
                trailers = part.trailers();
            }
            end |= part.end();
        }

        RequestPart take() {
            if (bytes == 0 && trailers == null && !end) {
                return RequestPart.EMPTY;
            }
            RequestPart part = new RequestPart(data, bytes, trailers, end);
            data = new ArrayList<>(2);
            bytes = 0;
            trailers = null;
            end = false;
            return part;
        }
    }
}
