package io.h2relay.engine;

import java.util.Objects;

/**
 * The per-connection abuse budgets (../shared/docs/PROXY_ANCHORS.md §2). Every trip is counted in
 * {@link AbuseCounters} and answered with GOAWAY(ENHANCE_YOUR_CALM) whose debug data names the limit, except excess
 * concurrent streams, which are refused one by one (RST_STREAM REFUSED_STREAM) so the client may retry them.
 *
 * @param maxHeaderCount fields per header block, cookie crumbs counted one by one (the 2026 "HTTP/2 Bomb"; Envoy and
 *     nghttpx allow 100). Over it the stream is refused with 431, like an over-long header list
 * @param maxHeaderBlockBytes compressed bytes of one HEADERS/PUSH_PROMISE + CONTINUATION block, checked before HPACK
 *     decoding (CONTINUATION flood, CVE-2024-27316 family)
 * @param maxContinuationFrames CONTINUATION frames per block (nghttp2 v1.61: 8)
 * @param peerResets RST_STREAM frames the peer may send (Rapid Reset, CVE-2023-44487; nghttp2: 1000 burst, 33/s)
 * @param localResets stream errors the peer makes us send (MadeYouReset, CVE-2025-8671), refused streams included
 * @param pings PING frames (CVE-2019-9512)
 * @param settingsFrames SETTINGS frames (CVE-2019-9515)
 * @param maxSettingsPerFrame parameters in one SETTINGS frame (nghttp2: 32)
 * @param maxConsecutiveEmptyFrames DATA/HEADERS/CONTINUATION frames in a row with an empty payload and no END_STREAM
 *     (CVE-2019-9518; Envoy: 1)
 * @param windowUpdatesPerDataFrame inbound WINDOW_UPDATE budget: 5 + 2 × (opened streams + this × DATA frames sent)
 *     (Envoy's formula)
 * @param priorityFramesPerStream PRIORITY and PRIORITY_UPDATE budget: this × (1 + opened streams) (CVE-2019-9513;
 *     Envoy: 100)
 * @param maxQueuedControlFrames frames the peer made us owe (PING and SETTINGS ACKs, RST_STREAM, the 400/431 answers
 *     to malformed requests) still waiting in the outbound buffer (CVE-2019-9512/9514/9515; Envoy and nghttp2: 1000)
 * @param maxOutboundBufferBytes the outbound buffer level at which the engine pauses: it withholds automatic
 *     WINDOW_UPDATEs, {@link H2Connection#outboundPaused()} turns true and sends by the application are refused
 *     (CVE-2019-9517)
 * @param maxClosedStreams closed streams remembered to tell late frames from protocol errors (h2: 65536)
 * @param maxTrackedPriorities priority state kept for streams that are not open (RFC 9113 §5.3.4 allows bounding it)
 * @param extensionFrames frames of extension types other than PRIORITY_UPDATE: unknown types, which RFC 9113 §5.5
 *     says to ignore, and ALTSVC and ORIGIN (nghttp2 counts unexpected extension frames among its "glitches")
 * @param headerListOverflows header blocks over SETTINGS_MAX_HEADER_LIST_SIZE or {@code maxHeaderCount}: each is
 *     refused on its stream, and a run of them is an HPACK bomb (CVE-2016-6581, the 2026 "HTTP/2 Bomb")
 * @param maxReservedRemoteStreams streams a server may hold promised to us (client side) that it has not started
 *     answering: RFC 9113 sets no limit on "reserved (remote)" streams, so a server could push without end; beyond
 *     this a promise is refused with RST_STREAM(REFUSED_STREAM) (nghttp2 and Node.js: 200)
 */
