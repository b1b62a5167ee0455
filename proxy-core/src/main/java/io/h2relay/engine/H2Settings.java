package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.SettingId;
import io.h2relay.frame.Settings;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One side's SETTINGS (RFC 9113 §6.5): the values in force plus, for our own side, the frames sent and not yet
 * acknowledged. Values sent by us take effect when the peer acknowledges them, one frame per ACK in the order the
 * frames were sent (§6.5.3: the ACK follows the frame it answers). This fixes h2, whose one ACK applied every
 * pending value (ENGINE_PARITY §8 D7). Values received from the peer take effect on receipt.
 *
 * <p>Absent settings read as their RFC initial values (§6.5.2); MAX_CONCURRENT_STREAMS and MAX_HEADER_LIST_SIZE
 * are unlimited until set, reported as {@link #UNLIMITED}.
 */
public final class H2Settings {

    /** An unlimited MAX_CONCURRENT_STREAMS or MAX_HEADER_LIST_SIZE. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    static final int MAX_WINDOW = Integer.MAX_VALUE;
    static final int MIN_MAX_FRAME_SIZE = 1 << 14;
    static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;

    /** True when these are the settings a server sends (a server must not enable push). */
    private final boolean sentByServer;
    private final Settings current = new Settings();
    private final ArrayDeque<Settings> pending = new ArrayDeque<>();
    /** The values in force of the identifiers this engine knows (1..9), read on every frame without a search. */
    private final long[] known = new long[SettingId.NO_RFC7540_PRIORITIES + 1];

    private H2Settings(boolean sentByServer) {
        this.sentByServer = sentByServer;
        for (int id = 1; id < known.length; id++) {
            known[id] = initialValue(id);
        }
    }

    private void set(int id, long value) {
        current.put(id, value);
        if (id > 0 && id < known.length) {
            known[id] = value;
        }
    }

    /** The peer's settings, at their RFC initial values until its first SETTINGS frame arrives. */
    static H2Settings remote(boolean weAreClient) {
        return new H2Settings(weAreClient);
    }

    /**
     * Our settings. Limits that only restrict the peer (concurrent streams, header list size, push, extended CONNECT,
     * RFC 7540 priorities) are in force at once, as h2 does; the rest wait for the ACK of the first SETTINGS frame,
     * because until then the peer is entitled to the RFC initial values.
     */
    static H2Settings local(H2Configuration config) {
        H2Settings s = new H2Settings(!config.clientSide());
        s.set(SettingId.ENABLE_PUSH, config.enablePush() ? 1 : 0);
        s.set(SettingId.MAX_CONCURRENT_STREAMS, config.maxConcurrentStreams());
        s.set(SettingId.MAX_HEADER_LIST_SIZE, config.maxHeaderListSize());
        s.set(SettingId.ENABLE_CONNECT_PROTOCOL, config.enableConnectProtocol() ? 1 : 0);
        s.set(SettingId.NO_RFC7540_PRIORITIES, config.rfc7540Priorities() ? 0 : 1);
        return s;
    }

    /** Every local setting, as the first SETTINGS frame carries them (ENGINE_PARITY row 7). */
    static Settings initialFrame(H2Configuration config) {
        Settings s = new Settings()
                .put(SettingId.HEADER_TABLE_SIZE, config.headerTableSize())
                .put(SettingId.ENABLE_PUSH, config.enablePush() ? 1 : 0)
                .put(SettingId.INITIAL_WINDOW_SIZE, config.initialWindowSize())
                .put(SettingId.MAX_FRAME_SIZE, config.maxFrameSize())
                .put(SettingId.ENABLE_CONNECT_PROTOCOL, config.enableConnectProtocol() ? 1 : 0)
                .put(SettingId.MAX_CONCURRENT_STREAMS, config.maxConcurrentStreams())
                .put(SettingId.MAX_HEADER_LIST_SIZE, config.maxHeaderListSize());
        if (!config.rfc7540Priorities()) {
            s.put(SettingId.NO_RFC7540_PRIORITIES, 1);
        }
        return s;
    }

    /** The value in force, or the RFC initial value (§6.5.2) when never set; -1 for an unknown id never set. */
    public long get(int id) {
        if (id > 0 && id < known.length) {
            return known[id];
        }
        Long v = current.get(id);
        return v != null ? v : initialValue(id);
    }

    public int headerTableSize() {
        return (int) Math.min(get(SettingId.HEADER_TABLE_SIZE), Integer.MAX_VALUE);
    }

    public boolean enablePush() {
        return get(SettingId.ENABLE_PUSH) == 1;
    }

    public long maxConcurrentStreams() {
        return get(SettingId.MAX_CONCURRENT_STREAMS);
    }

    public int initialWindowSize() {
        return (int) get(SettingId.INITIAL_WINDOW_SIZE);
    }

    public int maxFrameSize() {
        return (int) get(SettingId.MAX_FRAME_SIZE);
    }

    public long maxHeaderListSize() {
        return get(SettingId.MAX_HEADER_LIST_SIZE);
    }

    public boolean enableConnectProtocol() {
        return get(SettingId.ENABLE_CONNECT_PROTOCOL) == 1;
    }

    public boolean noRfc7540Priorities() {
        return get(SettingId.NO_RFC7540_PRIORITIES) == 1;
    }

    /** SETTINGS frames sent and not yet acknowledged. */
    public int pendingFrames() {
        return pending.size();
    }

    /** A copy of the values explicitly in force (RFC initial values that were never sent are not listed). */
    public Settings values() {
        return current.copy();
    }

    private static long initialValue(int id) {
        return switch (id) {
            case SettingId.HEADER_TABLE_SIZE -> 4096;
            case SettingId.ENABLE_PUSH -> 1;
            case SettingId.MAX_CONCURRENT_STREAMS, SettingId.MAX_HEADER_LIST_SIZE -> UNLIMITED;
            case SettingId.INITIAL_WINDOW_SIZE -> 65535;
            case SettingId.MAX_FRAME_SIZE -> MIN_MAX_FRAME_SIZE;
            case SettingId.ENABLE_CONNECT_PROTOCOL, SettingId.NO_RFC7540_PRIORITIES -> 0;
            default -> -1;
        };
    }

    /** Checks every value of a frame we are about to send; throws before anything is queued. */
    void validateOutgoing(Settings frame) {
        for (int i = 0; i < frame.size(); i++) {
            InvalidSettingsValueError e = check(frame.idAt(i), frame.valueAt(i));
            if (e != null) {
                throw e;
            }
        }
    }

    /** Records a frame we sent; its values take effect on {@link #acknowledge()}. */
    void queue(Settings frame) {
        pending.addLast(frame.copy());
    }

    /**
     * Applies the oldest unacknowledged frame, or returns null when none was outstanding (an unsolicited ACK, which
     * RFC 9113 does not forbid and which changes nothing).
     */
    Map<Integer, ChangedSetting> acknowledge() {
        Settings frame = pending.pollFirst();
        return frame == null ? null : apply(frame);
    }

    /**
     * Validates then applies a frame received from the peer (§6.5.3: processed in order, in force at once). On an
     * invalid value nothing is applied.
     */
    Map<Integer, ChangedSetting> applyReceived(Settings frame) {
        validateOutgoing(frame);
        return apply(frame);
    }

    private Map<Integer, ChangedSetting> apply(Settings frame) {
        Map<Integer, ChangedSetting> changed = new LinkedHashMap<>();
        for (int i = 0; i < frame.size(); i++) {
            int id = frame.idAt(i);
            long value = frame.valueAt(i);
            Long before = current.get(id);
            if (before == null && initialValue(id) >= 0) {
                before = initialValue(id);
            }
            ChangedSetting earlier = changed.get(id);
            set(id, value);
            changed.put(id, new ChangedSetting(id, earlier != null ? earlier.originalValue() : before, value));
        }
        return Collections.unmodifiableMap(changed);
    }

    /** RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1. Null when the value is acceptable. */
    private InvalidSettingsValueError check(int id, long value) {
        switch (id) {
            case SettingId.ENABLE_PUSH -> {
                if (value > 1) {
                    return invalid("ENABLE_PUSH must be 0 or 1: " + value, ErrorCode.PROTOCOL_ERROR);
                }
                if (value == 1 && sentByServer) {
                    return invalid("a server must not set ENABLE_PUSH to 1", ErrorCode.PROTOCOL_ERROR);
                }
            }
            case SettingId.INITIAL_WINDOW_SIZE -> {
                if (value > MAX_WINDOW) {
                    return invalid("INITIAL_WINDOW_SIZE above 2^31-1: " + value, ErrorCode.FLOW_CONTROL_ERROR);
                }
            }
            case SettingId.MAX_FRAME_SIZE -> {
                if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
                    return invalid("MAX_FRAME_SIZE must be 2^14..2^24-1: " + value, ErrorCode.PROTOCOL_ERROR);
                }
            }
            case SettingId.ENABLE_CONNECT_PROTOCOL -> {
                if (value > 1) {
                    return invalid("ENABLE_CONNECT_PROTOCOL must be 0 or 1: " + value, ErrorCode.PROTOCOL_ERROR);
                }
                if (value == 0 && latest(id) == 1) {
                    return invalid("ENABLE_CONNECT_PROTOCOL must not go back to 0 (RFC 8441 §3)",
                            ErrorCode.PROTOCOL_ERROR);
                }
            }
            case SettingId.NO_RFC7540_PRIORITIES -> {
                if (value > 1) {
                    return invalid("NO_RFC7540_PRIORITIES must be 0 or 1: " + value, ErrorCode.PROTOCOL_ERROR);
                }
                Long before = latestExplicit(id);
                if (before != null && before != value) {
                    return invalid("NO_RFC7540_PRIORITIES must not change (RFC 9218 §2.1)", ErrorCode.PROTOCOL_ERROR);
                }
            }
            default -> { }
        }
        return null;
    }

    /** The value the peer will see last: the newest pending one, else the one in force. */
    private long latest(int id) {
        Long v = latestExplicit(id);
        return v != null ? v : initialValue(id);
    }

    private Long latestExplicit(int id) {
        var it = pending.descendingIterator();
        while (it.hasNext()) {
            Long v = it.next().get(id);
            if (v != null) {
                return v;
            }
        }
        return current.get(id);
    }

    private static InvalidSettingsValueError invalid(String message, ErrorCode code) {
        return new InvalidSettingsValueError(message, code);
    }

    /** RFC 7540 §3.2.1: the SETTINGS payload as base64url without padding, for the HTTP2-Settings header. */
    static String toHttp2SettingsHeader(Settings settings) {
        byte[] payload = new byte[settings.size() * 6];
        for (int i = 0; i < settings.size(); i++) {
            int id = settings.idAt(i);
            long v = settings.valueAt(i);
            int at = i * 6;
            payload[at] = (byte) (id >>> 8);
            payload[at + 1] = (byte) id;
            payload[at + 2] = (byte) (v >>> 24);
            payload[at + 3] = (byte) (v >>> 16);
            payload[at + 4] = (byte) (v >>> 8);
            payload[at + 5] = (byte) v;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
    }

    /** Parses an HTTP2-Settings header value (padding optional); a malformed one is a {@link ProtocolError}. */
    static Settings fromHttp2SettingsHeader(String header) {
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(header.trim());
        } catch (IllegalArgumentException e) {
            throw new ProtocolError("HTTP2-Settings is not base64url: " + e.getMessage());
        }
        if (payload.length % 6 != 0) {
            throw new ProtocolError("HTTP2-Settings payload length " + payload.length + " is not a multiple of 6");
        }
        Settings settings = new Settings();
        for (int at = 0; at < payload.length; at += 6) {
            int id = ((payload[at] & 0xff) << 8) | (payload[at + 1] & 0xff);
            long v = ((long) (payload[at + 2] & 0xff) << 24) | ((payload[at + 3] & 0xff) << 16)
                    | ((payload[at + 4] & 0xff) << 8) | (payload[at + 5] & 0xff);
            settings.put(id, v);
        }
        return settings;
    }

    @Override
    public String toString() {
        return "H2Settings{current=" + current + ", pending=" + pending + '}';
    }
}
