package io.h2relay.config;

/**
 * Windows and buffer bounds, the same on both sides of the proxy ({@code h2relay.flow-control}). The proxy grants a
 * peer credit only for bytes it can hold, so every buffer bound is at least the window it backs.
 *
 * @param streamWindow SETTINGS_INITIAL_WINDOW_SIZE we announce: what a peer may send on a new stream before we
 *     return credit (RFC 9113 §6.9.2)
 * @param connectionWindow the connection-level receive window we open to with a WINDOW_UPDATE on stream 0 (it starts
 *     at 65,535, RFC 9113 §6.9.2)
 * @param maxStreamBuffer bytes received on one stream and held until the other side accepts them
 * @param maxConnectionBuffer the same, summed over the streams of one connection
 */
public record FlowControlConfig(int streamWindow, int connectionWindow, long maxStreamBuffer, long maxConnectionBuffer) {

    /** RFC 9113 §6.9.1: 2^31-1. */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;

    /** RFC 9113 §6.9.2: the connection window starts here and only a WINDOW_UPDATE can raise it. */
    public static final int INITIAL_CONNECTION_WINDOW = 65_535;

    public FlowControlConfig {
        if (streamWindow < 1) {
            throw new IllegalArgumentException("stream-window must be 1..2^31-1: " + streamWindow);
        }
        if (connectionWindow < INITIAL_CONNECTION_WINDOW) {
            throw new IllegalArgumentException("connection-window must be 65535..2^31-1: " + connectionWindow);
        }
        if (maxStreamBuffer < streamWindow) {
            throw new IllegalArgumentException("max-stream-buffer must hold the stream window");
        }
        if (maxConnectionBuffer < connectionWindow || maxConnectionBuffer < maxStreamBuffer) {
            throw new IllegalArgumentException("max-connection-buffer must hold the connection window and one stream");
        }
    }
}