public record AbuseLimits(
        int maxHeaderCount,
        int maxHeaderBlockBytes,
        int maxContinuationFrames,
        RateLimit peerResets,
        RateLimit localResets,
        RateLimit pings,
        RateLimit settingsFrames,
        int maxSettingsPerFrame,
        int maxConsecutiveEmptyFrames,
        int windowUpdatesPerDataFrame,
        int priorityFramesPerStream,
        int maxQueuedControlFrames,
        int maxOutboundBufferBytes,
        int maxClosedStreams,
        int maxTrackedPriorities,
        RateLimit extensionFrames,
        RateLimit headerListOverflows,
        int maxReservedRemoteStreams) {

    public static final AbuseLimits DEFAULT = builder().build();

    /** The limits as they were before the last three components existed; those get their defaults. */
    public AbuseLimits(int maxHeaderCount, int maxHeaderBlockBytes, int maxContinuationFrames, RateLimit peerResets,
            RateLimit localResets, RateLimit pings, RateLimit settingsFrames, int maxSettingsPerFrame,
            int maxConsecutiveEmptyFrames, int windowUpdatesPerDataFrame, int priorityFramesPerStream,
            int maxQueuedControlFrames, int maxOutboundBufferBytes, int maxClosedStreams, int maxTrackedPriorities) {
        this(maxHeaderCount, maxHeaderBlockBytes, maxContinuationFrames, peerResets, localResets, pings,
                settingsFrames, maxSettingsPerFrame, maxConsecutiveEmptyFrames, windowUpdatesPerDataFrame,
                priorityFramesPerStream, maxQueuedControlFrames, maxOutboundBufferBytes, maxClosedStreams,
                maxTrackedPriorities, Builder.EXTENSION_FRAMES, Builder.HEADER_LIST_OVERFLOWS,
                Builder.MAX_RESERVED_REMOTE_STREAMS);
    }

    public AbuseLimits {
        positive("maxHeaderCount", maxHeaderCount);
        positive("maxHeaderBlockBytes", maxHeaderBlockBytes);
        notNegative("maxContinuationFrames", maxContinuationFrames);
        Objects.requireNonNull(peerResets, "peerResets");
        Objects.requireNonNull(localResets, "localResets");
        Objects.requireNonNull(pings, "pings");
        Objects.requireNonNull(settingsFrames, "settingsFrames");
        positive("maxSettingsPerFrame", maxSettingsPerFrame);
        notNegative("maxConsecutiveEmptyFrames", maxConsecutiveEmptyFrames);
        positive("windowUpdatesPerDataFrame", windowUpdatesPerDataFrame);
        positive("priorityFramesPerStream", priorityFramesPerStream);
        positive("maxQueuedControlFrames", maxQueuedControlFrames);
        positive("maxOutboundBufferBytes", maxOutboundBufferBytes);
        positive("maxClosedStreams", maxClosedStreams);
        positive("maxTrackedPriorities", maxTrackedPriorities);
        Objects.requireNonNull(extensionFrames, "extensionFrames");
        Objects.requireNonNull(headerListOverflows, "headerListOverflows");
        notNegative("maxReservedRemoteStreams", maxReservedRemoteStreams);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxHeaderCount = maxHeaderCount;
        b.maxHeaderBlockBytes = maxHeaderBlockBytes;
        b.maxContinuationFrames = maxContinuationFrames;
        b.peerResets = peerResets;
        b.localResets = localResets;
        b.pings = pings;
        b.settingsFrames = settingsFrames;
        b.maxSettingsPerFrame = maxSettingsPerFrame;
        b.maxConsecutiveEmptyFrames = maxConsecutiveEmptyFrames;
        b.windowUpdatesPerDataFrame = windowUpdatesPerDataFrame;
        b.priorityFramesPerStream = priorityFramesPerStream;
        b.maxQueuedControlFrames = maxQueuedControlFrames;
        b.maxOutboundBufferBytes = maxOutboundBufferBytes;
        b.maxClosedStreams = maxClosedStreams;
        b.maxTrackedPriorities = maxTrackedPriorities;
        b.extensionFrames = extensionFrames;
        b.headerListOverflows = headerListOverflows;
        b.maxReservedRemoteStreams = maxReservedRemoteStreams;
        return b;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void notNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    /** Defaults follow nghttp2 and Envoy (PROXY_ANCHORS.md §2). */
    public static final class Builder {
        static final RateLimit EXTENSION_FRAMES = new RateLimit(1000, 100);
        static final RateLimit HEADER_LIST_OVERFLOWS = new RateLimit(100, 10);
        static final int MAX_RESERVED_REMOTE_STREAMS = 200;

        private int maxHeaderCount = 100;
        private int maxHeaderBlockBytes = 128 * 1024;
        private int maxContinuationFrames = 8;
        private RateLimit peerResets = new RateLimit(1000, 33);
        private RateLimit localResets = new RateLimit(1000, 33);
        private RateLimit pings = new RateLimit(1000, 100);
        private RateLimit settingsFrames = new RateLimit(1000, 100);
        private int maxSettingsPerFrame = 32;
        private int maxConsecutiveEmptyFrames = 1;
        private int windowUpdatesPerDataFrame = 10;
        private int priorityFramesPerStream = 100;
        private int maxQueuedControlFrames = 1000;
        private int maxOutboundBufferBytes = 1024 * 1024;
        private int maxClosedStreams = 65536;
        private int maxTrackedPriorities = 256;
        private RateLimit extensionFrames = EXTENSION_FRAMES;
        private RateLimit headerListOverflows = HEADER_LIST_OVERFLOWS;
        private int maxReservedRemoteStreams = MAX_RESERVED_REMOTE_STREAMS;

        private Builder() {}

        public Builder maxHeaderCount(int v) { maxHeaderCount = v; return this; }
        public Builder maxHeaderBlockBytes(int v) { maxHeaderBlockBytes = v; return this; }
        public Builder maxContinuationFrames(int v) { maxContinuationFrames = v; return this; }
        public Builder peerResets(RateLimit v) { peerResets = v; return this; }
        public Builder localResets(RateLimit v) { localResets = v; return this; }
        public Builder pings(RateLimit v) { pings = v; return this; }
        public Builder settingsFrames(RateLimit v) { settingsFrames = v; return this; }
        public Builder maxSettingsPerFrame(int v) { maxSettingsPerFrame = v; return this; }
        public Builder maxConsecutiveEmptyFrames(int v) { maxConsecutiveEmptyFrames = v; return this; }
        public Builder windowUpdatesPerDataFrame(int v) { windowUpdatesPerDataFrame = v; return this; }
        public Builder priorityFramesPerStream(int v) { priorityFramesPerStream = v; return this; }
        public Builder maxQueuedControlFrames(int v) { maxQueuedControlFrames = v; return this; }
        public Builder maxOutboundBufferBytes(int v) { maxOutboundBufferBytes = v; return this; }
        public Builder maxClosedStreams(int v) { maxClosedStreams = v; return this; }
        public Builder maxTrackedPriorities(int v) { maxTrackedPriorities = v; return this; }
        public Builder extensionFrames(RateLimit v) { extensionFrames = v; return this; }
        public Builder headerListOverflows(RateLimit v) { headerListOverflows = v; return this; }
        public Builder maxReservedRemoteStreams(int v) { maxReservedRemoteStreams = v; return this; }

        public AbuseLimits build() {
            return new AbuseLimits(maxHeaderCount, maxHeaderBlockBytes, maxContinuationFrames, peerResets, localResets,
                    pings, settingsFrames, maxSettingsPerFrame, maxConsecutiveEmptyFrames, windowUpdatesPerDataFrame,
                    priorityFramesPerStream, maxQueuedControlFrames, maxOutboundBufferBytes, maxClosedStreams,
                    maxTrackedPriorities, extensionFrames, headerListOverflows, maxReservedRemoteStreams);
        }
    }
}
