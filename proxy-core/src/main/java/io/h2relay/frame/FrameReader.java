package io.h2relay.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes HTTP/2 frames (RFC 9113 §4, §6) incrementally and drives a {@link FrameHandler}, one callback per frame.
 *
 * <pre>
 * +-----------------------------------------------+
 * |                 Length (24)                   |
 * +---------------+---------------+---------------+
 * |   Type (8)    |   Flags (8)   |
 * +-+-------------+---------------+-------------------------------+
 * |R|                 Stream Identifier (31)                      |
 * +=+=============================================================+
 * |                   Frame Payload (0...)                      ...
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Input may be split anywhere. The declared length is checked against the local SETTINGS_MAX_FRAME_SIZE as soon
 * as the 9-byte header is complete, together with every rule that needs only the header (stream association, fixed
 * lengths), so an oversized or misdirected frame is rejected before any of its payload is held. A frame that is
 * whole in one input buffer is handed on as read-only slices of that buffer; a frame that straddles reads is gathered
 * into a fresh array of exactly its size, never reused, so slices handed out earlier stay valid.
 *
 * <p>This reader checks each frame on its own. Rules that need connection or stream state (CONTINUATION sequencing,
 * stream states, flow control, a zero WINDOW_UPDATE increment) belong to the engine.
 */
public final class FrameReader {

    /** RFC 9113 §4.1. */
    static final int HEADER_LENGTH = 9;
    /** RFC 9113 §4.2: the Length field is 24 bits; SETTINGS_MAX_FRAME_SIZE is bounded by it. */
    static final int MAX_ALLOWED_FRAME_SIZE = (1 << 24) - 1;
    static final int DEFAULT_MAX_FRAME_SIZE = 1 << 14;

    /** Small frames whose payload never escapes to the handler are gathered here instead of a fresh array. */
    private static final int SCRATCH_SIZE = 16;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private int maxFrameSize;

    private final byte[] header = new byte[HEADER_LENGTH];
    private int headerFill;

    // The frame whose header is complete and whose payload is being read.
    private boolean inPayload;
    private int length;
    private int type;
    private int flags;
    private int streamId;
    /** Set when the payload is to be skipped, not kept (a PRIORITY of the wrong length: a stream error). */
    private boolean discarding;
    private byte[] payload;
    private int payloadFill;
    private final byte[] scratch = new byte[SCRATCH_SIZE];

    private boolean failed;

    private ByteBuffer lastInput;
    private ByteBuffer lastView;

    public FrameReader(int maxFrameSize) {
        setMaxFrameSize(maxFrameSize);
    }

