package io.h2relay.http1;

import static io.h2relay.http1.Http1State.BODY;
import static io.h2relay.http1.Http1State.CLOSED;
import static io.h2relay.http1.Http1State.DONE;
import static io.h2relay.http1.Http1State.ERROR;
import static io.h2relay.http1.Http1State.IDLE;
import static io.h2relay.http1.Http1State.MUST_CLOSE;
import static io.h2relay.http1.Http1State.SEND_RESPONSE;
import static io.h2relay.http1.Http1State.SWITCHED;

import io.h2relay.http1.Http1Event.ConnectionClosed;
import io.h2relay.http1.Http1Event.Data;
import io.h2relay.http1.Http1Event.EndOfMessage;
import io.h2relay.http1.Http1Event.Malformed;
import io.h2relay.http1.Http1Event.ProtocolSwitched;
import io.h2relay.http1.Http1Event.RequestHead;
import io.h2relay.http1.Http1Event.ResponseHead;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A sans-IO HTTP/1.1 connection (RFC 9112), in the manner of python's h11: bytes in, events out; send calls queue
 * bytes that {@link #dataToSend()} hands over. No sockets, threads or clocks.
 *
 * <p>One exchange at a time: a request and its response. A server holds pipelined requests (RFC 9112 §9.3.2)
 * until the response to the current one is complete, then parses them on {@link #pollEvents()}; while more than
 * {@link Http1Config#maxBufferedInput()} bytes are held, {@link #readPaused()} asks the caller to stop reading.
 * A client sends its next request only after the current response is complete (no client pipelining).
 *
 * <p>After each exchange the connection is reused unless a message said otherwise (RFC 9112 §9.3): "close" in
 * Connection, HTTP/1.0 without "keep-alive", a close-delimited body, the peer's end of stream, or a protocol error.
 * Then both states become {@link Http1State#MUST_CLOSE}: write what {@link #dataToSend()} returns, then close.
 *
 * <p>Peer violations arrive as {@link Malformed} events; local misuse throws {@link Http1Exception} and changes
 * nothing.
 */
public final class Http1Connection {

    private static final List<Http1Field> NO_FIELDS = List.of();

    private final Http1Role role;
    private final MessageReader reader;
    private final MessageWriter writer = new MessageWriter();
    private final int maxBufferedInput;

    private Http1State ourState = IDLE;
    private Http1State theirState = IDLE;
    /** Whether the connection may carry another exchange after the current one. */
    private boolean keepAlive = true;
    /** Client: a response came as HTTP/1.0, so the server may not understand chunked requests (RFC 9112 §6.1). */
    private boolean peerIsHttp10;

    /** Server: the request being answered; null fields when it was malformed before they were known. */
    private String requestMethod;
    private Http1Version requestVersion;
    private boolean requestUpgrade;
    private boolean awaitingContinue;
    private BodyFraming ourFraming = BodyFraming.NONE;
    private ByteBuffer trailingData = ByteBuffer.allocate(0);

    public Http1Connection(Http1Role role) {
        this(role, Http1Config.defaults());
    }

    public Http1Connection(Http1Role role, Http1Config config) {
        this.role = Objects.requireNonNull(role, "role");
        this.reader = new MessageReader(role == Http1Role.SERVER, Objects.requireNonNull(config, "config"));
        this.maxBufferedInput = config.maxBufferedInput();
    }

    public Http1Role role() {
        return role;
    }

    public Http1State ourState() {
        return ourState;
    }

    public Http1State theirState() {
        return theirState;
    }

    /** Whether the connection can carry another exchange after the current one, as far as is known now. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Server: the request asked for 100-continue, no body byte has arrived, and neither 100 nor a final head went. */
    public boolean peerAwaitsContinue() {
        return awaitingContinue;
    }

    /**
     * True while the codec holds {@link Http1Config#maxBufferedInput()} or more bytes of input that it may not parse
     * yet (the next pipelined request). Stop reading the socket; {@link #receiveData} refuses input meanwhile.
     */
    public boolean readPaused() {
        return (theirState == DONE || theirState == MUST_CLOSE) && reader.buffered() >= maxBufferedInput;
    }

    /**
     * True while the codec holds input it could not consume yet (a partial line). Body events of the next
     * {@link #receiveData} call are then views of the codec's own buffer, which it reuses: a caller that keeps them
     * past its next call into this connection copies them; otherwise they are views of the caller's buffer.
     */
    public boolean holdsInput() {
        return reader.buffered() > 0;
    }

    // ---- input

    /**
     * Parses bytes from the peer. {@code data} is consumed entirely (its position moves to its limit); body events
     * are views of it, valid until the buffer is reused or this connection is called again.
     *
     * @throws Http1Exception when reading is paused, after {@link #receiveEof()}, or after a protocol switch
     */
    public List<Http1Event> receiveData(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (ourState == SWITCHED) {
            throw new Http1Exception("the connection switched protocols; its bytes belong to the new protocol");
        }
        if (reader.eofSeen()) {
            throw new Http1Exception("data after end of stream");
        }
        if (readPaused()) {
            throw new Http1Exception("reading is paused: " + reader.buffered() + " bytes of pipelined input held");
        }
        List<Http1Event> events = new ArrayList<>(4);
        reader.feed(data, events);
        apply(events);
        return events;
    }

    /**
     * The peer closed its sending side. Yields EndOfMessage for a close-delimited body, ConnectionClosed or
     * Malformed; nothing while a pipelined request is still held (it is reported when polled).
     */
    public List<Http1Event> receiveEof() {
        if (ourState == SWITCHED) {
            throw new Http1Exception("the connection switched protocols; its end of stream belongs to the new"
                    + " protocol");
        }
        List<Http1Event> events = new ArrayList<>(2);
        if (!reader.eofSeen()) {
            // Complete requests already held are still answered (a client may half-close after pipelining);
            // ConnectionClosed or Malformed end keep-alive once the input is used up.
            reader.feedEof(events);
            apply(events);
        }
        return events;
    }

    /** Parses input held back until now: call it after a response completes ({@link #endMessage}) on a server. */
    public List<Http1Event> pollEvents() {
        List<Http1Event> events = new ArrayList<>(4);
        if (ourState != SWITCHED) {
            reader.feed(null, events);
            apply(events);
        }
        return events;
    }

    private void apply(List<Http1Event> events) {
        for (Http1Event e : events) {
            if (e instanceof RequestHead h) {
                theirState = BODY;
                ourState = SEND_RESPONSE;
                requestMethod = h.method();
                requestVersion = h.version();
                // RFC 9110 §7.8: Upgrade is ignored in HTTP/1.0 and needs the "upgrade" connection option.
                requestUpgrade = h.version() == Http1Version.HTTP_1_1 && Syntax.count(h.headers(), "upgrade") > 0
                        && Syntax.hasToken(h.headers(), "connection", "upgrade");
                awaitingContinue = h.expectContinue();
                keepAlive &= persistent(h.version(), h.headers());
            } else if (e instanceof ResponseHead h) {
                if (!h.informational()) {
                    theirState = BODY;
                    peerIsHttp10 |= h.version() == Http1Version.HTTP_1_0;
                    keepAlive &= persistent(h.version(), h.headers()) && h.framing() != BodyFraming.UNTIL_CLOSE;
                }
            } else if (e instanceof Data) {
                awaitingContinue = false;
            } else if (e instanceof EndOfMessage) {
                theirState = DONE;
            } else if (e instanceof ConnectionClosed) {
                theirState = CLOSED;
                keepAlive = false;
            } else if (e instanceof ProtocolSwitched) {
                ourState = SWITCHED;
                theirState = SWITCHED;
            } else if (e instanceof Malformed) {
                theirState = ERROR;
                keepAlive = false;
                awaitingContinue = false;
                if (role == Http1Role.SERVER && ourState == IDLE) {
                    // The caller may still answer with the reported status; nothing is known about the request.
                    ourState = SEND_RESPONSE;
                    requestMethod = null;
                    requestVersion = null;
                    requestUpgrade = false;
                }
            }
            // Trailers change no state.
        }
        settle();
    }

    /** RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive". */
    private static boolean persistent(Http1Version version, List<Http1Field> headers) {
        if (Syntax.hasToken(headers, "connection", "close")) {
            return false;
        }
        return version == Http1Version.HTTP_1_1 || Syntax.hasToken(headers, "connection", "keep-alive");
    }

    /** Ends the exchange when both messages are complete: start the next one, or mark the connection for closing. */
    private void settle() {
        if (ourState == DONE && theirState == DONE && keepAlive) {
            ourState = IDLE;
            theirState = IDLE;
            requestMethod = null;
            requestVersion = null;
            requestUpgrade = false;
            awaitingContinue = false;
            reader.nextMessage();
            return;
        }
        if (!keepAlive) {
            if (ourState == DONE) {
                ourState = MUST_CLOSE;
            }
            if (theirState == DONE) {
                theirState = MUST_CLOSE;
            }
            if (ourState == IDLE && (theirState == CLOSED || theirState == ERROR)) {
                ourState = MUST_CLOSE; // nothing in progress and nothing more can come
            }
            if (ourState == MUST_CLOSE && theirState == MUST_CLOSE) {
                // Held pipelined input will never be answered. (Kept until now: a 101 or a 2xx to CONNECT on a
                // "close" request still claims it as tunnel bytes.)
                reader.stop();
            }
        }
    }

    // ---- output

    /**
     * Client: starts a request (always HTTP/1.1). Framing comes from the fields: a Content-Length is honoured, a
     * Transfer-Encoding must be exactly "chunked"; with neither, a request that has a body ({@code !endOfMessage})
     * gets "Transfer-Encoding: chunked" (refused when the server has answered in HTTP/1.0), and a POST, PUT or
     * PATCH without one gets "Content-Length: 0" (RFC 9110 §8.6). Exactly one Host field is required.
     *
     * @param endOfMessage true when no body follows: the request is complete with its head
     */
    public void sendRequestHead(String method, String target, List<Http1Field> headers, boolean endOfMessage) {
        requireRole(Http1Role.CLIENT, "sendRequestHead");
        if (ourState != IDLE || theirState != IDLE) {
            throw new Http1Exception("cannot start a request: our state " + ourState + ", theirs " + theirState);
        }
        if (!Syntax.isToken(method)) {
            throw new Http1Exception("invalid method");
        }
        check(MessageWriter.targetProblem(target));
        check(MessageWriter.fieldProblem(headers, false));
        if (Syntax.count(headers, "host") != 1) {
            throw new Http1Exception("a request needs exactly one Host field (RFC 9112 §3.2)");
        }
        long length = declaredLength(headers);
        boolean chunked = declaredChunked(headers, length);
        boolean upgrade = Syntax.count(headers, "upgrade") > 0;
        if (upgrade && !Syntax.hasToken(headers, "connection", "upgrade")) {
            throw new Http1Exception("Upgrade needs the \"upgrade\" option in Connection (RFC 9110 §7.8)");
        }
        if (method.equals("CONNECT") && (chunked || length > 0 || !endOfMessage)) {
            throw new Http1Exception("a CONNECT request has no content (RFC 9110 §9.3.6)");
        }
        List<Http1Field> extra = new ArrayList<>(1);
        BodyFraming framing = bodyFraming(length, chunked, endOfMessage);
        if (length == -1 && !chunked) {
            if (!endOfMessage) {
                if (peerIsHttp10) {
                    throw new Http1Exception("the server speaks HTTP/1.0: a request body needs a Content-Length");
                }
                extra.add(Http1Field.of("Transfer-Encoding", "chunked"));
                framing = BodyFraming.CHUNKED;
            } else if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
                extra.add(Http1Field.of("Content-Length", "0"));
            }
        } else if (chunked && peerIsHttp10) {
            throw new Http1Exception("the server speaks HTTP/1.0: it may not understand chunked requests");
        }
        writer.requestLine(method, target);
        writer.fields(headers);
        writer.fields(extra);
        writer.endHead();
        writer.begin(framing, length);
        ourFraming = framing;
        keepAlive &= !Syntax.hasToken(headers, "connection", "close");
        reader.expectResponse(method, upgrade);
        ourState = BODY;
        theirState = SEND_RESPONSE;
        if (endOfMessage) {
            finish(NO_FIELDS);
        }
    }

    /**
     * Server: a 1xx response before the final one; 100 answers Expect: 100-continue. 101 switches protocols: the
     * request must be complete and must have asked for an upgrade, and the fields must name the protocol in
     * Upgrade (RFC 9110 §15.2.2); afterwards {@link #takeTrailingData()} returns what the client sent after the
     * request. Not allowed towards an HTTP/1.0 client (RFC 9110 §15.2).
     */
    public void sendInformational(int status, List<Http1Field> headers) {
        requireRole(Http1Role.SERVER, "sendInformational");
        if (ourState != SEND_RESPONSE || theirState == ERROR) {
            throw new Http1Exception("no request to answer with a 1xx: our state " + ourState + ", theirs "
                    + theirState);
        }
        if (status < 100 || status > 199) {
            throw new Http1Exception("not an informational status: " + status);
        }
        if (requestVersion != Http1Version.HTTP_1_1) {
            throw new Http1Exception("no 1xx responses to an HTTP/1.0 client (RFC 9110 §15.2)");
        }
        check(MessageWriter.fieldProblem(headers, false));
        if (Syntax.count(headers, "content-length") > 0 || Syntax.count(headers, "transfer-encoding") > 0) {
            throw new Http1Exception("a 1xx response has no framing fields (RFC 9110 §8.6, RFC 9112 §6.1)");
        }
        if (status == 101) {
            if (!requestUpgrade) {
                throw new Http1Exception("101 needs a request that asked for an upgrade");
            }
            if (theirState != DONE) {
                throw new Http1Exception("101 only after the whole request has been received");
            }
            if (Syntax.count(headers, "upgrade") == 0) {
                throw new Http1Exception("a 101 response must carry Upgrade (RFC 9110 §15.2.2)");
            }
        }
        writer.statusLine(status, MessageWriter.reasonPhrase(status));
        writer.fields(headers);
        writer.endHead();
        if (status == 100) {
            awaitingContinue = false;
        } else if (status == 101) {
            switchProtocols();
        }
    }

    /** Server: the final response head with the standard reason phrase. */
    public void sendResponseHead(int status, List<Http1Field> headers, boolean endOfMessage) {
        sendResponseHead(status, MessageWriter.reasonPhrase(status), headers, endOfMessage);
    }

    /**
     * Server: the final response head (status 200..599, always written as HTTP/1.1). Framing comes from the fields:
     * a Content-Length is honoured; a Transfer-Encoding must be exactly "chunked" and needs an HTTP/1.1 request;
     * with neither, a response with a body gets chunked framing for an HTTP/1.1 request and a close-delimited body
     * otherwise, and a response without one gets "Content-Length: 0". Responses to HEAD and 204/304 never carry
     * content (their framing fields pass through as metadata); a 2xx to CONNECT switches the connection to a tunnel.
     * "Connection: close" is added when the connection will close; "Connection: keep-alive" for a persistent
     * HTTP/1.0 client.
     *
     * @param endOfMessage true when no body follows: the response is complete with its head
     */
    public void sendResponseHead(int status, String reason, List<Http1Field> headers, boolean endOfMessage) {
        requireRole(Http1Role.SERVER, "sendResponseHead");
        if (ourState != SEND_RESPONSE) {
            throw new Http1Exception("no request to answer: our state " + ourState);
        }
        if (status < 200 || status > 599) {
            throw new Http1Exception("not a final status: " + status + " (1xx goes through sendInformational)");
        }
        Objects.requireNonNull(reason, "reason");
        check(MessageWriter.reasonProblem(reason));
        check(MessageWriter.fieldProblem(headers, false));
        long length = declaredLength(headers);
        boolean chunked = declaredChunked(headers, length);
        boolean tunnel = "CONNECT".equals(requestMethod) && status < 300;
        boolean noContent = "HEAD".equals(requestMethod) || status == 204 || status == 304;
        if ((status == 204 || tunnel) && (length != -1 || chunked)) {
            throw new Http1Exception("no Content-Length or Transfer-Encoding in a 204 or a 2xx to CONNECT"
                    + " (RFC 9110 §8.6, RFC 9112 §6.1)");
        }
        if (chunked && requestVersion != Http1Version.HTTP_1_1) {
            throw new Http1Exception("no Transfer-Encoding towards an HTTP/1.0 client (RFC 9112 §6.1)");
        }
        boolean persist = keepAlive && !Syntax.hasToken(headers, "connection", "close");
        if (awaitingContinue && theirState == BODY) {
            // RFC 9110 §10.1.1: the client may or may not send the body it announced; only closing is unambiguous.
            persist = false;
        }
        List<Http1Field> extra = new ArrayList<>(2);
        BodyFraming framing;
        if (tunnel || noContent) {
            framing = BodyFraming.NONE;
        } else {
            framing = bodyFraming(length, chunked, endOfMessage);
            if (length == -1 && !chunked) {
                if (endOfMessage) {
                    extra.add(Http1Field.of("Content-Length", "0"));
                } else if (requestVersion == Http1Version.HTTP_1_1) {
                    extra.add(Http1Field.of("Transfer-Encoding", "chunked"));
                    framing = BodyFraming.CHUNKED;
                } else {
                    framing = BodyFraming.UNTIL_CLOSE;
                    persist = false;
                }
            }
        }
        if (!persist && !tunnel && !Syntax.hasToken(headers, "connection", "close")) {
            extra.add(Http1Field.of("Connection", "close"));
        } else if (persist && requestVersion == Http1Version.HTTP_1_0
                && !Syntax.hasToken(headers, "connection", "keep-alive")) {
            extra.add(Http1Field.of("Connection", "keep-alive"));
        }
        writer.statusLine(status, reason);
        writer.fields(headers);
        writer.fields(extra);
        writer.endHead();
        keepAlive = persist;
        awaitingContinue = false;
        if (tunnel) {
            switchProtocols();
            return;
        }
        writer.begin(framing, length);
        ourFraming = framing;
        ourState = BODY;
        if (endOfMessage) {
            finish(NO_FIELDS);
        }
    }

    /** Body bytes of our current message; {@code data} is consumed (copied into the output). */
    public void sendData(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (ourState != BODY) {
            throw new Http1Exception("no message body in progress: our state " + ourState);
        }
        check(writer.dataProblem(data.remaining()));
        writer.data(data);
    }

    /** Ends our chunked message with a trailer section (RFC 9112 §7.1.2). Framing and routing fields are refused. */
    public void sendTrailers(List<Http1Field> trailers) {
        if (ourState != BODY) {
            throw new Http1Exception("no message body in progress: our state " + ourState);
        }
        check(MessageWriter.fieldProblem(trailers, true));
        check(writer.endProblem(!trailers.isEmpty()));
        finish(trailers);
    }

    /** Ends our current message (the last chunk for chunked framing). */
    public void endMessage() {
        if (ourState != BODY) {
            throw new Http1Exception("no message body in progress: our state " + ourState);
        }
        check(writer.endProblem(false));
        finish(NO_FIELDS);
    }

    /** Everything queued for the peer, removed from the queue (an empty buffer when nothing is). */
    public ByteBuffer dataToSend() {
        return writer.take(Integer.MAX_VALUE);
    }

    /** At most {@code max} queued bytes; the rest stays queued. */
    public ByteBuffer dataToSend(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max < 0");
        }
        return writer.take(max);
    }

    /**
     * Server, after a 101 or a 2xx to CONNECT: the bytes the client sent after its request, which belong to the new
     * protocol. Returned once; empty afterwards and in every other state.
     */
    public ByteBuffer takeTrailingData() {
        ByteBuffer data = trailingData;
        trailingData = ByteBuffer.allocate(0);
        return data;
    }

    private void finish(List<Http1Field> trailers) {
        writer.end(trailers);
        ourState = DONE;
        if (ourFraming == BodyFraming.UNTIL_CLOSE) {
            keepAlive = false;
        }
        settle();
    }

    private void switchProtocols() {
        ourState = SWITCHED;
        theirState = SWITCHED;
        trailingData = reader.takeBuffered();
    }

    private static BodyFraming bodyFraming(long length, boolean chunked, boolean endOfMessage) {
        if (chunked) {
            return BodyFraming.CHUNKED;
        }
        if (length > 0) {
            if (endOfMessage) {
                throw new Http1Exception("Content-Length " + length + " but the message ends with its head");
            }
            return BodyFraming.CONTENT_LENGTH;
        }
        return BodyFraming.NONE;
    }

    /** The single Content-Length we are asked to send, or -1. Duplicates are refused: our output is canonical. */
    private static long declaredLength(List<Http1Field> headers) {
        int n = Syntax.count(headers, "content-length");
        if (n == 0) {
            return -1;
        }
        long length = n == 1 ? Syntax.decimal(Syntax.first(headers, "content-length")) : -1;
        if (length < 0) {
            throw new Http1Exception("Content-Length must be one field with one decimal value");
        }
        return length;
    }

    private static boolean declaredChunked(List<Http1Field> headers, long length) {
        List<String> codings = Syntax.elements(headers, "transfer-encoding");
        if (codings.isEmpty()) {
            return false;
        }
        if (codings.size() != 1 || !codings.get(0).equalsIgnoreCase("chunked")) {
            throw new Http1Exception("the only transfer coding we send is chunked");
        }
        if (length >= 0) {
            throw new Http1Exception("Content-Length and Transfer-Encoding together (RFC 9112 §6.2)");
        }
        return true;
    }

    private void requireRole(Http1Role expected, String what) {
        if (role != expected) {
            throw new Http1Exception(what + " is for the " + expected + " role");
        }
    }

    private static void check(String problem) {
        if (problem != null) {
            throw new Http1Exception(problem);
        }
    }
}
