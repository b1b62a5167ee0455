package io.h2relay.http1;

import io.h2relay.http1.Http1Event.ConnectionClosed;
import io.h2relay.http1.Http1Event.Data;
import io.h2relay.http1.Http1Event.EndOfMessage;
import io.h2relay.http1.Http1Event.Malformed;
import io.h2relay.http1.Http1Event.ProtocolSwitched;
import io.h2relay.http1.Http1Event.RequestHead;
import io.h2relay.http1.Http1Event.ResponseHead;
import io.h2relay.http1.Http1Event.Trailers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The inbound half of the codec: turns bytes into events for one message at a time, strictly per RFC 9112.
 * It stops at the end of each message ({@code DONE}); whatever follows is held until {@link #nextMessage()}.
 *
 * <p>Input is parsed straight from the caller's buffer; only bytes that cannot be consumed yet (a partial line, a
 * held pipelined request) are copied into {@link #buf}. Body bytes leave as read-only slices, never copied.
 *
 * <p>Every line must end in CRLF. RFC 9112 §2.2 lets a recipient accept a bare LF as a line terminator; we do not,
 * because a front end and a back end that disagree about line ends can be made to disagree about where a message
 * ends (request smuggling, RFC 9112 §11.2). A bare CR anywhere is rejected as well (§2.2 allows either rejecting it
 * or treating it as SP).
 */
final class MessageReader {

    private enum Step { START_LINE, FIELDS, LENGTH_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS,
        UNTIL_CLOSE, DONE, STOPPED }

    private static final byte[] NO_BYTES = new byte[0];
    private static final int RETAINED_BUFFER = 16 * 1024;

    private final boolean server;
    private final Http1Config config;

    /** Input not consumed yet: {@code buf[start, end)}. Compacted at the start of a call, never during one. */
    private byte[] buf = NO_BYTES;
    private int start;
    private int end;
    private boolean eof;

    private Step step = Step.START_LINE;
    /** Bytes of the current line already searched for its LF, so byte-by-byte input is not rescanned. */
    private int scanned;
    private int emptyLineBytes;

    private String method;
    private String target;
    private int status;
    private String reason;
    private Http1Version version;
    private final ArrayList<Http1Field> fields = new ArrayList<>();
    private int sectionBytes;
    private long remaining;
    private long bodyBytes;
    private byte[] scratch = new byte[64];

    /** Client role: the request the next response answers. */
    private boolean responseExpected;
    private String requestMethod;
    private boolean upgradeRequested;

    MessageReader(boolean server, Http1Config config) {
        this.server = server;
        this.config = config;
    }

    /** Parses {@code in} (consumed entirely) after any held input; {@code in == null} only re-runs held input. */
    void feed(ByteBuffer in, List<Http1Event> out) {
        compact();
        ByteBuffer src;
        boolean direct = in != null && start == end;
        if (direct) {
            src = in.duplicate();
        } else {
            if (in != null) {
                append(in.duplicate());
            }
            src = ByteBuffer.wrap(buf, start, end - start);
        }
        if (in != null) {
            in.position(in.limit());
        }
        run(src, out);
        if (direct) {
            append(src);
        } else {
            start = src.position();
        }
    }

    void feedEof(List<Http1Event> out) {
        eof = true;
        feed(null, out);
    }

    /** Client role: a request went out; {@code upgrade} when it asked for a protocol switch. */
    void expectResponse(String requestMethod, boolean upgrade) {
        this.responseExpected = true;
        this.requestMethod = requestMethod;
        this.upgradeRequested = upgrade;
    }

    /** After DONE: the next bytes start a new message. */
    void nextMessage() {
        if (step == Step.DONE) {
            step = Step.START_LINE;
            emptyLineBytes = 0;
        }
    }

    /** Parse nothing more and drop what is held. */
    void stop() {
        step = Step.STOPPED;
        start = end = 0;
    }

    int buffered() {
        return end - start;
    }

    boolean eofSeen() {
        return eof;
    }

    /** Removes and returns (a copy of) the held input; used when the connection switches protocols. */
    ByteBuffer takeBuffered() {
        ByteBuffer copy = ByteBuffer.allocate(end - start);
        copy.put(buf, start, end - start).flip();
        stop();
        return copy;
    }

    private void run(ByteBuffer src, List<Http1Event> out) {
        try {
            while (step(src, out)) {
                // keep going while there is progress
            }
            if (eof) {
                atEof(src, out);
            }
        } catch (BadMessage e) {
            // RFC 9112 §11.2: once framing is in doubt no later byte can be trusted, so every error closes.
            out.add(new Malformed(server ? e.status : 502, e.getMessage(), true));
            step = Step.STOPPED;
            src.position(src.limit());
        }
    }

    private boolean step(ByteBuffer src, List<Http1Event> out) {
        switch (step) {
            case START_LINE:
                return startLine(src);
            case FIELDS:
                return fieldLine(src, out, false);
            case TRAILERS:
                return fieldLine(src, out, true);
            case LENGTH_BODY:
            case CHUNK_DATA:
                return body(src, out);
            case CHUNK_SIZE:
                return chunkSize(src);
            case CHUNK_DATA_END:
                return chunkEnd(src);
            case UNTIL_CLOSE:
                return untilClose(src, out);
            case DONE:
                return false;
            case STOPPED:
            default:
                src.position(src.limit());
                return false;
        }
    }

    private void atEof(ByteBuffer src, List<Http1Event> out) {
        switch (step) {
            case UNTIL_CLOSE:
                out.add(new EndOfMessage());
                step = Step.DONE;
                atEof(src, out);
                return;
            case START_LINE:
            case DONE:
                if (src.hasRemaining()) {
                    if (step == Step.START_LINE) {
                        throw bad(400, "connection closed in the middle of a message head");
                    }
                    return; // held input is parsed once the next message may start
                }
                out.add(new ConnectionClosed());
                step = Step.STOPPED;
                return;
            case STOPPED:
                return;
            default:
                throw bad(400, "connection closed before the message was complete");
        }
    }

    // ---- heads

    private boolean startLine(ByteBuffer src) {
        if (!server && !responseExpected) {
            if (src.hasRemaining()) {
                throw bad(502, "response bytes without an outstanding request");
            }
            return false;
        }
        int lf = findLf(src, config.maxStartLineLength(), 414, server ? "request-line" : "status-line");
        if (lf < 0) {
            return false;
        }
        int from = src.position();
        int to = lf - 1;
        src.position(lf + 1);
        if (from == to) {
            // RFC 9112 §2.2: ignore empty lines before a start-line (robustness), within the start-line budget.
            emptyLineBytes += 2;
            if (emptyLineBytes > config.maxStartLineLength()) {
                throw bad(400, "too many empty lines before the start-line");
            }
            return true;
        }
        if (server) {
            requestLine(src, from, to);
        } else {
            statusLine(src, from, to);
        }
        fields.clear();
        sectionBytes = 0;
        step = Step.FIELDS;
        return true;
    }

    /** RFC 9112 §3: method SP request-target SP HTTP-version, single spaces only. */
    private void requestLine(ByteBuffer src, int from, int to) {
        int sp1 = indexOf(src, ' ', from, to);
        if (sp1 <= from) {
            throw bad(400, sp1 == from ? "request-line starts with a space" : "malformed request-line");
        }
        for (int i = from; i < sp1; i++) {
            if (!Syntax.isTchar(src.get(i))) {
                throw bad(400, "invalid character in method");
            }
        }
        int sp2 = indexOf(src, ' ', sp1 + 1, to);
        if (sp2 < 0) {
            throw bad(400, "malformed request-line");
        }
        if (sp2 == sp1 + 1) {
            throw bad(400, "empty request-target");
        }
        version = version(src, sp2 + 1, to, 400);
        for (int i = sp1 + 1; i < sp2; i++) {
            int b = src.get(i) & 0xFF;
            if (b < 0x21 || b > 0x7E) {
                throw bad(400, "invalid character in request-target");
            }
        }
        method = latin1(src, from, sp1, false);
        target = latin1(src, sp1 + 1, sp2, false);
        String why = RequestTarget.check(method, target);
        if (why != null) {
            throw bad(400, why);
        }
    }

    /** RFC 9112 §4: HTTP-version SP 3DIGIT SP [ reason-phrase ]. */
    private void statusLine(ByteBuffer src, int from, int to) {
        if (to - from < 12 || src.get(from + 8) != ' ' || src.get(from + 12) != ' ') {
            throw bad(502, "malformed status-line");
        }
        version = version(src, from, from + 8, 502);
        int code = 0;
        for (int i = from + 9; i < from + 12; i++) {
            int b = src.get(i);
            if (!Syntax.isDigit(b)) {
                throw bad(502, "malformed status code");
            }
            code = code * 10 + (b - '0');
        }
        if (code < 100 || code > 599) {
            throw bad(502, "status code out of range");
        }
        for (int i = from + 13; i < to; i++) {
            if (!Syntax.isFieldContent(src.get(i))) {
                throw bad(502, "invalid character in reason-phrase");
            }
        }
        status = code;
        reason = latin1(src, from + 13, to, false);
    }

    /** "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3). Major versions other than 1: 505. */
    private Http1Version version(ByteBuffer src, int from, int to, int badStatus) {
        if (to - from != 8 || src.get(from) != 'H' || src.get(from + 1) != 'T' || src.get(from + 2) != 'T'
                || src.get(from + 3) != 'P' || src.get(from + 4) != '/' || !Syntax.isDigit(src.get(from + 5))
                || src.get(from + 6) != '.' || !Syntax.isDigit(src.get(from + 7))) {
            throw bad(badStatus, "invalid HTTP version");
        }
        if (src.get(from + 5) != '1') {
            throw bad(505, "HTTP version not supported");
        }
        return src.get(from + 7) == '0' ? Http1Version.HTTP_1_0 : Http1Version.HTTP_1_1;
    }

    private boolean fieldLine(ByteBuffer src, List<Http1Event> out, boolean trailers) {
        int lf = findLf(src, config.maxFieldLineLength(), 431, "field line");
        if (lf < 0) {
            return false;
        }
        int from = src.position();
        int to = lf - 1;
        src.position(lf + 1);
        if (from == to) {
            if (trailers) {
                if (!fields.isEmpty()) {
                    out.add(new Trailers(fields));
                }
                out.add(new EndOfMessage());
                step = Step.DONE;
            } else if (server) {
                requestHead(out);
            } else {
                responseHead(src, out);
            }
            return true;
        }
        sectionBytes += to - from + 2;
        if (sectionBytes > config.maxHeaderBytes()) {
            throw bad(431, (trailers ? "trailer" : "header") + " section too large");
        }
        if (fields.size() >= config.maxHeaderCount()) {
            throw bad(431, "too many " + (trailers ? "trailer" : "header") + " fields");
        }
        fields.add(field(src, from, to));
        return true;
    }

    /** RFC 9112 §5: field-name ":" OWS field-value OWS. */
    private Http1Field field(ByteBuffer src, int from, int to) {
        if (Syntax.isWhitespace(src.get(from))) {
            // §5.2 obs-fold (or §2.2 whitespace before the first field): rejected, never unfolded.
            throw bad(400, fields.isEmpty() && step == Step.FIELDS
                    ? "whitespace before the first header field" : "obsolete line folding");
        }
        int colon = from;
        while (colon < to && src.get(colon) != ':') {
            int b = src.get(colon);
            if (!Syntax.isTchar(b)) {
                // §5.1: no whitespace is allowed between the field name and the colon.
                throw bad(400, Syntax.isWhitespace(b) ? "whitespace in or after field name"
                        : "invalid character in field name");
            }
            colon++;
        }
        if (colon == to) {
            throw bad(400, "field line without a colon");
        }
        if (colon == from) {
            throw bad(400, "empty field name");
        }
        int vs = colon + 1;
        int ve = to;
        while (vs < ve && Syntax.isWhitespace(src.get(vs))) {
            vs++;
        }
        while (ve > vs && Syntax.isWhitespace(src.get(ve - 1))) {
            ve--;
        }
        for (int i = vs; i < ve; i++) {
            if (!Syntax.isFieldContent(src.get(i))) {
                throw bad(400, "invalid character in field value");
            }
        }
        return new Http1Field(latin1(src, from, colon, true), latin1(src, vs, ve, false));
    }

    private void requestHead(List<Http1Event> out) {
        String authority = Framing.requestAuthority(method, target, fields, version);
        long length = Framing.requestBodyLength(fields, version, config.maxBodyLength());
        BodyFraming framing = length == Framing.CHUNKED ? BodyFraming.CHUNKED
                : length == 0 ? BodyFraming.NONE : BodyFraming.CONTENT_LENGTH;
        if (method.equals("CONNECT") && framing != BodyFraming.NONE) {
            throw bad(400, "CONNECT request with content");
        }
        // RFC 9110 §10.1.1: ignored in HTTP/1.0 and meaningless without content.
        boolean expectContinue = version == Http1Version.HTTP_1_1 && framing != BodyFraming.NONE
                && Syntax.hasToken(fields, "expect", "100-continue");
        out.add(new RequestHead(method, target, version, fields, authority, framing, length, expectContinue));
        startBody(framing, length, out);
    }

    private void responseHead(ByteBuffer src, List<Http1Event> out) {
        if (status < 200) {
            // RFC 9110 §15.2: any number of 1xx may precede the final response; they never have content.
            out.add(new ResponseHead(status, reason, version, fields, BodyFraming.NONE, 0));
            if (status == 101) {
                if (!upgradeRequested) {
                    throw bad(502, "101 response to a request without Upgrade");
                }
                switched(src, out);
                return;
            }
            step = Step.START_LINE;
            emptyLineBytes = 0;
            return;
        }
        responseExpected = false;
        if (requestMethod.equals("CONNECT") && status < 300) {
            // RFC 9110 §9.3.6: the connection becomes a tunnel right after the head; framing fields are ignored.
            out.add(new ResponseHead(status, reason, version, fields, BodyFraming.NONE, 0));
            switched(src, out);
            return;
        }
        // RFC 9112 §6.3 item 1: no content after HEAD, 204 or 304, whatever the fields say.
        boolean noContent = requestMethod.equals("HEAD") || status == 204 || status == 304;
        long length = noContent ? 0 : Framing.responseBodyLength(fields, version, config.maxBodyLength());
        BodyFraming framing;
        if (length == Framing.CHUNKED) {
            framing = BodyFraming.CHUNKED;
        } else if (length == Framing.UNTIL_CLOSE) {
            framing = BodyFraming.UNTIL_CLOSE;
        } else {
            framing = length == 0 ? BodyFraming.NONE : BodyFraming.CONTENT_LENGTH;
        }
        out.add(new ResponseHead(status, reason, version, fields, framing, length < 0 ? -1 : length));
        startBody(framing, length, out);
    }

    private void switched(ByteBuffer src, List<Http1Event> out) {
        ByteBuffer rest = ByteBuffer.allocate(src.remaining());
        rest.put(src).flip();
        out.add(new ProtocolSwitched(rest));
        responseExpected = false;
        step = Step.STOPPED;
    }

    private void startBody(BodyFraming framing, long length, List<Http1Event> out) {
        bodyBytes = 0;
        switch (framing) {
            case NONE -> {
                out.add(new EndOfMessage());
                step = Step.DONE;
            }
            case CONTENT_LENGTH -> {
                remaining = length;
                step = Step.LENGTH_BODY;
            }
            case CHUNKED -> step = Step.CHUNK_SIZE;
            case UNTIL_CLOSE -> step = Step.UNTIL_CLOSE;
        }
    }

    // ---- bodies

    private boolean body(ByteBuffer src, List<Http1Event> out) {
        if (!src.hasRemaining()) {
            return false;
        }
        int n = (int) Math.min(remaining, src.remaining());
        out.add(new Data(slice(src, n)));
        remaining -= n;
        if (remaining == 0) {
            if (step == Step.CHUNK_DATA) {
                step = Step.CHUNK_DATA_END;
            } else {
                out.add(new EndOfMessage());
                step = Step.DONE;
            }
        }
        return true;
    }

    private boolean untilClose(ByteBuffer src, List<Http1Event> out) {
        if (!src.hasRemaining()) {
            return false;
        }
        // Deliver up to the limit first, so that where the input was split does not change the events.
        long allowed = config.maxBodyLength() - bodyBytes;
        if (allowed == 0) {
            throw bad(502, "body above the limit");
        }
        int n = (int) Math.min(src.remaining(), allowed);
        bodyBytes += n;
        out.add(new Data(slice(src, n)));
        return true;
    }

    /** RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF. */
    private boolean chunkSize(ByteBuffer src) {
        int lf = findLf(src, config.maxChunkLineLength(), 400, "chunk-size line");
        if (lf < 0) {
            return false;
        }
        int from = src.position();
        src.position(lf + 1);
        long size = ChunkLine.size(src, from, lf - 1);
        if (size == 0) {
            fields.clear();
            sectionBytes = 0;
            step = Step.TRAILERS;
        } else {
            if (size > config.maxBodyLength() - bodyBytes) {
                throw bad(413, "chunked body above the limit");
            }
            bodyBytes += size;
            remaining = size;
            step = Step.CHUNK_DATA;
        }
        return true;
    }

    private boolean chunkEnd(ByteBuffer src) {
        int p = src.position();
        if (!src.hasRemaining()) {
            return false;
        }
        if (src.get(p) != '\r') {
            throw bad(400, "chunk data not followed by CRLF");
        }
        if (src.remaining() < 2) {
            return false;
        }
        if (src.get(p + 1) != '\n') {
            throw bad(400, "chunk data not followed by CRLF");
        }
        src.position(p + 2);
        step = Step.CHUNK_SIZE;
        return true;
    }

    // ---- bytes

    /**
     * The index of the LF ending the current line, or -1 when it has not arrived. A line whose content (the bytes
     * before CRLF) exceeds {@code max} fails as soon as that is certain, so a partial line never holds more than
     * max + 1 bytes. The LF must follow a CR.
     */
    private int findLf(ByteBuffer src, int max, int tooLong, String what) {
        int from = src.position();
        int limit = src.limit();
        for (int i = from + scanned; i < limit; i++) {
            if (src.get(i) == '\n') {
                scanned = 0;
                if (i - from > max + 1) {
                    throw bad(tooLong, what + " too long");
                }
                if (i == from || src.get(i - 1) != '\r') {
                    throw bad(400, "bare LF in " + what);
                }
                return i;
            }
        }
        scanned = limit - from;
        if (scanned > max + 1) {
            throw bad(tooLong, what + " too long");
        }
        return -1;
    }

    private static int indexOf(ByteBuffer src, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (src.get(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private String latin1(ByteBuffer src, int from, int to, boolean lowerCase) {
        int n = to - from;
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            byte b = src.get(from + i);
            scratch[i] = lowerCase && b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
        }
        return new String(scratch, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer slice(ByteBuffer src, int n) {
        ByteBuffer view = src.duplicate();
        view.limit(view.position() + n);
        src.position(src.position() + n);
        return view.slice().asReadOnlyBuffer();
    }

    private void compact() {
        if (start == end) {
            start = end = 0;
            if (buf.length > RETAINED_BUFFER) {
                buf = NO_BYTES; // a burst of pipelined input must not pin its buffer for the connection's life
            }
        } else if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
    }

    private void append(ByteBuffer in) {
        int n = in.remaining();
        if (n == 0) {
            return;
        }
        if (end + n > buf.length) {
            byte[] grown = new byte[Math.max(end + n, Math.max(256, buf.length * 2))];
            System.arraycopy(buf, start, grown, 0, end - start);
            end -= start;
            start = 0;
            buf = grown;
        }
        in.get(buf, end, n);
        end += n;
    }

    private BadMessage bad(int status, String reason) {
        return new BadMessage(status, reason);
    }
}
