package io.h2relay.config;

import java.util.Objects;

/**
 * HTTP/2 settings and abuse budgets handed unchanged to the engine's {@code H2Configuration} and its abuse limits
 * ({@code h2relay.limits}); PROXY_ANCHORS.md §2 gives the attacks and what other servers choose. Both the client-facing
 * and the upstream engines use them.
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS we announce; streams beyond it are refused
 * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE we announce; a larger request gets 431
 * @param headerTableSize SETTINGS_HEADER_TABLE_SIZE: the HPACK table the peer's encoder may use
 * @param maxFrameSize SETTINGS_MAX_FRAME_SIZE: the largest frame we accept, 2^14..2^24-1
 * @param maxHeaderCount fields per header block, each cookie crumb counted
 * @param maxHeaderBlockBytes compressed bytes of one header block with its CONTINUATION frames
 * @param maxContinuationFrames CONTINUATION frames per header block
 * @param peerResets RST_STREAM frames a peer may send (Rapid Reset, CVE-2023-44487)
 * @param localResets stream errors a peer may provoke from us (MadeYouReset, CVE-2025-8671)
 * @param pings PING frames (CVE-2019-9512)
 * @param settingsFrames SETTINGS frames (CVE-2019-9515)
 * @param maxSettingsPerFrame parameters in one SETTINGS frame
 * @param maxConsecutiveEmptyFrames empty DATA/HEADERS/CONTINUATION frames in a row without END_STREAM (CVE-2019-9518)
 * @param windowUpdatesPerDataFrame WINDOW_UPDATE budget per DATA frame sent
 * @param priorityFramesPerStream PRIORITY and PRIORITY_UPDATE frames per opened stream (CVE-2019-9513)
 * @param maxQueuedControlFrames control frames owed to the peer and not yet written
 * @param maxOutboundBufferBytes outbound bytes queued in the engine before it stops producing (CVE-2019-9517)
 * @param maxClosedStreams closed streams remembered to tell late frames from protocol errors
 * @param maxTrackedPriorities priority state kept for streams that are not open
 */
public record EngineLimits(
        long maxConcurrentStreams,
        int maxHeaderListSize,
        int headerTableSize,
        int maxFrameSize,
        int maxHeaderCount,
        int maxHeaderBlockBytes,
        int maxContinuationFrames,
        Rate peerResets,
        Rate localResets,
        Rate pings,
        Rate settingsFrames,
        int maxSettingsPerFrame,
        int maxConsecutiveEmptyFrames,
        int windowUpdatesPerDataFrame,
        int priorityFramesPerStream,
        int maxQueuedControlFrames,
        int maxOutboundBufferBytes,
        int maxClosedStreams,
        int maxTrackedPriorities) {

    /** RFC 9113 §6.5.2 bounds of SETTINGS_MAX_FRAME_SIZE. */
    public static final int MIN_FRAME_SIZE = 16_384;
    public static final int MAX_FRAME_SIZE = 16_777_215;

    /** A token bucket: {@code burst} events at once, refilled at {@code perSecond}. */
    public record Rate(int burst, int perSecond) {
        public Rate {
            if (burst < 1 || perSecond < 0) {
                throw new IllegalArgumentException("burst must be >= 1 and per-second >= 0: " + burst + ", " + perSecond);
            }
        }
    }

    public EngineLimits {
        Objects.requireNonNull(peerResets, "peerResets");
        Objects.requireNonNull(localResets, "localResets");
        Objects.requireNonNull(pings, "pings");
        Objects.requireNonNull(settingsFrames, "settingsFrames");
        if (maxConcurrentStreams < 0 || maxConcurrentStreams > 0xffff_ffffL) {
            throw new IllegalArgumentException("max-concurrent-streams must be 0..2^32-1");
        }
        if (maxFrameSize < MIN_FRAME_SIZE || maxFrameSize > MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("max-frame-size must be 16384..16777215 (RFC 9113 §6.5.2)");
        }
        if (maxHeaderListSize < 0 || headerTableSize < 0 || maxContinuationFrames < 0 || maxConsecutiveEmptyFrames < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        if (maxHeaderCount < 1 || maxHeaderBlockBytes < 1 || maxSettingsPerFrame < 1 || windowUpdatesPerDataFrame < 1
                || priorityFramesPerStream < 1 || maxQueuedControlFrames < 1 || maxOutboundBufferBytes < 1
                || maxClosedStreams < 1 || maxTrackedPriorities < 1) {
            throw new IllegalArgumentException("count and size limits must be positive");
        }
    }
}
