package io.h2relay.http1;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Http1Connection#receiveData}, {@link Http1Connection#receiveEof} and
 * {@link Http1Connection#pollEvents} report. A message is a head, zero or more {@link Data}, optionally
 * {@link Trailers}, then {@link EndOfMessage}; informational responses are a head alone.
 */
public sealed interface Http1Event {

    /**
     * A request head (server role).
     *
     * @param target the request-target exactly as received (origin-, absolute-, authority- or asterisk-form)
     * @param headers field lines in order, names lower-cased
     * @param authority the effective authority: the target's for absolute- and authority-form, otherwise the Host
     *     field's value ("" when Host is absent, as HTTP/1.0 allows, or empty)
     * @param framing how the body is delimited; {@link BodyFraming#NONE} means EndOfMessage follows at once
     * @param contentLength the declared length for {@link BodyFraming#CONTENT_LENGTH}, 0 for NONE, otherwise -1
     * @param expectContinue an HTTP/1.1 request with a body carried {@code Expect: 100-continue}: the client may
     *     wait for {@link Http1Connection#sendInformational} with 100 before it sends the body
     */
    record RequestHead(String method, String target, Http1Version version, List<Http1Field> headers,
            String authority, BodyFraming framing, long contentLength, boolean expectContinue) implements Http1Event {

        public RequestHead {
            headers = List.copyOf(headers);
        }

        /** The scheme of an absolute-form target, otherwise null. */
        public String scheme() {
            return RequestTarget.schemeOf(target);
        }

        /**
         * The path and query as HTTP/2's {@code :path} wants it: the origin-form target itself, the path of an
         * absolute-form target ("/" when empty), "*" for asterisk-form, null for CONNECT's authority-form.
         */
        public String path() {
            return RequestTarget.pathOf(method, target);
        }
    }

    /** A response head (client role); 1xx heads are {@link #informational()} and precede the final one. */
    record ResponseHead(int status, String reason, Http1Version version, List<Http1Field> headers,
            BodyFraming framing, long contentLength) implements Http1Event {

        public ResponseHead {
            headers = List.copyOf(headers);
        }

        public boolean informational() {
            return status < 200;
        }
    }

    /**
     * Body bytes: a read-only view, no copy, of the buffer given to {@code receiveData} (or of the codec's own buffer
     * for input it had to hold). Valid until the caller reuses that buffer or calls into the connection again.
     */
    record Data(ByteBuffer data) implements Http1Event {
        public Data {
            Objects.requireNonNull(data, "data");
        }
    }

    /** The trailer section of a chunked message (only when it has fields); EndOfMessage follows. */
    record Trailers(List<Http1Field> fields) implements Http1Event {
        public Trailers {
            fields = List.copyOf(fields);
        }
    }

    /** The current message is complete. */
    record EndOfMessage() implements Http1Event {
    }

    /** The peer closed the connection at a message boundary (no partial message was lost). */
    record ConnectionClosed() implements Http1Event {
    }

    /**
     * Client role: the response was a 101 to our Upgrade or a 2xx to our CONNECT. Parsing has stopped; the bytes
     * that followed the head (a copy) belong to the new protocol, and so does everything read from now on.
     */
    record ProtocolSwitched(ByteBuffer trailingData) implements Http1Event {
    }

    /**
     * The peer broke the protocol; nothing more is parsed. A server answers {@code status} (when
     * {@link Http1Connection#ourState()} is still {@link Http1State#SEND_RESPONSE}) and, if
     * {@code closeConnection}, closes after it. A client role reports 502, the status a gateway gives downstream.
     */
    record Malformed(int status, String reason, boolean closeConnection) implements Http1Event {
    }
}
