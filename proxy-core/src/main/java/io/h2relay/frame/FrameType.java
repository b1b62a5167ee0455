package io.h2relay.frame;

/** Frame type codes: RFC 9113 §6, ALTSVC (RFC 7838 §4), ORIGIN (RFC 8336 §2), PRIORITY_UPDATE (RFC 9218 §7.1). */
public final class FrameType {
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;
    public static final int ALTSVC = 0xa;
    public static final int ORIGIN = 0xc;
    public static final int PRIORITY_UPDATE = 0x10;

    private FrameType() {}

    public static String nameOf(int type) {
        return switch (type) {
            case DATA -> "DATA";
            case HEADERS -> "HEADERS";
            case PRIORITY -> "PRIORITY";
            case RST_STREAM -> "RST_STREAM";
            case SETTINGS -> "SETTINGS";
            case PUSH_PROMISE -> "PUSH_PROMISE";
            case PING -> "PING";
            case GOAWAY -> "GOAWAY";
            case WINDOW_UPDATE -> "WINDOW_UPDATE";
            case CONTINUATION -> "CONTINUATION";
            case ALTSVC -> "ALTSVC";
            case ORIGIN -> "ORIGIN";
            case PRIORITY_UPDATE -> "PRIORITY_UPDATE";
            default -> "UNKNOWN(0x" + Integer.toHexString(type) + ")";
        };
    }
}
