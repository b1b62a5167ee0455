package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.PriorityFields;
import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * What {@link H2Connection#receiveData} (and, for the queued send mode, {@link H2Connection#pendingEvents()})
 * reports: one record per kind, as python h2's {@code h2.events}.
 *
 * <p><b>Related events.</b> A frame that means several things yields several events in a fixed order: a header
 * block's event, then {@link StreamEnded} when it carried END_STREAM, then {@link PriorityUpdated} when it carried
 * the PRIORITY flag; DATA with END_STREAM yields {@link DataReceived} then {@link StreamEnded}. Every one of them is
 * in the list, and the first also links the later ones ({@code streamEnded()}, {@code priorityUpdated()}), so a
 * handler may look at just the first.
 *
 * <p><b>Payload lifetime.</b> {@link DataReceived#data()} and {@link UnknownFrameReceived#payload()} are read-only
 * views, not copies: they stay valid until the caller overwrites the buffer it passed to {@code receiveData}.
 */
public sealed interface Event {

    /** A request header block on a new stream (server side). */
    record RequestReceived(int streamId, List<Header> headers, StreamEnded streamEnded,
            PriorityUpdated priorityUpdated) implements Event {
        public RequestReceived {
            headers = List.copyOf(headers);
        }
    }

    /** The final (non-1xx) response header block (client side). */
    record ResponseReceived(int streamId, List<Header> headers, StreamEnded streamEnded,
            PriorityUpdated priorityUpdated) implements Event {
        public ResponseReceived {
            headers = List.copyOf(headers);
        }
    }

    /** A header block after the message's first: the trailer section. It always ends the stream. */
    record TrailersReceived(int streamId, List<Header> headers, StreamEnded streamEnded,
            PriorityUpdated priorityUpdated) implements Event {
        public TrailersReceived {
            headers = List.copyOf(headers);
        }
    }

    /** A 1xx response (RFC 9110 §15.2); any number may precede the final response, none ends the stream. */
    record InformationalResponseReceived(int streamId, List<Header> headers, PriorityUpdated priorityUpdated)
            implements Event {
        public InformationalResponseReceived {
            headers = List.copyOf(headers);
        }
    }

    /**
     * A DATA frame's content.
     *
     * @param flowControlledLength the bytes this frame took from the windows, padding included (RFC 9113 §6.9.1):
     *     what to pass to {@link H2Connection#acknowledgeReceivedData}
     */
    record DataReceived(int streamId, ByteBuffer data, int flowControlledLength, StreamEnded streamEnded)
            implements Event {
        @Override
        public String toString() {
            return "DataReceived[streamId=" + streamId + ", length=" + data.remaining() + ", flowControlledLength="
                    + flowControlledLength + ", streamEnded=" + (streamEnded != null) + "]";
        }
    }

    /** A WINDOW_UPDATE from the peer (stream 0: the connection window). */
    record WindowUpdated(int streamId, int delta) implements Event {}

    /** The peer's SETTINGS, already in force and acknowledged. Unknown identifiers are included. */
    record RemoteSettingsChanged(Map<Integer, ChangedSetting> changedSettings) implements Event {}

    /** The peer acknowledged our oldest outstanding SETTINGS frame; these values are now in force. */
    record SettingsAcknowledged(Map<Integer, ChangedSetting> changedSettings) implements Event {}

    /** A PING; the ACK with the same 8 octets is already queued (RFC 9113 §6.7). */
    record PingReceived(long pingData) implements Event {}

    /** The peer's answer to one of our PINGs. */
    record PingAckReceived(long pingData) implements Event {}

    /** The peer closed its side of the stream (END_STREAM). */
    record StreamEnded(int streamId) implements Event {}

    /**
     * The stream ended abnormally.
     *
     * @param errorCode the RFC 9113 §7 code, kept raw (a peer may send codes we do not know)
     * @param remoteReset true when the peer ended the stream (its RST_STREAM, or its GOAWAY left the stream
     *     unprocessed); false when this engine reset it because the peer broke a rule, after queueing RST_STREAM
     * @param reason why this engine reset or gave up the stream; null for a peer's RST_STREAM
     */
    record StreamReset(int streamId, int errorCode, boolean remoteReset, String reason) implements Event {
        /** True when the stream was certainly not processed and may be retried (RFC 9113 §8.7). */
        public boolean refused() {
            return errorCode == ErrorCode.REFUSED_STREAM.code();
        }

        @Override
        public String toString() {
            return "StreamReset[streamId=" + streamId + ", errorCode=" + ErrorCode.nameOf(errorCode) + ", remoteReset="
                    + remoteReset + (reason != null ? ", reason=" + reason : "") + "]";
        }
    }

    /** A PUSH_PROMISE: the server will answer {@code headers} on {@code pushedStreamId} (RFC 9113 §8.4). */
    record PushedStreamReceived(int pushedStreamId, int parentStreamId, List<Header> headers) implements Event {
        public PushedStreamReceived {
            headers = List.copyOf(headers);
        }
    }

    /**
     * A priority signal: the RFC 7540 §5.3 kind (a PRIORITY frame or the HEADERS PRIORITY flag; {@code dependency}
     * set), or the RFC 9218 §7 kind (a PRIORITY_UPDATE frame; {@code fieldValue} set, e.g. {@code "u=1, i"}).
     */
    record PriorityUpdated(int streamId, PriorityFields dependency, String fieldValue) implements Event {
        public PriorityUpdated {
            if ((dependency == null) == (fieldValue == null)) {
                throw new IllegalArgumentException("exactly one of dependency and fieldValue");
            }
        }

        /** RFC 7540 weight 1..256, or -1 for an RFC 9218 signal. */
        public int weight() {
            return dependency != null ? dependency.weight() : -1;
        }

        /** RFC 7540 parent stream, or -1 for an RFC 9218 signal. */
        public int dependsOn() {
            return dependency != null ? dependency.streamDependency() : -1;
        }

        public boolean exclusive() {
            return dependency != null && dependency.exclusive();
        }
    }

    /**
     * The connection is over, or going away.
     *
     * @param remote true for the peer's GOAWAY; false when this engine found a connection error and queued its own
     *     GOAWAY (then the connection takes no more input)
     * @param additionalData the GOAWAY debug data (octets as chars), null when empty
     */
    record ConnectionTerminated(int errorCode, int lastStreamId, String additionalData, boolean remote)
            implements Event {
        @Override
        public String toString() {
            return "ConnectionTerminated[errorCode=" + ErrorCode.nameOf(errorCode) + ", lastStreamId=" + lastStreamId
                    + ", additionalData=" + additionalData + ", remote=" + remote + "]";
        }
    }

    /** An ALTSVC frame a client should act on (RFC 7838 §4); the origin of an on-stream frame is the stream's. */
    record AlternativeServiceAvailable(String origin, String fieldValue) implements Event {}

    /** An ORIGIN frame (RFC 8336 §2): the origins this connection is authoritative for (client side). */
    record OriginReceived(List<String> origins) implements Event {
        public OriginReceived {
            origins = List.copyOf(origins);
        }
    }

    /** A frame of an extension type, ignored as RFC 9113 §5.5 requires but reported. */
    record UnknownFrameReceived(int type, int flags, int streamId, ByteBuffer payload) implements Event {
        @Override
        public String toString() {
            return "UnknownFrameReceived[type=" + FrameType.nameOf(type) + ", flags=0x" + Integer.toHexString(flags)
                    + ", streamId=" + streamId + ", length=" + payload.remaining() + "]";
        }
    }

    /** Queued mode: every byte queued for the stream is now in frames (END_STREAM too, when it was queued). */
    record DataQueueDrained(int streamId) implements Event {}

    /**
     * Queued mode: the stream has queued bytes but no flow-control window (its own, or the connection's when
     * {@code connectionWindow}); it gets no turn until a WINDOW_UPDATE or SETTINGS change opens the window.
     */
    record DataQueueBlocked(int streamId, long queuedBytes, boolean connectionWindow) implements Event {}

    /** Queued mode: a blocked stream has window again; {@link H2Connection#dataToSend(int)} will send from it. */
    record DataQueueUnblocked(int streamId) implements Event {}
}
