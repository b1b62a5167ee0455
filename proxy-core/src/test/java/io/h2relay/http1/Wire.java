package io.h2relay.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2relay.http1.Http1Event.Data;
import io.h2relay.http1.Http1Event.EndOfMessage;
import io.h2relay.http1.Http1Event.Malformed;
import io.h2relay.http1.Http1Event.ProtocolSwitched;
import io.h2relay.http1.Http1Event.RequestHead;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Test drivers: feed a connection whole, byte by byte or in given splits, with a server that answers every complete
 * request at once (so pipelined requests are released) and a client that has sent one request. Results are
 * normalized (adjacent Data merged and copied) so that runs with different splits compare equal.
 */
final class Wire {

    private Wire() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return new String(a, StandardCharsets.ISO_8859_1);
    }

    static String drain(Http1Connection c) {
        return text(c.dataToSend());
    }

    /** Splits of {@code n} bytes: whole, byte by byte, and a few seeded random ones. */
    static List<int[]> standardSplits(int n, long seed) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {n});
        int[] ones = new int[n];
        Arrays.fill(ones, 1);
        out.add(ones);
        Random r = new Random(seed);
        for (int k = 0; k < 4; k++) {
            out.add(randomSplit(n, r));
        }
        return out;
    }

    static int[] randomSplit(int n, Random r) {
        List<Integer> parts = new ArrayList<>();
        int left = n;
        while (left > 0) {
            int p = 1 + r.nextInt(Math.min(left, 1 + r.nextInt(40)));
            parts.add(p);
            left -= p;
        }
        return parts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Cut sizes from arbitrary split points (sorted positions in 1..n-1). */
    static int[] fromCuts(int n, List<Integer> cuts) {
        List<Integer> sorted = cuts.stream().filter(c -> c > 0 && c < n).distinct().sorted().toList();
        int[] sizes = new int[sorted.size() + 1];
        int prev = 0;
        for (int i = 0; i < sorted.size(); i++) {
            sizes[i] = sorted.get(i) - prev;
            prev = sorted.get(i);
        }
        sizes[sorted.size()] = n - prev;
        return sizes;
    }

    // ---- server driver

    /** Server events for {@code input}, fed in {@code sizes}, then an EOF when {@code eof}. */
    static List<Http1Event> serve(Http1Config config, byte[] input, int[] sizes, boolean eof) {
        Http1Connection c = new Http1Connection(Http1Role.SERVER, config);
        List<Http1Event> all = new ArrayList<>();
        int off = 0;
        for (int size : sizes) {
            if (stopped(c)) {
                break;
            }
            // Heap buffers with an offset and spare room: slices must honour position and limit.
            byte[] padded = new byte[size + 6];
            System.arraycopy(input, off, padded, 3, size);
            ByteBuffer chunk = ByteBuffer.wrap(padded, 3, size);
            off += size;
            answer(c, c.receiveData(chunk), all);
            Arrays.fill(padded, (byte) 'X'); // the codec must not keep references to our buffer's bytes
        }
        if (eof && !stopped(c)) {
            answer(c, c.receiveEof(), all);
        }
        return all;
    }

    static List<Http1Event> serve(String input) {
        return serve(Http1Config.defaults(), bytes(input), new int[] {bytes(input).length}, false);
    }

    private static boolean stopped(Http1Connection c) {
        return c.ourState() == Http1State.SWITCHED || c.readPaused();
    }

    /** Records events (copying Data) and answers each complete request with an empty 200, then polls. */
    private static void answer(Http1Connection c, List<Http1Event> events, List<Http1Event> all) {
        while (true) {
            boolean answered = false;
            for (Http1Event e : events) {
                all.add(e instanceof Data d ? new Data(copy(d.data())) : e);
                if (e instanceof EndOfMessage && c.ourState() == Http1State.SEND_RESPONSE) {
                    c.sendResponseHead(200, List.of(), true);
                    answered = true;
                }
            }
            c.dataToSend();
            if (!answered) {
                return;
            }
            events = c.pollEvents();
        }
    }

    // ---- client driver

    /** Client events for a response to {@code method}, fed in {@code sizes}, then an EOF when {@code eof}. */
    static List<Http1Event> fetch(Http1Config config, String method, byte[] input, int[] sizes, boolean eof,
            List<Http1Field> requestHeaders) {
        Http1Connection c = new Http1Connection(Http1Role.CLIENT, config);
        String target = method.equals("CONNECT") ? "example.com:443" : "/";
        List<Http1Field> fields = new ArrayList<>(requestHeaders);
        fields.add(0, Http1Field.of("Host", "example.com"));
        c.sendRequestHead(method, target, fields, true);
        c.dataToSend();
        List<Http1Event> all = new ArrayList<>();
        int off = 0;
        for (int size : sizes) {
            if (c.ourState() == Http1State.SWITCHED || c.readPaused() || c.theirState() == Http1State.CLOSED) {
                break;
            }
            ByteBuffer chunk = ByteBuffer.wrap(Arrays.copyOfRange(input, off, off + size));
            off += size;
            for (Http1Event e : c.receiveData(chunk)) {
                all.add(e instanceof Data d ? new Data(copy(d.data())) : e);
            }
        }
        if (c.ourState() == Http1State.SWITCHED) {
            // Bytes read after the switch belong to the new protocol: fold them into the event so that runs with
            // different splits compare equal.
            int last = all.size() - 1;
            ByteBuffer first = ((ProtocolSwitched) all.get(last)).trailingData();
            ByteBuffer rest = ByteBuffer.allocate(first.remaining() + input.length - off);
            rest.put(first.duplicate()).put(input, off, input.length - off).flip();
            all.set(last, new ProtocolSwitched(rest));
        } else if (eof) {
            all.addAll(c.receiveEof());
        }
        return all;
    }

    // ---- normalization and invariance

    static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        ByteBuffer c = ByteBuffer.allocate(d.remaining());
        c.put(d).flip();
        return c;
    }

    /** Adjacent Data events merged into one; everything else unchanged. */
    static List<Http1Event> normalize(List<Http1Event> events) {
        List<Http1Event> out = new ArrayList<>();
        ByteArrayOutputStream pending = null;
        for (Http1Event e : events) {
            if (e instanceof Data d) {
                if (pending == null) {
                    pending = new ByteArrayOutputStream();
                }
                ByteBuffer b = d.data().duplicate();
                byte[] a = new byte[b.remaining()];
                b.get(a);
                pending.writeBytes(a);
                continue;
            }
            if (pending != null) {
                out.add(new Data(ByteBuffer.wrap(pending.toByteArray())));
                pending = null;
            }
            out.add(e);
        }
        if (pending != null) {
            out.add(new Data(ByteBuffer.wrap(pending.toByteArray())));
        }
        return out;
    }

    /** Server events, asserting that every standard split (whole, byte by byte, random) gives the same result. */
    static List<Http1Event> serveAllSplits(Http1Config config, String input, boolean eof) {
        byte[] b = bytes(input);
        List<Http1Event> expected = null;
        for (int[] sizes : standardSplits(b.length, input.hashCode())) {
            List<Http1Event> got = normalize(serve(config, b, sizes, eof));
            if (expected == null) {
                expected = got;
            } else {
                assertEquals(expected, got, "split " + Arrays.toString(sizes) + " changed the events");
            }
        }
        return expected;
    }

    static List<Http1Event> serveAllSplits(String input) {
        return serveAllSplits(Http1Config.defaults(), input, false);
    }

    static List<Http1Event> fetchAllSplits(Http1Config config, String method, String input, boolean eof,
            List<Http1Field> requestHeaders) {
        byte[] b = bytes(input);
        List<Http1Event> expected = null;
        for (int[] sizes : standardSplits(b.length, input.hashCode())) {
            List<Http1Event> got = normalize(fetch(config, method, b, sizes, eof, requestHeaders));
            if (expected == null) {
                expected = got;
            } else {
                assertEquals(expected, got, "split " + Arrays.toString(sizes) + " changed the events");
            }
        }
        return expected;
    }

    static List<Http1Event> fetchAllSplits(String method, String input, boolean eof) {
        return fetchAllSplits(Http1Config.defaults(), method, input, eof, List.of());
    }

    // ---- event helpers

    static Malformed malformed(List<Http1Event> events) {
        Http1Event last = events.get(events.size() - 1);
        if (!(last instanceof Malformed m)) {
            throw new AssertionError("expected Malformed last, got " + events);
        }
        return m;
    }

    static RequestHead request(List<Http1Event> events, int index) {
        int seen = 0;
        for (Http1Event e : events) {
            if (e instanceof RequestHead h && seen++ == index) {
                return h;
            }
        }
        throw new AssertionError("no request head #" + index + " in " + events);
    }

    static long count(List<Http1Event> events, Class<? extends Http1Event> type) {
        return events.stream().filter(type::isInstance).count();
    }

    static String body(List<Http1Event> events) {
        StringBuilder b = new StringBuilder();
        for (Http1Event e : events) {
            if (e instanceof Data d) {
                b.append(text(d.data()));
            }
        }
        return b.toString();
    }

    static String trailing(List<Http1Event> events) {
        for (Http1Event e : events) {
            if (e instanceof ProtocolSwitched s) {
                return text(s.trailingData());
            }
        }
        throw new AssertionError("no ProtocolSwitched in " + events);
    }
}
