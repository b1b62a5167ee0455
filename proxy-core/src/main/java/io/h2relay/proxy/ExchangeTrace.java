package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link Stream} notes about its exchange for the {@link ExchangeRecord} and the metrics: times, heads, body
 * byte counts and (when an observer asked) the first body bytes. Touched only by its Stream, on the client connection actor's thread.
 */
final class ExchangeTrace {

    final Instant started = Instant.now();
    final long startNanos = System.nanoTime();
    final List<Header> requestHead;
    List<Header> requestTrailers;
    long requestBodyBytes;
    String priority;
    String route;
    String cluster;
    String upstream;
    long headSentNanos = -1;
    long upstreamNanos = -1;
    int status;
    List<Header> responseHead;
    List<Header> responseTrailers;
    long responseBodyBytes;
    ExchangeRecord.Outcome outcome;
    int resetCode = -1;
    private Capture requestBody;
    private Capture responseBody;

    ExchangeTrace(List<Header> requestHead) {
        this.requestHead = requestHead;
        for (Header h : requestHead) {
            if (h.name().equals("priority")) {
                priority = h.value();
            }
        }
    }

    /** Keep up to {@code limit} body bytes each way from now on (0: none). */
    void capture(int limit) {
        if (limit > 0) {
            requestBody = new Capture(limit);
            responseBody = new Capture(limit);
        }
    }

    void request(Exchange.RequestPart part) {
        requestBodyBytes += part.bytes();
        if (requestBody != null && part.bytes() > 0) {
            requestBody.add(part.data());
        }
        if (part.trailers() != null) {
            requestTrailers = part.trailers();
        }
    }

    /** The request head went to a backend (again, on a retry). */
    void headSent(String endpoint) {
        upstream = endpoint;
        headSentNanos = System.nanoTime();
        upstreamNanos = -1;
    }

    /** A response head arrived from the backend. */
    void backendAnswered() {
        if (headSentNanos >= 0) {
            upstreamNanos = System.nanoTime() - headSentNanos;
        }
    }

    /** What went to the client: the final head (null when none in this part), body bytes, trailers. */
    void response(List<Header> head, List<ByteBuffer> data, int bytes, List<Header> trailers) {
        if (head != null) {
            responseHead = head;
            status = statusOf(head);
        }
        responseBodyBytes += bytes;
        if (responseBody != null && bytes > 0) {
            responseBody.add(data);
        }
        if (trailers != null) {
            responseTrailers = trailers;
        }
    }

    /** The first way the exchange is known to end wins. */
    void end(ExchangeRecord.Outcome how, int reset) {
        if (outcome == null) {
            outcome = how;
            resetCode = reset;
        }
    }

    ExchangeRecord toRecord(ClientSide client, int streamId, long endNanos) {
        return new ExchangeRecord(started, endNanos - startNanos, upstreamNanos, client.listener(),
                client.connection().remote(), client.protocol(), client.tls(), streamId, route, cluster, upstream,
                requestHead, requestTrailers, requestBodyBytes, requestBody == null ? null : requestBody.bytes(),
                requestBody != null && requestBody.truncated, status, responseHead, responseTrailers,
                responseBodyBytes, responseBody == null ? null : responseBody.bytes(),
                responseBody != null && responseBody.truncated, priority, outcome, resetCode);
    }

    static int statusOf(List<Header> head) {
        for (Header h : head) {
            if (h.name().equals(":status")) {
                try {
                    return Integer.parseInt(h.value());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** The first {@code limit} bytes of a body: copies, since the buffers are views of socket reads. */
    private static final class Capture {
        final int limit;
        byte[] buf = new byte[0];
        int length;
        boolean truncated;

        Capture(int limit) {
            this.limit = limit;
        }

        void add(List<ByteBuffer> data) {
            for (ByteBuffer b : data) {
                int n = Math.min(b.remaining(), limit - length);
                if (n < b.remaining()) {
                    truncated = true;
                }
                if (n > 0) {
                    if (length + n > buf.length) {
                        buf = Arrays.copyOf(buf, Math.min(limit, Math.max(length + n, buf.length * 2)));
                    }
                    b.duplicate().get(buf, length, n);
                    length += n;
                }
            }
        }

        byte[] bytes() {
            return length == buf.length ? buf : Arrays.copyOf(buf, length);
        }
    }
}
