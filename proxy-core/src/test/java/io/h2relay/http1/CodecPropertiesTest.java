package io.h2relay.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.http1.Http1Event.Data;
import io.h2relay.http1.Http1Event.EndOfMessage;
import io.h2relay.http1.Http1Event.RequestHead;
import io.h2relay.http1.Http1Event.ResponseHead;
import io.h2relay.http1.Http1Event.Trailers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Properties: what one side writes the other side reads back unchanged, however the bytes are split; arbitrary
 * input never makes the codec throw and gives the same events however it is split.
 */
class CodecPropertiesTest {

    record Message(String startToken, String target, List<Http1Field> headers, List<byte[]> chunks,
            boolean contentLength, List<Http1Field> trailers, boolean informational) {
        byte[] body() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            chunks.forEach(b::writeBytes);
            return b.toByteArray();
        }
    }

    private static final String TCHARS =
            "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String PCHARS = "abcXYZ019-._~!$&'()*+,;=:@/";

    private static Arbitrary<String> token(int max) {
        return Arbitraries.strings().withChars(TCHARS.toCharArray()).ofMinLength(1).ofMaxLength(max);
    }

    private static Arbitrary<String> fieldValue() {
        Arbitrary<Character> c = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.chars().range('!', '~')),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(' ', '\t')),
                net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u0080', '\u00ff')));
        return c.list().ofMaxSize(24).map(l -> {
            StringBuilder b = new StringBuilder();
            l.forEach(b::append);
            return b.toString().replaceAll("^[ \t]+|[ \t]+$", "");
        });
    }

    private static Arbitrary<List<Http1Field>> fields(int max) {
        return Combinators.combine(token(12), fieldValue()).as((n, v) -> Http1Field.of("X-" + n, v))
                .list().ofMaxSize(max);
    }

    private static Arbitrary<List<byte[]>> chunks() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(60).list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<Message> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "X-CUSTOM");
        Arbitrary<String> path = Arbitraries.strings().withChars(PCHARS.toCharArray()).ofMaxLength(30)
                .map(p -> "/" + p);
        return Combinators.combine(method, path, fields(6), chunks(), Arbitraries.of(true, false), fields(3))
                .as((m, p, h, c, cl, t) -> new Message(m, p, h, c, cl, cl ? List.of() : t, false));
    }

    @Provide
    Arbitrary<Message> responses() {
        Arbitrary<String> status = Arbitraries.integers().between(200, 599).filter(s -> s != 204 && s != 304)
                .map(String::valueOf);
        Arbitrary<String> reason = Arbitraries.strings().withChars("OK Fine\tabcXYZ\u00e9".toCharArray())
                .ofMaxLength(12);
        return Combinators.combine(status, reason, fields(6), chunks(), Arbitraries.of(true, false), fields(3),
                Arbitraries.of(true, false))
                .as((s, r, h, c, cl, t, info) -> new Message(s, r, h, c, cl, cl ? List.of() : t, info));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 2000).list().ofMaxSize(30);
    }

    private static List<Http1Field> withLength(List<Http1Field> headers, Message m) {
        List<Http1Field> out = new ArrayList<>(headers);
        if (m.contentLength()) {
            out.add(Http1Field.of("Content-Length", String.valueOf(m.body().length)));
        }
        return out;
    }

    private static void sendBody(Http1Connection c, Message m) {
        for (byte[] chunk : m.chunks()) {
            c.sendData(ByteBuffer.wrap(chunk));
        }
        if (m.trailers().isEmpty()) {
            c.endMessage();
        } else {
            c.sendTrailers(m.trailers());
        }
    }

    private static byte[] drainAll(Http1Connection c) {
        ByteBuffer b = c.dataToSend();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static List<Http1Field> lower(List<Http1Field> fields) {
        return fields.stream().map(f -> Http1Field.of(f.name().toLowerCase(Locale.ROOT), f.value())).toList();
    }

    private static List<Http1Event> feedSplit(Http1Connection c, byte[] wire, List<Integer> cuts) {
        List<Http1Event> events = new ArrayList<>();
        int off = 0;
        for (int size : Wire.fromCuts(wire.length, cuts)) {
            for (Http1Event e : c.receiveData(ByteBuffer.wrap(wire, off, size))) {
                events.add(e instanceof Data d ? new Data(Wire.copy(d.data())) : e);
            }
            off += size;
        }
        return Wire.normalize(events);
    }

    @Property(tries = 300)
    void whatTheClientWritesTheServerReadsBack(@ForAll("requests") Message m, @ForAll("cuts") List<Integer> cuts) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        List<Http1Field> headers = new ArrayList<>();
        headers.add(Http1Field.of("Host", "example.com"));
        headers.addAll(withLength(m.headers(), m));
        client.sendRequestHead(m.startToken(), m.target(), headers, false);
        sendBody(client, m);
        byte[] wire = drainAll(client);

        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        List<Http1Event> events = feedSplit(server, wire, cuts);
        RequestHead head = (RequestHead) events.get(0);
        assertEquals(m.startToken(), head.method());
        assertEquals(m.target(), head.target());
        assertEquals(Http1Version.HTTP_1_1, head.version());
        List<Http1Field> got = head.headers();
        assertEquals(lower(headers), got.subList(0, headers.size()), "sent fields first, in order");
        assertEquals(new String(m.body(), StandardCharsets.ISO_8859_1), Wire.body(events));
        if (!m.trailers().isEmpty()) {
            assertEquals(new Trailers(lower(m.trailers())), events.get(events.size() - 2));
        }
        assertEquals(new EndOfMessage(), events.get(events.size() - 1));
        assertEquals(Http1State.SEND_RESPONSE, server.ourState());
    }

    @Property(tries = 300)
    void whatTheServerWritesTheClientReadsBack(@ForAll("responses") Message m, @ForAll("cuts") List<Integer> cuts) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/", List.of(Http1Field.of("Host", "a")), true);
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        server.receiveData(client.dataToSend());
        if (m.informational()) {
            server.sendInformational(103, List.of(Http1Field.of("Link", "</x>")));
        }
        int status = Integer.parseInt(m.startToken());
        server.sendResponseHead(status, m.target(), withLength(m.headers(), m), false);
        sendBody(server, m);
        byte[] wire = drainAll(server);
        assertEquals(Http1State.IDLE, server.ourState());

        List<Http1Event> events = feedSplit(client, wire, cuts);
        int i = 0;
        if (m.informational()) {
            assertEquals(103, ((ResponseHead) events.get(i++)).status());
        }
        ResponseHead head = (ResponseHead) events.get(i);
        assertEquals(status, head.status());
        assertEquals(m.target(), head.reason());
        assertEquals(lower(withLength(m.headers(), m)), head.headers().subList(0, m.headers().size()
                + (m.contentLength() ? 1 : 0)));
        assertEquals(new String(m.body(), StandardCharsets.ISO_8859_1), Wire.body(events));
        if (!m.trailers().isEmpty()) {
            assertEquals(new Trailers(lower(m.trailers())), events.get(events.size() - 2));
        }
        assertEquals(new EndOfMessage(), events.get(events.size() - 1));
        assertEquals(Http1State.IDLE, client.ourState(), "ready for the next request");
    }

    // ---- arbitrary input

    private static final List<String> FRAGMENTS = List.of("GET ", "POST ", "HEAD ", "CONNECT ", "/ ", "/a?b ",
            "http://a/ ", "a:1 ", "HTTP/1.1", "HTTP/1.0", "HTTP/1.1 ", "200 OK", "101 X", "100 C", "\r\n", "\r\n\r\n",
            "\r", "\n", " ", "\t", ":", "Host: a\r\n", "Content-Length: ", "Transfer-Encoding: chunked\r\n",
            "Connection: close\r\n", "Connection: upgrade\r\nUpgrade: x\r\n", "Expect: 100-continue\r\n", "0", "5",
            "ff", ";x=\"y\"", "hello", ",", "\u0000", "\u00ff");

    @Provide
    Arbitrary<byte[]> httpish() {
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of(FRAGMENTS),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(6));
        return piece.list().ofMaxSize(60).map(l -> String.join("", l).getBytes(StandardCharsets.ISO_8859_1));
    }

    private static final List<String> VALID_REQUESTS = List.of(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
            "PUT /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n",
            "PUT /p HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
            "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
            "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
            "GET http://a/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

    private static final List<String> VALID_RESPONSES = List.of(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX: y\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nraw",
            "HTTP/1.0 200 OK\r\n\r\nuntil close");

    private static final List<String> MUTATIONS = List.of("\r", "\n", "\r\n", " ", "\t", ":", ",", "0", "f", ";",
            "\u0000", "\u00ff", "a", "\"", "Transfer-Encoding: chunked\r\n", "Content-Length: 3\r\n");

    /** Valid messages with a few bytes replaced, deleted or inserted: input close to the parser's edges. */
    private static Arbitrary<byte[]> mutated(List<String> corpus) {
        Arbitrary<String> base = Arbitraries.of(corpus).list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("", l));
        Arbitrary<List<int[]>> edits = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 10_000).withoutEdgeCases(),
                Arbitraries.integers().between(0, MUTATIONS.size() - 1))
                .as((kind, at, what) -> new int[] {kind, at, what}).list().ofMaxSize(3);
        return Combinators.combine(base, edits).as((text, list) -> {
            StringBuilder b = new StringBuilder(text);
            for (int[] e : list) {
                int at = e[1] % (b.length() + 1);
                String m = MUTATIONS.get(e[2]);
                if (e[0] == 0 && at < b.length()) {
                    b.replace(at, at + 1, m);
                } else if (e[0] == 1 && at < b.length()) {
                    b.deleteCharAt(at);
                } else {
                    b.insert(at, m);
                }
            }
            return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        });
    }

    @Provide
    Arbitrary<byte[]> mutatedRequests() {
        return mutated(VALID_REQUESTS);
    }

    @Provide
    Arbitrary<byte[]> mutatedResponses() {
        return mutated(VALID_RESPONSES);
    }

    @Property(tries = 1000)
    void mutatedRequestsNeverThrowAndIgnoreHowTheyAreSplit(@ForAll("mutatedRequests") byte[] input,
            @ForAll("cuts") List<Integer> cuts) {
        assertSameSplitResults(Wire.serve(Http1Config.defaults(), input, new int[] {input.length}, true),
                Wire.serve(Http1Config.defaults(), input, Wire.fromCuts(input.length, cuts), true));
    }

    @Property(tries = 1000)
    void mutatedResponsesNeverThrowAndIgnoreHowTheyAreSplit(@ForAll("mutatedResponses") byte[] input,
            @ForAll("cuts") List<Integer> cuts, @ForAll("methods") String method) {
        List<Http1Field> upgrade = List.of(Http1Field.of("Connection", "upgrade"), Http1Field.of("Upgrade", "x"));
        Http1Config config = Http1Config.defaults();
        assertSameSplitResults(Wire.fetch(config, method, input, new int[] {input.length}, true, upgrade),
                Wire.fetch(config, method, input, Wire.fromCuts(input.length, cuts), true, upgrade));
    }

    @Property(tries = 300)
    void arbitraryInputToAServerNeverThrowsAndIgnoresHowItIsSplit(@ForAll("httpish") byte[] input,
            @ForAll("cuts") List<Integer> cuts) {
        assertSameSplitResults(Wire.serve(Http1Config.defaults(), input, new int[] {input.length}, true),
                Wire.serve(Http1Config.defaults(), input, Wire.fromCuts(input.length, cuts), true));
    }

    @Property(tries = 300)
    void arbitraryInputToAClientNeverThrowsAndIgnoresHowItIsSplit(@ForAll("httpish") byte[] input,
            @ForAll("cuts") List<Integer> cuts, @ForAll("methods") String method) {
        List<Http1Field> upgrade = List.of(Http1Field.of("Connection", "upgrade"), Http1Field.of("Upgrade", "x"));
        Http1Config config = Http1Config.defaults();
        assertSameSplitResults(Wire.fetch(config, method, input, new int[] {input.length}, true, upgrade),
                Wire.fetch(config, method, input, Wire.fromCuts(input.length, cuts), true, upgrade));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "HEAD", "CONNECT", "POST");
    }

    @Property(tries = 200)
    void randomBytesNeverThrow(@ForAll @Size(max = 300) byte[] input, @ForAll("cuts") List<Integer> cuts) {
        assertSameSplitResults(Wire.serve(Http1Config.defaults(), input, new int[] {input.length}, true),
                Wire.serve(Http1Config.defaults(), input, Wire.fromCuts(input.length, cuts), true));
    }

    private static void assertSameSplitResults(List<Http1Event> whole, List<Http1Event> split) {
        assertEquals(Wire.normalize(whole), Wire.normalize(split));
        assertTrue(whole.stream().noneMatch(e -> e instanceof Data d && !d.data().hasRemaining()), "no empty Data");
    }
}
