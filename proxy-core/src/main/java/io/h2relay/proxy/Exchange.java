package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages between the two sides of the proxy (DESIGN.md, "The actor runtime"):
 *
 * <pre>
 *   DownstreamConnection ──RequestData──> Stream ──Acquire──> UpstreamPool ──Open──> UpstreamConnection
 *                        <──Respond────          <──Attached, ResponseData, RequestCredit───
 *                        ──ResponseCredit──>     ──Send, ResponseConsumed, Prioritize, Cancel──>
 * </pre>
 *
 * <p>The Stream is an object inside the client connection actor, not an actor: the messages between the two are
 * method calls ({@link Stream#receive}, {@link Stream.Host#fromStream}), and what the pool and upstream connections send
 * it travels through its {@link StreamRef} as {@link ForStream}.
 *
 * <p><b>Credit.</b> Payload moves only within credit: a connection actor acknowledges received DATA to its peer
 * (which reopens that peer's window) only when the other side reports the bytes gone out ({@link RequestCredit},
 * {@link ResponseCredit}). So a slow backend slows the client's window, never the proxy's heap: per stream and per
 * connection, the bytes held are bounded by the windows we announce ({@code h2relay.flow-control}).
 *
 * <p><b>Batches.</b> A socket read is one engine batch; each connection actor sends at most one
 * {@link RequestPart} or {@link ResponsePart} per stream per batch, however many frames it held.
 *
 * <p>Payload buffers are read-only views of socket reads (immutable), safe to pass between actors.
 */
final class Exchange {

    private Exchange() {}

    /**
     * Request body bytes from one batch: DATA payloads (padding removed), then perhaps the trailers, and whether the
     * request ended.
     */
    record RequestPart(List<ByteBuffer> data, int bytes, List<Header> trailers, boolean end) {

        static final RequestPart EMPTY = new RequestPart(List.of(), 0, null, false);
        static final RequestPart END = new RequestPart(List.of(), 0, null, true);

        boolean isEmpty() {
            return bytes == 0 && trailers == null && !end;
        }
    }

    /**
     * A response's pieces from one batch, in wire order: 1xx heads, the final head, DATA payloads, trailers or the end.
     * Any may be absent (null head, empty lists).
     */
    record ResponsePart(List<List<Header>> informational, List<Header> head, List<ByteBuffer> data, int bytes,
            List<Header> trailers, boolean end) {}

    /** Why an upstream connection could not carry an exchange. */
    enum Failure {
        /** The TCP connection to the endpoint could not be made (refused, unreachable, connect timeout). */
        CONNECT_FAILED,
        /** The connection went away before the request was sent: safe to send it elsewhere. */
        NOT_PROCESSED,
        /** The connection broke while the exchange was in flight. */
        LOST,
        /** The backend's engine refused our request head. */
        REJECTED,
        /** An extended CONNECT (RFC 8441) to an HTTP/2 backend that did not enable it. */
        NO_EXTENDED_CONNECT
    }

    // ---- to a Stream ------------------------------------------------------------------------------------------

    sealed interface ToStream permits RequestData, ResponseCredit, PriorityChange, ClientReset, Attached,
            ResponseData, RequestCredit, UpstreamReset, UpstreamFailed, Unavailable, Stream.Timeout {}

    /** From the downstream connection: more of the request. */
    record RequestData(RequestPart part) implements ToStream {}

    /** From the downstream connection: this many response bytes went out to the client. */
    record ResponseCredit(int bytes) implements ToStream {}

    /** From the downstream connection: the client's RFC 9218 PRIORITY_UPDATE field value. */
    record PriorityChange(String fieldValue) implements ToStream {}

    /** From the downstream connection: the client reset the stream, or the connection is gone. */
    record ClientReset(int errorCode) implements ToStream {}

    /**
     * From an upstream connection: the request head went to the backend {@code endpoint} (its URL; null when not
     * known), and the request now travels as stream {@code streamId} of {@code upstream}.
     *
     * @param protocolVersion the backend's HTTP version as {@code via} writes it: "2", "1.1"
     */
    record Attached(ActorRef<ToUpstream> upstream, int streamId, String protocolVersion, String endpoint)
            implements ToStream {

        Attached(ActorRef<ToUpstream> upstream, int streamId) {
            this(upstream, streamId, "2", null);
        }
    }

    /** From an upstream connection: more of the response. */
    record ResponseData(ResponsePart part) implements ToStream {}

    /** From an upstream connection: this many request bytes went out to the backend. */
    record RequestCredit(int bytes) implements ToStream {}

    /**
     * From an upstream connection: the backend stream ended abnormally.
     *
     * @param notProcessed the backend certainly did not process the request (REFUSED_STREAM, or above the
     *     last-stream-id of its GOAWAY; RFC 9113 §8.7): it may be retried
     * @param byBackend the backend reset it; false when we did, because the backend broke the protocol
     */
    record UpstreamReset(int errorCode, boolean notProcessed, boolean byBackend) implements ToStream {}

    /** From an upstream connection: it could not carry the exchange. */
    record UpstreamFailed(Failure failure) implements ToStream {}

    /**
     * From the pool: no stream for this request.
     *
     * @param noHealthyEndpoint every endpoint of the cluster failed recently (else: every connection is full and the
     *     pending queue too)
     */
    record Unavailable(boolean noHealthyEndpoint) implements ToStream {}

    // ---- to a client connection (DownstreamConnection, Http1Downstream) ------------------------------------------

    sealed interface ToDownstream permits ForStream, ForStreams, StreamEnded, Respond, RequestConsumed, ResetClientStream,
            RequestDeadlines.Tick, DownstreamConnection.Internal, Http1Downstream.Internal {}

    /** For the Stream behind {@code to}, from the pool, an upstream connection or the Stream's own timer. */
    record ForStream(StreamRef to, ToStream message) implements ToDownstream {}

    /** Several {@link ForStream} from one actor's batch, in order ({@link StreamMail}). */
    record ForStreams(List<ForStream> all) implements ToDownstream {}

    /** From a Stream: the exchange is over; forget it once its queued response bytes went out. */
    record StreamEnded(int streamId) implements ToDownstream {}

    /** From a Stream: send this much of the response on {@code streamId}. */
    record Respond(int streamId, ResponsePart part) implements ToDownstream {}

    /** From a Stream: the backend took this many request bytes; credit the client. */
    record RequestConsumed(int streamId, int bytes) implements ToDownstream {}

    /**
     * From a Stream: reset the client stream, after whatever response bytes are already queued have gone out (so a
     * complete response followed by RST_STREAM(NO_ERROR) stops an upload without losing the answer, RFC 9113 §8.1).
     */
    record ResetClientStream(int streamId, int errorCode) implements ToDownstream {}

    // ---- to an UpstreamConnection -----------------------------------------------------------------------------

    sealed interface ToUpstream permits Open, Send, ResponseConsumed, Prioritize, Cancel, UpstreamBatch,
            UpstreamConnection.Internal,
            Http1UpstreamConnection.Internal, TlsUpstreamConnect.Internal, Unreachable.Forgotten {}

    /** From the pool: open a stream for this request; {@code first} is what the Stream had of the body so far. */
    record Open(StreamRef stream, List<Header> head, RequestPart first) implements ToUpstream {}

    /** From a Stream: more of the request on {@code streamId}. */
    record Send(int streamId, RequestPart part) implements ToUpstream {}

    /** From a Stream: the client took this many response bytes; credit the backend. */
    record ResponseConsumed(int streamId, int bytes) implements ToUpstream {}

    /** From a Stream: pass on an RFC 9218 priority change (PRIORITY_UPDATE). */
    record Prioritize(int streamId, String fieldValue) implements ToUpstream {}

    /** From a Stream: reset the backend stream. */
    record Cancel(int streamId, int errorCode) implements ToUpstream {}

    /** Several messages for one upstream connection from one actor's batch, in order ({@link Mail}). */
    record UpstreamBatch(List<ToUpstream> all) implements ToUpstream {}

    /** The {@link Open}s in a message for an upstream connection: itself, those in a batch, or none. */
    static List<Open> opens(ToUpstream message) {
        if (message instanceof Open o) {
            return List.of(o);
        }
        if (message instanceof UpstreamBatch b) {
            List<Open> opens = new java.util.ArrayList<>(b.all().size());
            for (ToUpstream m : b.all()) {
                if (m instanceof Open o) {
                    opens.add(o);
                }
            }
            return opens;
        }
        return List.of();
    }

    // ---- to an UpstreamPool -----------------------------------------------------------------------------------

    sealed interface ToPool permits Acquire, AcquireAll, UpstreamPool.Internal {}

    /** Several {@link Acquire} from one client connection's batch, in order ({@link Mail}). */
    record AcquireAll(List<Acquire> all) implements ToPool {}

    /**
     * From a Stream: find a connection for this request.
     *
     * @param attempt 0 for the first try; retries count up
     * @param afterConnectFailure the previous attempt could not connect (then "no healthy endpoint" means 502)
     */
    record Acquire(StreamRef stream, List<Header> head, RequestPart first, int attempt,
            boolean afterConnectFailure) implements ToPool {}
}
