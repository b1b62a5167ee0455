package io.h2relay.engine;

/**
 * Per-connection abuse accounting (PROXY_ANCHORS.md §2, "keep per-connection abuse accounting"). Each check counts
 * and, when a budget is spent, records the trip and throws {@link DenialOfServiceError} (ENHANCE_YOUR_CALM) whose
 * message names the limit; the engine turns it into GOAWAY with that message as debug data.
 */
final class AbuseGuard {

    private final AbuseLimits limits;
    private final TokenBucket peerResetBudget;
    private final TokenBucket localResetBudget;
    private final TokenBucket pingBudget;
    private final TokenBucket settingsBudget;
    private final TokenBucket extensionBudget;
    private final TokenBucket headerListBudget;
    private long now;

    private long peerResets;
    private long localResets;
    private long refusedStreams;
    private long pings;
    private long settingsFrames;
    private long emptyFrames;
    private int consecutiveEmptyFrames;
    private long windowUpdates;
    private long priorityFrames;
    private long continuationFrames;
    private long oversizedHeaderLists;
    private long openedStreams;
    private long dataFramesSent;
    private long extensionFrames;
    private String tripped;

    AbuseGuard(AbuseLimits limits) {
        this.limits = limits;
        this.peerResetBudget = new TokenBucket(limits.peerResets());
        this.localResetBudget = new TokenBucket(limits.localResets());
        this.pingBudget = new TokenBucket(limits.pings());
        this.settingsBudget = new TokenBucket(limits.settingsFrames());
        this.extensionBudget = new TokenBucket(limits.extensionFrames());
        this.headerListBudget = new TokenBucket(limits.headerListOverflows());
    }

    AbuseLimits limits() {
        return limits;
    }

    void setTime(long nowNanos) {
        this.now = nowNanos;
    }

    AbuseCounters counters() {
        return new AbuseCounters(peerResets, localResets, refusedStreams, pings, settingsFrames, emptyFrames,
                windowUpdates, priorityFrames, continuationFrames, oversizedHeaderLists, tripped, extensionFrames);
    }

    /** A trip decided elsewhere (header block caps, the outbound control-frame queue). */
    DenialOfServiceError trip(String reason) {
        if (tripped == null) {
            tripped = reason;
        }
        return new DenialOfServiceError(reason);
    }

    /** The peer reset an open stream (Rapid Reset, CVE-2023-44487). */
    void peerReset() {
        peerResets++;
        if (!peerResetBudget.take(now)) {
            throw trip("rapid reset: more than " + describe(limits.peerResets()) + " RST_STREAM from the peer");
        }
    }

    /** We reset a stream because the peer broke a stream-level rule (MadeYouReset, CVE-2025-8671). */
    void localReset() {
        localResets++;
        if (!localResetBudget.take(now)) {
            throw trip("too many stream errors caused by the peer: more than " + describe(limits.localResets()));
        }
    }

    /** A stream refused with REFUSED_STREAM; it draws on the same budget as other resets the peer provokes. */
    void refusedStream() {
        refusedStreams++;
        if (!localResetBudget.take(now)) {
            throw trip("too many refused streams: more than " + describe(limits.localResets()));
        }
    }

    /** A stream finished normally: it earns back one token of each reset budget (h2o's reset budget idea). */
    void streamCompleted() {
        peerResetBudget.credit();
        localResetBudget.credit();
    }

    void streamOpened() {
        openedStreams++;
    }

    void dataFrameSent() {
        dataFramesSent++;
    }

    void ping() {
        pings++;
        if (!pingBudget.take(now)) {
            throw trip("PING flood: more than " + describe(limits.pings()));
        }
    }

    void settings(int entries) {
        settingsFrames++;
        if (entries > limits.maxSettingsPerFrame()) {
            throw trip("SETTINGS frame with " + entries + " parameters, more than " + limits.maxSettingsPerFrame());
        }
        if (!settingsBudget.take(now)) {
            throw trip("SETTINGS flood: more than " + describe(limits.settingsFrames()));
        }
    }

    /** Every DATA/HEADERS/CONTINUATION frame: empty ones without END_STREAM in a row are a flood (CVE-2019-9518). */
    void payloadFrame(boolean empty, boolean endStream) {
        if (!empty || endStream) {
            consecutiveEmptyFrames = 0;
            return;
        }
        emptyFrames++;
        if (++consecutiveEmptyFrames > limits.maxConsecutiveEmptyFrames()) {
            throw trip("empty frame flood: more than " + limits.maxConsecutiveEmptyFrames()
                    + " empty frames without END_STREAM in a row");
        }
    }

    /** Envoy's budget: 5 + 2 × (opened streams + N × DATA frames sent). */
    void windowUpdate() {
        windowUpdates++;
        long budget = 5 + 2 * (openedStreams + (long) limits.windowUpdatesPerDataFrame() * dataFramesSent);
        if (windowUpdates > budget) {
            throw trip("WINDOW_UPDATE flood: " + windowUpdates + " frames for " + dataFramesSent
                    + " DATA frames sent and " + openedStreams + " streams");
        }
    }

    /** PRIORITY and PRIORITY_UPDATE (CVE-2019-9513): N × (1 + opened streams), as Envoy. */
    void priority() {
        priorityFrames++;
        if (priorityFrames > limits.priorityFramesPerStream() * (1 + openedStreams)) {
            throw trip("PRIORITY flood: " + priorityFrames + " frames for " + openedStreams + " streams");
        }
    }

    /**
     * A frame of an unknown type, or an ALTSVC or ORIGIN frame: ignored or merely reported, so each costs us parsing
     * and an event for nothing (nghttp2 counts them as "glitches").
     */
    void extensionFrame() {
        extensionFrames++;
        if (!extensionBudget.take(now)) {
            throw trip("extension frame flood: more than " + describe(limits.extensionFrames())
                    + " frames of unknown types, ALTSVC or ORIGIN");
        }
    }

    void continuation() {
        continuationFrames++;
    }

    /**
     * A header block over the header-list size or field count (cookie crumbs counted). Each one is refused on its
     * stream (431); a run of them is an HPACK bomb and spends this budget rather than the general reset budget.
     */
    void oversizedHeaderList() {
        oversizedHeaderLists++;
        if (!headerListBudget.take(now)) {
            throw trip("header list flood: more than " + describe(limits.headerListOverflows())
                    + " header blocks over " + limits.maxHeaderCount() + " fields or SETTINGS_MAX_HEADER_LIST_SIZE");
        }
    }

    /** A stream reset for an oversized header list: counted; {@link #oversizedHeaderList} spent its budget. */
    void headerListReset() {
        localResets++;
    }

    private static String describe(RateLimit r) {
        return r.burst() + " at once or " + r.perSecond() + "/s";
    }
}
