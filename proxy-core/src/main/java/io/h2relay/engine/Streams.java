package io.h2relay.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The streams of one connection: the live ones, the highest identifiers each side has used, the counts that
 * MAX_CONCURRENT_STREAMS limits (RFC 9113 §5.1.2), and a bounded memory of closed streams. A stream leaves the live
 * map the moment it closes (h2 reaped lazily: ENGINE_PARITY §8 D13); what closed it is remembered, least recently
 * closed forgotten first, so a late frame can be told apart from a protocol error (§5.1 "closed").
 */
final class Streams {

    private final boolean client;
    private final IntObjectMap<H2Stream> live = new IntObjectMap<>(16);
    private final ClosedStreams closed;
    private int highestInbound;
    private int highestOutbound;
    private int openInbound;
    private int openOutbound;
    /** Streams the peer promised us (PUSH_PROMISE) and has not started answering. */
    private int reservedRemote;

    Streams(boolean client, int maxClosedStreams) {
        this.client = client;
        this.closed = new ClosedStreams(maxClosedStreams);
    }

    /** Streams the peer opens: odd for a server, even for a client (RFC 9113 §5.1.1). */
    boolean peerInitiated(int streamId) {
        return ((streamId & 1) == 1) != client;
    }

    H2Stream get(int streamId) {
        return streamId > 0 ? live.get(streamId) : null;
    }

    int highestInbound() {
        return highestInbound;
    }

    int highestOutbound() {
        return highestOutbound;
    }

    /** Never used by its opener: above the highest identifier of its parity (RFC 9113 §5.1.1). */
    boolean isIdle(int streamId) {
        return streamId > (peerInitiated(streamId) ? highestInbound : highestOutbound) && get(streamId) == null;
    }

    /** What closed the stream, or null when it is unknown (never opened, implicitly closed or forgotten). */
    ClosedBy closedBy(int streamId) {
        return closed.get(streamId);
    }

    int openInbound() {
        return openInbound;
    }

    int openOutbound() {
        return openOutbound;
    }

    int reservedRemote() {
        return reservedRemote;
    }

    int liveCount() {
        return live.size();
    }

    /** A copy of the live streams, for loops that may close some of them. */
    List<H2Stream> all() {
        List<H2Stream> list = new ArrayList<>(live.size());
        live.forEachValue(list::add);
        return list;
    }

    /** Visits the live streams; the action must not open or close streams. */
    void forEach(Consumer<H2Stream> action) {
        live.forEachValue(action);
    }

    /** Registers a new stream and makes its identifier the highest of its side. */
    void add(H2Stream stream) {
        live.put(stream.id, stream);
        if (peerInitiated(stream.id)) {
            highestInbound = Math.max(highestInbound, stream.id);
        } else {
            highestOutbound = Math.max(highestOutbound, stream.id);
        }
        count(stream, stream.state, +1);
    }

    /**
     * A stream identifier the peer used for a stream that never came alive (refused, or ignored after GOAWAY): it
     * still implicitly closes lower idle identifiers and is remembered as closed by our reset.
     */
    void skipInbound(int streamId, ClosedBy closedBy) {
        highestInbound = Math.max(highestInbound, streamId);
        closed.put(streamId, closedBy);
    }

    /** Keeps the counts right after a stream changed state; a stream that closed leaves the live map. */
    void changed(H2Stream stream, StreamState before) {
        if (before == stream.state) {
            return;
        }
        count(stream, before, -1);
        count(stream, stream.state, +1);
        if (stream.state == StreamState.CLOSED) {
            live.remove(stream.id);
            closed.put(stream.id, stream.closedBy);
        }
    }

    private void count(H2Stream stream, StreamState state, int delta) {
        if (state == StreamState.RESERVED_REMOTE) {
            reservedRemote += delta;
        }
        if (!state.countsAsOpen()) {
            return;
        }
        if (peerInitiated(stream.id)) {
            openInbound += delta;
        } else {
            openOutbound += delta;
        }
    }
}
