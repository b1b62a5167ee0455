package io.h2relay.frame;

/** Frame flags (RFC 9113 §6). A flag's meaning depends on the frame type; flags a type does not define are ignored. */
public final class Flags {
    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int PADDED = 0x8;
    public static final int PRIORITY = 0x20;

    private Flags() {}
}
