package io.h2relay.client;

import io.h2relay.tls.ClientTls;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link H2Client} connects and what its connections announce. Immutable; start from {@link #defaults()} or
 * {@link #builder()}.
 *
 * @param initialWindowSize SETTINGS_INITIAL_WINDOW_SIZE: how much of one response the server may send ahead of the
 *     reader, so also the most held per unread response
 * @param connectionWindowSize the connection's receive window (a WINDOW_UPDATE on stream 0 at start-up raises it from
 *     RFC 9113's 65,535): what all responses together may hold
 * @param maxFrameSize SETTINGS_MAX_FRAME_SIZE we accept
 * @param headerTableSize SETTINGS_HEADER_TABLE_SIZE for the server's HPACK encoder
 * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE
 * @param enablePush SETTINGS_ENABLE_PUSH: whether the server may push (off by default, as in hyper)
 * @param maxConcurrentPushes SETTINGS_MAX_CONCURRENT_STREAMS: pushed streams the server may have open at once
 * @param acceptEncoding send {@code accept-encoding: gzip, deflate, br} unless the request has its own
 * @param streamWindows the window manager of each response stream
 * @param connectionWindow the window manager of the connection
 * @param connectTimeout TCP connect timeout
 * @param closeTimeout how long {@link ClientConnection#close()} waits for requests under way and the server's
 *     goodbye before it resets the connection
 * @param tls trust, client certificate and TLS versions for TLS connections; the ALPN list comes from the
 *     {@link ConnectMode}
 * @param userAgent sent as {@code user-agent} unless the request has one; null for none
 */
public record ClientConfig(
        int initialWindowSize,
        int connectionWindowSize,
        int maxFrameSize,
        int headerTableSize,
        int maxHeaderListSize,
        boolean enablePush,
        long maxConcurrentPushes,
        boolean acceptEncoding,
        WindowManager.Factory streamWindows,
        WindowManager.Factory connectionWindow,
        Duration connectTimeout,
        Duration closeTimeout,
        ClientTls.Settings tls,
        String userAgent) {

    public ClientConfig {
        Objects.requireNonNull(streamWindows, "streamWindows");
        Objects.requireNonNull(connectionWindow, "connectionWindow");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(tls, "tls");
        if (initialWindowSize < 1) {
            throw new IllegalArgumentException("initialWindowSize must be 1..2^31-1");
        }
        if (connectionWindowSize < 65535) {
            throw new IllegalArgumentException("connectionWindowSize must be at least 65535 (RFC 9113 §6.9.2)");
        }
        if (maxFrameSize < 16384 || maxFrameSize > 16777215) {
            throw new IllegalArgumentException("maxFrameSize must be 2^14..2^24-1 (RFC 9113 §6.5.2)");
        }
    }

    /** 1 MiB per stream, 16 MiB per connection, push off, decoding on, credit on consumption, system trust. */
    public static ClientConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.initialWindowSize = initialWindowSize;
        b.connectionWindowSize = connectionWindowSize;
        b.maxFrameSize = maxFrameSize;
        b.headerTableSize = headerTableSize;
        b.maxHeaderListSize = maxHeaderListSize;
        b.enablePush = enablePush;
        b.maxConcurrentPushes = maxConcurrentPushes;
        b.acceptEncoding = acceptEncoding;
        b.streamWindows = streamWindows;
        b.connectionWindow = connectionWindow;
        b.connectTimeout = connectTimeout;
        b.closeTimeout = closeTimeout;
        b.tls = tls;
        b.userAgent = userAgent;
        return b;
    }

    public static final class Builder {
        private int initialWindowSize = 1 << 20;
        private int connectionWindowSize = 16 << 20;
        private int maxFrameSize = 16384;
        private int headerTableSize = 4096;
        private int maxHeaderListSize = 65536;
        private boolean enablePush;
        private long maxConcurrentPushes = 100;
        private boolean acceptEncoding = true;
        private WindowManager.Factory streamWindows = WindowManager.creditOnConsumption();
        private WindowManager.Factory connectionWindow = WindowManager.creditOnConsumption();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private ClientTls.Settings tls = ClientTls.Settings.defaults();
        private String userAgent = "h2relay-client";

        private Builder() {
        }

        public Builder initialWindowSize(int v) { initialWindowSize = v; return this; }
        public Builder connectionWindowSize(int v) { connectionWindowSize = v; return this; }
        public Builder maxFrameSize(int v) { maxFrameSize = v; return this; }
        public Builder headerTableSize(int v) { headerTableSize = v; return this; }
        public Builder maxHeaderListSize(int v) { maxHeaderListSize = v; return this; }
        public Builder enablePush(boolean v) { enablePush = v; return this; }
        public Builder maxConcurrentPushes(long v) { maxConcurrentPushes = v; return this; }
        public Builder acceptEncoding(boolean v) { acceptEncoding = v; return this; }
        public Builder streamWindows(WindowManager.Factory v) { streamWindows = v; return this; }
        public Builder connectionWindow(WindowManager.Factory v) { connectionWindow = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder closeTimeout(Duration v) { closeTimeout = v; return this; }
        public Builder tls(ClientTls.Settings v) { tls = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }

        public ClientConfig build() {
            return new ClientConfig(initialWindowSize, connectionWindowSize, maxFrameSize, headerTableSize,
                    maxHeaderListSize, enablePush, maxConcurrentPushes, acceptEncoding, streamWindows,
                    connectionWindow, connectTimeout, closeTimeout, tls, userAgent);
        }
    }
}
