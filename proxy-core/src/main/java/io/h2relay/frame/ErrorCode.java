package io.h2relay.frame;

/**
 * RFC 9113 §7 error codes. Frames and events carry codes as raw ints because a peer may send codes this enum does
 * not know, and those must be kept (§7: "MUST NOT trigger any special behavior", but they are still reported).
 */
public enum ErrorCode {
    NO_ERROR(0x0),
    PROTOCOL_ERROR(0x1),
    INTERNAL_ERROR(0x2),
    FLOW_CONTROL_ERROR(0x3),
    SETTINGS_TIMEOUT(0x4),
    STREAM_CLOSED(0x5),
    FRAME_SIZE_ERROR(0x6),
    REFUSED_STREAM(0x7),
    CANCEL(0x8),
    COMPRESSION_ERROR(0x9),
    CONNECT_ERROR(0xa),
    ENHANCE_YOUR_CALM(0xb),
    INADEQUATE_SECURITY(0xc),
    HTTP_1_1_REQUIRED(0xd);

    private static final ErrorCode[] BY_CODE = values();

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The named code, or null for a code this enum does not know. */
    public static ErrorCode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** A readable name for any raw code, e.g. {@code "CANCEL"} or {@code "0xff"}. */
    public static String nameOf(int code) {
        ErrorCode known = of(code);
        return known != null ? known.name() : "0x" + Integer.toHexString(code);
    }
}