    /** The SETTINGS_MAX_FRAME_SIZE we advertised and the peer acknowledged; applies from the next frame header. */
    public void setMaxFrameSize(int maxFrameSize) {
        if (maxFrameSize < DEFAULT_MAX_FRAME_SIZE || maxFrameSize > MAX_ALLOWED_FRAME_SIZE) {
            throw new IllegalArgumentException("max frame size must be 2^14..2^24-1: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** Bytes of a partial frame held inside: at most 9 + maxFrameSize. */
    public int bufferedBytes() {
        return inPayload ? HEADER_LENGTH + (discarding ? 0 : payloadFill) : headerFill;
    }

    /**
     * Consumes all of {@code input}, calling the handler once per complete frame. A FrameException (from the reader
     * or the handler) is a connection error; the reader is unusable afterwards. An unchecked exception from the
     * handler propagates with the input positioned just after the frame being handled, and the reader stays usable:
     * reading the same input again carries on with the next frame.
     */
    public void read(ByteBuffer input, FrameHandler handler) throws FrameException {
        if (failed) {
            throw new IllegalStateException("the reader failed earlier; the connection is going away");
        }
        try {
            readFrames(input, handler);
        } catch (FrameException e) {
            failed = true;
            throw e;
        }
    }

    private void readFrames(ByteBuffer input, FrameHandler handler) throws FrameException {
        ByteBuffer in = view(input);
        int pos = input.position();
        int limit = input.limit();
        try {
            while (true) {
                if (!inPayload) {
                    if (headerFill == 0 && limit - pos >= HEADER_LENGTH) {
                        int at = pos;
                        pos += HEADER_LENGTH;
                        startFrame(in.get(at) & 0xff, in.get(at + 1) & 0xff, in.get(at + 2) & 0xff,
                                in.get(at + 3) & 0xff, in.get(at + 4) & 0xff, in.getInt(at + 5));
                    } else {
                        int n = Math.min(HEADER_LENGTH - headerFill, limit - pos);
                        in.get(pos, header, headerFill, n);
                        pos += n;
                        headerFill += n;
                        if (headerFill < HEADER_LENGTH) {
                            return;
                        }
                        headerFill = 0;
                        startFrame(header[0] & 0xff, header[1] & 0xff, header[2] & 0xff, header[3] & 0xff,
                                header[4] & 0xff, ((header[5] & 0xff) << 24) | ((header[6] & 0xff) << 16)
                                        | ((header[7] & 0xff) << 8) | (header[8] & 0xff));
                    }
                }
                int available = limit - pos;
                if (discarding) {
                    int n = Math.min(length - payloadFill, available);
                    pos += n;
                    payloadFill += n;
                    if (payloadFill < length) {
                        return;
                    }
                    endFrame();
                    handler.streamError(streamId, ErrorCode.FRAME_SIZE_ERROR.code(),
                            "PRIORITY frame of length " + length + ", must be 5 (RFC 9113 §6.3)");
                } else if (payloadFill == 0 && available >= length) {
                    // The whole payload is here: hand on slices of the input, no copy.
                    int start = pos;
                    pos += length;
                    endFrame();
                    dispatch(in, start, handler);
                } else {
                    if (available == 0) {
                        return;
                    }
                    if (payload == null) {
                        payload = length <= SCRATCH_SIZE && !payloadEscapes(type) ? scratch : new byte[length];
                    }
                    int n = Math.min(length - payloadFill, available);
                    in.get(pos, payload, payloadFill, n);
                    pos += n;
                    payloadFill += n;
                    if (payloadFill < length) {
                        return;
                    }
                    ByteBuffer whole = ByteBuffer.wrap(payload, 0, length).asReadOnlyBuffer();
                    endFrame();
                    dispatch(whole, 0, handler);
                }
                if (pos == limit) {
                    return;
                }
            }
        } finally {
            input.position(pos);
        }
    }

    /**
     * A big-endian, read-only view of the input's memory: payload slices are cut from it, absolute reads use it. A
     * socket layer passes the same read buffer again and again, so the last view is kept for it (same object, same
     * memory) rather than made anew for each read.
     */
    private ByteBuffer view(ByteBuffer input) {
        if (input.isReadOnly() && input.order() == ByteOrder.BIG_ENDIAN) {
            return input;
        }
        if (input != lastInput) {
            ByteBuffer view = input.asReadOnlyBuffer();
            lastView = view.limit(view.capacity());
            lastInput = input;
        }
        return lastView;
    }

    /** Payloads of these types are handed to the handler as buffers (or may be, as unknown frames). */
    private static boolean payloadEscapes(int type) {
        return type != FrameType.PING && type != FrameType.WINDOW_UPDATE && type != FrameType.RST_STREAM
                && type != FrameType.PRIORITY && type != FrameType.SETTINGS;
    }

    private void endFrame() {
        inPayload = false;
        discarding = false;
        payload = null;
        payloadFill = 0;
    }

    /** The 9-byte header is complete: every check that needs only the header happens here, before the payload. */
    private void startFrame(int l0, int l1, int l2, int type, int flags, int rawStreamId) throws FrameException {
        int length = (l0 << 16) | (l1 << 8) | l2;
        // RFC 9113 §4.1: the reserved bit "MUST be ignored when receiving".
        int streamId = rawStreamId & 0x7fffffff;
        this.length = length;
        this.type = type;
        this.flags = flags;
        this.streamId = streamId;
        this.inPayload = true;
        this.payloadFill = 0;
        this.payload = null;
        this.discarding = false;
        if (length > maxFrameSize) {
            // RFC 9113 §4.2: larger than SETTINGS_MAX_FRAME_SIZE. Any frame may alter connection state once
            // decoded, and we refuse to buffer it to find out which: a connection error.
            throw error(ErrorCode.FRAME_SIZE_ERROR,
                    FrameType.nameOf(type) + " frame of length " + length + " exceeds SETTINGS_MAX_FRAME_SIZE "
                            + maxFrameSize + " (RFC 9113 §4.2)");
        }
        switch (type) {
            case FrameType.DATA -> {
                requireStream(streamId, "DATA", "§6.1");
                requireRoom(length, padded(flags), "DATA", "§6.1");
            }
            case FrameType.HEADERS -> {
                requireStream(streamId, "HEADERS", "§6.2");
                requireRoom(length, padded(flags) + ((flags & Flags.PRIORITY) != 0 ? 5 : 0), "HEADERS", "§6.2");
            }
            case FrameType.PRIORITY -> {
                requireStream(streamId, "PRIORITY", "§6.3");
                // §6.3: a wrong length is a *stream* error: skip the payload, then report it.
                discarding = length != 5;
            }
            case FrameType.RST_STREAM -> {
                requireStream(streamId, "RST_STREAM", "§6.4");
                requireLength(length == 4, "RST_STREAM", length, "must be 4 (RFC 9113 §6.4)");
            }
            case FrameType.SETTINGS -> {
                requireConnection(streamId, "SETTINGS", "§6.5");
                if ((flags & Flags.ACK) != 0) {
                    requireLength(length == 0, "SETTINGS ACK", length, "must be 0 (RFC 9113 §6.5)");
                }
                requireLength(length % 6 == 0, "SETTINGS", length, "must be a multiple of 6 (RFC 9113 §6.5)");
            }
            case FrameType.PUSH_PROMISE -> {
                requireStream(streamId, "PUSH_PROMISE", "§6.6");
                requireRoom(length, padded(flags) + 4, "PUSH_PROMISE", "§6.6");
            }
            case FrameType.PING -> {
                requireConnection(streamId, "PING", "§6.7");
                requireLength(length == 8, "PING", length, "must be 8 (RFC 9113 §6.7)");
            }
            case FrameType.GOAWAY -> {
                requireConnection(streamId, "GOAWAY", "§6.8");
                // §4.2: too small for the mandatory fields, on stream 0: a connection error.
                requireLength(length >= 8, "GOAWAY", length, "must be at least 8 (RFC 9113 §6.8, §4.2)");
            }
            case FrameType.WINDOW_UPDATE ->
                    requireLength(length == 4, "WINDOW_UPDATE", length, "must be 4 (RFC 9113 §6.9)");
            case FrameType.CONTINUATION -> requireStream(streamId, "CONTINUATION", "§6.10");
            case FrameType.PRIORITY_UPDATE -> {
                if (streamId != 0) {
                    throw error(ErrorCode.PROTOCOL_ERROR,
                            "PRIORITY_UPDATE on stream " + streamId + ", must be 0 (RFC 9218 §7.1)");
                }
                requireLength(length >= 4, "PRIORITY_UPDATE", length,
                        "must be at least 4 for the prioritized stream ID (RFC 9218 §7.1, RFC 9113 §4.2)");
            }
            default -> {
                // ALTSVC and ORIGIN are checked on their payload (invalid ones are ignored, not errors); unknown
                // types have no rules (RFC 9113 §5.5).
            }
        }
    }

    private static int padded(int flags) {
        return (flags & Flags.PADDED) != 0 ? 1 : 0;
    }

    private static void requireStream(int streamId, String name, String section) throws FrameException {
        if (streamId == 0) {
            throw error(ErrorCode.PROTOCOL_ERROR, name + " frame on stream 0 (RFC 9113 " + section + ")");
        }
    }

    private static void requireConnection(int streamId, String name, String section) throws FrameException {
        if (streamId != 0) {
            throw error(ErrorCode.PROTOCOL_ERROR,
                    name + " frame on stream " + streamId + ", must be 0 (RFC 9113 " + section + ")");
        }
    }

    /**
     * §4.2: a frame "too small to contain mandatory frame data" is a FRAME_SIZE_ERROR; for field-block frames it is
     * a connection error, and we treat DATA the same way (§5.4.1 allows it) because its length is already charged
     * to the connection's flow-control window.
     */
    private static void requireRoom(int length, int fixed, String name, String section) throws FrameException {
        if (length < fixed) {
            throw error(ErrorCode.FRAME_SIZE_ERROR, name + " frame of length " + length
                    + " cannot hold its " + fixed + " octets of pad length/fixed fields (RFC 9113 " + section + ")");
        }
    }

    private static void requireLength(boolean ok, String name, int length, String rule) throws FrameException {
        if (!ok) {
            throw error(ErrorCode.FRAME_SIZE_ERROR, name + " frame of length " + length + ": " + rule);
        }
    }

    private static FrameException error(ErrorCode code, String message) {
        return new FrameException(code, message);
    }

    /** The whole payload is in {@code p} at [start, start + length). The reader's state is already reset. */
    private void dispatch(ByteBuffer p, int start, FrameHandler handler) throws FrameException {
        int length = this.length;
        int flags = this.flags;
        int streamId = this.streamId;
        switch (type) {
            case FrameType.DATA -> {
                int off = start;
                int padLength = 0;
                if ((flags & Flags.PADDED) != 0) {
                    padLength = p.get(off++) & 0xff;
                }
                int dataLength = checkPadding(start + length - off, padLength, "DATA", "§6.1");
                handler.data(streamId, (flags & Flags.END_STREAM) != 0, slice(p, off, dataLength), length);
            }
            case FrameType.HEADERS -> {
                int off = start;
                int padLength = 0;
                if ((flags & Flags.PADDED) != 0) {
                    padLength = p.get(off++) & 0xff;
                }
                PriorityFields priority = null;
                if ((flags & Flags.PRIORITY) != 0) {
                    priority = priorityFields(p, off);
                    off += 5;
                }
                int fragmentLength = checkPadding(start + length - off, padLength, "HEADERS", "§6.2");
                handler.headers(streamId, (flags & Flags.END_STREAM) != 0, (flags & Flags.END_HEADERS) != 0,
                        priority, slice(p, off, fragmentLength));
            }
            case FrameType.PRIORITY -> {
                PriorityFields priority = priorityFields(p, start);
                if (priority.streamDependency() == streamId) {
                    // RFC 9113 §5.3.1 (RFC 7540 §5.3.1): "A stream cannot depend on itself."
                    handler.streamError(streamId, ErrorCode.PROTOCOL_ERROR.code(),
                            "stream " + streamId + " depends on itself (RFC 9113 §5.3.1)");
                } else {
                    handler.priority(streamId, priority);
                }
            }
            case FrameType.RST_STREAM -> handler.rstStream(streamId, p.getInt(start));
            case FrameType.SETTINGS -> {
                boolean ack = (flags & Flags.ACK) != 0;
                Settings settings = new Settings();
                for (int off = start; off < start + length; off += 6) {
                    int id = ((p.get(off) & 0xff) << 8) | (p.get(off + 1) & 0xff);
                    long value = p.getInt(off + 2) & 0xffffffffL;
                    Settings.validate(id, value);
                    settings.put(id, value);
                }
                handler.settings(ack, settings);
            }
            case FrameType.PUSH_PROMISE -> {
                int off = start;
                int padLength = 0;
                if ((flags & Flags.PADDED) != 0) {
                    padLength = p.get(off++) & 0xff;
                }
                int promised = p.getInt(off) & 0x7fffffff;
                off += 4;
                // §6.6 and §5.1.1: the promised stream must be a valid new server-initiated stream, so even and
                // non-zero; anything else is a connection error.
                if (promised == 0 || (promised & 1) != 0) {
                    throw error(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE promises stream " + promised
                            + ", must be a non-zero even (server-initiated) stream (RFC 9113 §6.6, §5.1.1)");
                }
                int fragmentLength = checkPadding(start + length - off, padLength, "PUSH_PROMISE", "§6.6");
                handler.pushPromise(streamId, promised, (flags & Flags.END_HEADERS) != 0,
                        slice(p, off, fragmentLength));
            }
            case FrameType.PING -> handler.ping((flags & Flags.ACK) != 0, p.getLong(start));
            case FrameType.GOAWAY -> handler.goAway(p.getInt(start) & 0x7fffffff, p.getInt(start + 4),
                    slice(p, start + 8, length - 8));
            case FrameType.WINDOW_UPDATE -> handler.windowUpdate(streamId, p.getInt(start) & 0x7fffffff);
            case FrameType.CONTINUATION ->
                    handler.continuation(streamId, (flags & Flags.END_HEADERS) != 0, slice(p, start, length));
            case FrameType.ALTSVC -> altSvc(p, start, handler);
            case FrameType.ORIGIN -> origin(p, start, handler);
            case FrameType.PRIORITY_UPDATE -> {
                int prioritized = p.getInt(start) & 0x7fffffff;
                if (prioritized == 0) {
                    throw error(ErrorCode.PROTOCOL_ERROR, "PRIORITY_UPDATE for stream 0 (RFC 9218 §7.1)");
                }
                handler.priorityUpdate(prioritized, ascii(p, start + 4, length - 4));
            }
            default -> handler.unknown(type, flags, streamId, slice(p, start, length));
        }
    }

    /**
     * §6.1: "If the length of the padding is the length of the frame payload or greater, the recipient MUST treat
     * this as a connection error of type PROTOCOL_ERROR" (§6.2, §6.6: padding may not eat into the fixed fields
     * either). Returns what is left for data or the field block fragment.
     */
    private static int checkPadding(int remaining, int padLength, String name, String section)
            throws FrameException {
        if (padLength > remaining) {
            throw error(ErrorCode.PROTOCOL_ERROR, name + " pad length " + padLength + " exceeds the "
                    + remaining + " octets left in the frame (RFC 9113 " + section + ")");
        }
        return remaining - padLength;
    }

    /** RFC 9113 §6.3: E bit, 31-bit dependency, weight - 1 in one octet. */
    private static PriorityFields priorityFields(ByteBuffer p, int off) {
        int word = p.getInt(off);
        return new PriorityFields(word & 0x7fffffff, word < 0, (p.get(off + 4) & 0xff) + 1);
    }

    /**
     * RFC 7838 §4: Origin-Len (16), Origin, Alt-Svc-Field-Value. An ALTSVC on stream 0 needs an origin, one on
     * another stream must not carry one; invalid frames "MUST be ignored". They reach {@link FrameHandler#unknown}
     * instead, so the engine still sees a frame arrive (RFC 9113 §6.10 forbids any frame inside a field block).
     */
    private void altSvc(ByteBuffer p, int start, FrameHandler handler) throws FrameException {
        int originLength = length >= 2 ? ((p.get(start) & 0xff) << 8) | (p.get(start + 1) & 0xff) : -1;
        boolean valid = originLength >= 0 && originLength <= length - 2
                && (streamId == 0 ? originLength > 0 : originLength == 0);
        if (!valid) {
            handler.unknown(type, flags, streamId, slice(p, start, length));
            return;
        }
        String origin = ascii(p, start + 2, originLength);
        handler.altSvc(streamId, origin, ascii(p, start + 2 + originLength, length - 2 - originLength));
    }

    /**
     * RFC 8336 §2.1-2.2: zero or more (Origin-Len (16), ASCII-Origin) entries, on stream 0 only. A frame on another
     * stream, with any of the flags 0x1-0x8 set (Appendix A), or with a truncated entry is ignored: passed to
     * {@link FrameHandler#unknown} like an invalid ALTSVC.
     */
    private void origin(ByteBuffer p, int start, FrameHandler handler) throws FrameException {
        boolean valid = streamId == 0 && (flags & 0x0f) == 0;
        List<String> origins = new ArrayList<>();
        int end = start + length;
        int off = start;
        while (valid && off < end) {
            if (end - off < 2) {
                valid = false;
                break;
            }
            int n = ((p.get(off) & 0xff) << 8) | (p.get(off + 1) & 0xff);
            off += 2;
            if (n > end - off) {
                valid = false;
                break;
            }
            origins.add(ascii(p, off, n));
            off += n;
        }
        if (valid) {
            handler.origin(List.copyOf(origins));
        } else {
            handler.unknown(type, flags, streamId, slice(p, start, length));
        }
    }

    private static ByteBuffer slice(ByteBuffer p, int off, int n) {
        return n == 0 ? EMPTY : p.slice(off, n);
    }

    /** Octets to chars one to one (ISO-8859-1): nothing is lost, whatever the peer sent. */
    private static String ascii(ByteBuffer p, int off, int n) {
        byte[] bytes = new byte[n];
        p.get(off, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
