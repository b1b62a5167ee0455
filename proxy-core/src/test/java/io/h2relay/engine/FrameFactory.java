package io.h2relay.engine;

import io.h2relay.frame.FrameType;
import io.h2relay.frame.FrameWriter;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.Settings;
import io.h2relay.hpack.Header;
import io.h2relay.hpack.HpackEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the bytes a peer would send (h2's tests/helpers.py FrameFactory): its own HPACK encoder, so header blocks
 * stay in sync with the engine's decoder as long as every block built here is fed in order.
 */
final class FrameFactory {

    static final List<Header> REQUEST = headers(":method", "GET", ":scheme", "https", ":authority", "example.com",
            ":path", "/");
    static final List<Header> POST = headers(":method", "POST", ":scheme", "https", ":authority", "example.com",
            ":path", "/upload");
    static final List<Header> RESPONSE = headers(":status", "200");

    final HpackEncoder encoder = new HpackEncoder();
    private final FrameWriter writer = new FrameWriter();

    static List<Header> headers(String... namesAndValues) {
        List<Header> list = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(Header.of(namesAndValues[i], namesAndValues[i + 1]));
        }
        return list;
    }

    static List<Header> with(List<Header> base, String... namesAndValues) {
        List<Header> list = new ArrayList<>(base);
        list.addAll(headers(namesAndValues));
        return list;
    }

    private byte[] take() {
        return writer.take(Integer.MAX_VALUE);
    }

    byte[] preface() {
        return "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    /** Written raw, so invalid values can be sent too. */
    byte[] settings(Settings s) {
        ByteBuffer payload = ByteBuffer.allocate(6 * s.size());
        for (int i = 0; i < s.size(); i++) {
            payload.putShort((short) s.idAt(i)).putInt((int) s.valueAt(i));
        }
        writer.unknown(FrameType.SETTINGS, 0, 0, payload.flip());
        return take();
    }

    byte[] settings(int... idsAndValues) {
        Settings s = new Settings();
        for (int i = 0; i < idsAndValues.length; i += 2) {
            s.put(idsAndValues[i], idsAndValues[i + 1] & 0xffffffffL);
        }
        return settings(s);
    }

    byte[] settingsAck() {
        writer.settingsAck();
        return take();
    }

    /** The client preface and an empty SETTINGS. */
    byte[] clientPreface() {
        return concat(preface(), settings(new Settings()));
    }

    byte[] headers(int streamId, List<Header> headers, boolean endStream) {
        return headers(streamId, headers, endStream, null);
    }

    byte[] headers(int streamId, List<Header> headers, boolean endStream, PriorityFields priority) {
        writer.headers(streamId, encoder.encode(headers), endStream, priority, 0, 16384);
        return take();
    }

    /** A header block cut into HEADERS + CONTINUATION frames of at most {@code fragment} bytes. */
    byte[] headersSplit(int streamId, List<Header> headers, boolean endStream, int fragment) {
        writer.headers(streamId, encoder.encode(headers), endStream, null, 0, Math.max(fragment, 1));
        return take();
    }

    /** A block's encoded bytes (advances the encoder as if sent). */
    ByteBuffer block(List<Header> headers) {
        ByteBuffer b = encoder.encode(headers);
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b).flip();
        return copy;
    }

    byte[] rawHeaders(int streamId, int flags, ByteBuffer fragment) {
        writer.unknown(FrameType.HEADERS, flags, streamId, fragment);
        return take();
    }

    byte[] continuation(int streamId, ByteBuffer fragment, boolean endHeaders) {
        writer.continuation(streamId, fragment, endHeaders);
        return take();
    }

    byte[] pushPromise(int streamId, int promisedStreamId, List<Header> headers) {
        writer.pushPromise(streamId, promisedStreamId, encoder.encode(headers), 16384);
        return take();
    }

    byte[] data(int streamId, byte[] data, boolean endStream) {
        return data(streamId, data, endStream, 0);
    }

    byte[] data(int streamId, byte[] data, boolean endStream, int padLength) {
        writer.data(streamId, ByteBuffer.wrap(data), endStream, padLength);
        return take();
    }

    byte[] rstStream(int streamId, int code) {
        writer.rstStream(streamId, code);
        return take();
    }

    byte[] ping(long data) {
        writer.ping(false, data);
        return take();
    }

    byte[] pingAck(long data) {
        writer.ping(true, data);
        return take();
    }

    byte[] goAway(int lastStreamId, int code, String debug) {
        writer.goAway(lastStreamId, code, ByteBuffer.wrap(debug.getBytes(StandardCharsets.ISO_8859_1)));
        return take();
    }

    byte[] windowUpdate(int streamId, int increment) {
        if (increment == 0) {
            writer.unknown(FrameType.WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4));
        } else {
            writer.windowUpdate(streamId, increment);
        }
        return take();
    }

    byte[] priority(int streamId, int dependsOn, int weight, boolean exclusive) {
        if (dependsOn == streamId) {
            ByteBuffer p = ByteBuffer.allocate(5).putInt(dependsOn | (exclusive ? 0x80000000 : 0))
                    .put((byte) (weight - 1)).flip();
            writer.unknown(FrameType.PRIORITY, 0, streamId, p);
        } else {
            writer.priority(streamId, new PriorityFields(dependsOn, exclusive, weight));
        }
        return take();
    }

    /** Written raw, so frames RFC 7838 says to ignore can be sent too. */
    byte[] altSvc(int streamId, String origin, String value) {
        byte[] o = origin.getBytes(StandardCharsets.ISO_8859_1);
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer payload = ByteBuffer.allocate(2 + o.length + v.length).putShort((short) o.length).put(o).put(v);
        writer.unknown(FrameType.ALTSVC, 0, streamId, payload.flip());
        return take();
    }

    byte[] origin(String... origins) {
        writer.origin(List.of(origins));
        return take();
    }

    byte[] priorityUpdate(int streamId, String value) {
        writer.priorityUpdate(streamId, value);
        return take();
    }

    byte[] unknown(int type, int flags, int streamId, byte[] payload) {
        writer.unknown(type, flags, streamId, ByteBuffer.wrap(payload));
        return take();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    static Settings settingsOf(int... idsAndValues) {
        Settings s = new Settings();
        for (int i = 0; i < idsAndValues.length; i += 2) {
            s.put(idsAndValues[i], idsAndValues[i + 1] & 0xffffffffL);
        }
        return s;
    }

}
