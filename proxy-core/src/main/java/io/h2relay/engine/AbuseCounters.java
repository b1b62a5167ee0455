package io.h2relay.engine;

/**
 * What the abuse accounting of one connection has counted so far, for export as metrics. Counts are of frames or
 * events received (or, for the reset and refusal counts, of streams), whether or not they tripped a limit.
 *
 * @param peerResets RST_STREAM frames received for open streams
 * @param localResets streams this engine reset because the peer broke a stream-level rule
 * @param refusedStreams streams refused with REFUSED_STREAM: over MAX_CONCURRENT_STREAMS, or (client side) pushes
 *     promised on a stream we had reset or beyond {@link AbuseLimits#maxReservedRemoteStreams()}
 * @param pingFrames PING frames received, ACKs excluded unless they answer no PING of ours
 * @param settingsFrames SETTINGS frames received, ACKs excluded unless they answer no SETTINGS of ours
 * @param emptyFrames DATA/HEADERS/CONTINUATION frames with an empty payload and no END_STREAM
 * @param windowUpdateFrames WINDOW_UPDATE frames received
 * @param priorityFrames PRIORITY and PRIORITY_UPDATE frames received
 * @param continuationFrames CONTINUATION frames received
 * @param oversizedHeaderLists header blocks over MAX_HEADER_LIST_SIZE or the header count, refused per stream
 * @param trippedLimit the limit that ended the connection with ENHANCE_YOUR_CALM, or null
 * @param extensionFrames frames of unknown types, ALTSVC and ORIGIN received
 */
public record AbuseCounters(
        long peerResets,
        long localResets,
        long refusedStreams,
        long pingFrames,
        long settingsFrames,
        long emptyFrames,
        long windowUpdateFrames,
        long priorityFrames,
        long continuationFrames,
        long oversizedHeaderLists,
        String trippedLimit,
        long extensionFrames) {

    /** The counters before {@code extensionFrames} existed (it is 0). */
    public AbuseCounters(long peerResets, long localResets, long refusedStreams, long pingFrames, long settingsFrames,
            long emptyFrames, long windowUpdateFrames, long priorityFrames, long continuationFrames,
            long oversizedHeaderLists, String trippedLimit) {
        this(peerResets, localResets, refusedStreams, pingFrames, settingsFrames, emptyFrames, windowUpdateFrames,
                priorityFrames, continuationFrames, oversizedHeaderLists, trippedLimit, 0);
    }
}
