package io.h2relay.bench;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.engine.H2Connection;
import io.h2relay.frame.FrameException;
import io.h2relay.frame.FrameHandler;
import io.h2relay.frame.FrameReader;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.Settings;
import io.h2relay.hpack.Header;
import io.h2relay.hpack.HpackDecoder;
import io.h2relay.hpack.HpackException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client side of {@link EngineBenchmark}: the request bytes both servers read, written once by our client engine
 * talking to our server engine, and a checker for what a server writes back.
 *
 * <p>A connection is {@link #handshake} (client magic, SETTINGS, SETTINGS ACK), then batches of requests, each a
 * connection WINDOW_UPDATE giving back the previous batch's response bytes followed by {@code requests} GETs with
 * END_STREAM. After the first batch every field is in the HPACK dynamic table, so all later batches are the same
 * octets but for their stream identifiers: {@link #renumber} writes batch {@code k} from {@link #nextBatch} in place.
 */
final class EngineWire {

    static final List<Header> REQUEST = List.of(
            Header.of(":method", "GET"),
            Header.of(":scheme", "http"),
            Header.of(":authority", "localhost:8080"),
            Header.of(":path", "/index.html"),
            Header.of("user-agent", "h2relay-bench/1.0"),
            Header.of("accept", "*/*"),
            Header.of("accept-encoding", "gzip, deflate"));

    final int requests;
    final int bodySize;
    final byte[] handshake;
    final byte[] firstBatch;
    final byte[] nextBatch;
    /** Offsets in {@link #nextBatch} of the stream-identifier fields of its frames on streams other than 0. */
    private final int[] idOffsets;
    private final int[] baseIds;

    EngineWire(int requests, int bodySize) {
        this.requests = requests;
        this.bodySize = bodySize;
        H2Connection client = new H2Connection(H2Configuration.client());
        H2Connection server = new H2Connection(H2Configuration.server());
        client.initiateConnection();
        server.initiateConnection();
        client.receiveData(ByteBuffer.wrap(server.dataToSend()));
        handshake = client.dataToSend();
        server.receiveData(ByteBuffer.wrap(handshake));
        client.receiveData(ByteBuffer.wrap(server.dataToSend()));
        ByteBuffer body = ByteBuffer.wrap(new byte[bodySize]);
        byte[][] batches = new byte[3][];
        for (int b = 0; b < batches.length; b++) {
            client.incrementFlowControlWindow(requests * bodySize, 0);
            for (int i = 0; i < requests; i++) {
                client.sendHeaders(client.nextAvailableStreamId(), REQUEST, true);
            }
            batches[b] = client.dataToSend();
            // The generating server answers, so the client's streams close before the next batch.
            for (Event e : server.receiveData(ByteBuffer.wrap(batches[b]))) {
                if (e instanceof Event.RequestReceived r) {
                    server.sendHeaders(r.streamId(), EngineBenchmark.RESPONSE, false);
                    server.sendData(r.streamId(), body, true);
                }
            }
            client.receiveData(ByteBuffer.wrap(server.dataToSend()));
        }
        firstBatch = batches[0];
        nextBatch = batches[1];
        int[][] ids = streamIds(nextBatch);
        idOffsets = ids[0];
        baseIds = ids[1];
        if (idOffsets.length != requests) {
            throw new IllegalStateException("expected one frame per request in a batch, found " + idOffsets.length);
        }
        byte[] third = nextBatch.clone();
        renumber(third, 1);
        if (!Arrays.equals(third, batches[2])) {
            throw new IllegalStateException("batches differ beyond their stream identifiers");
        }
    }

    /** handshake + first batch: a new connection's input. */
    byte[] freshConnection() {
        byte[] all = Arrays.copyOf(handshake, handshake.length + firstBatch.length);
        System.arraycopy(firstBatch, 0, all, handshake.length, firstBatch.length);
        return all;
    }

    /** Rewrites {@code target} (a copy of {@link #nextBatch}) into the batch {@code k} after it. */
    void renumber(byte[] target, int k) {
        int shift = 2 * requests * k;
        for (int i = 0; i < idOffsets.length; i++) {
            int id = baseIds[i] + shift;
            int at = idOffsets[i];
            target[at] = (byte) (id >>> 24);
            target[at + 1] = (byte) (id >>> 16);
            target[at + 2] = (byte) (id >>> 8);
            target[at + 3] = (byte) id;
        }
    }

    /** Batches a connection can take before its stream identifiers run out (RFC 9113 §5.1.1). */
    long maxBatches() {
        return (Integer.MAX_VALUE - (long) baseIds[baseIds.length - 1]) / (2L * requests);
    }

    private static int[][] streamIds(byte[] wire) {
        int n = 0;
        int[] offsets = new int[wire.length / 9];
        int[] ids = new int[offsets.length];
        for (int at = 0; at < wire.length; ) {
            int length = (wire[at] & 0xff) << 16 | (wire[at + 1] & 0xff) << 8 | (wire[at + 2] & 0xff);
            int id = ByteBuffer.wrap(wire, at + 5, 4).getInt() & Integer.MAX_VALUE;
            if (id != 0) {
                offsets[n] = at + 5;
                ids[n++] = id;
            }
            at += 9 + length;
        }
        return new int[][] {Arrays.copyOf(offsets, n), Arrays.copyOf(ids, n)};
    }

    /**
     * Checks a server's whole output since its connection began: {@code expected} responses, each HEADERS with
     * {@code :status 200} and exactly {@code bodySize} octets of DATA ending the stream; no RST_STREAM or error GOAWAY.
     */
    void checkResponses(byte[] output, int expected) {
        Checker checker = new Checker();
        try {
            new FrameReader(16384).read(ByteBuffer.wrap(output), checker);
        } catch (FrameException e) {
            throw new IllegalStateException("unreadable server output", e);
        }
        if (checker.statuses != expected || checker.complete != expected) {
            throw new IllegalStateException("expected " + expected + " responses, saw " + checker.statuses
                    + " header blocks and " + checker.complete + " complete bodies");
        }
    }

    private final class Checker implements FrameHandler {
        final HpackDecoder decoder = new HpackDecoder(1 << 20);
        final Map<Integer, Integer> bodies = new HashMap<>();
        int statuses;
        int complete;

        @Override
        public void headers(int streamId, boolean endStream, boolean endHeaders, PriorityFields priority,
                ByteBuffer fragment) {
            if (!endHeaders || endStream) {
                throw new IllegalStateException("unexpected HEADERS framing on stream " + streamId);
            }
            List<Header> headers;
            try {
                headers = decoder.decode(fragment);
            } catch (HpackException e) {
                throw new IllegalStateException(e);
            }
            if (!headers.get(0).equals(Header.of(":status", "200"))) {
                throw new IllegalStateException("stream " + streamId + ": " + headers);
            }
            statuses++;
        }

        @Override
        public void data(int streamId, boolean endStream, ByteBuffer data, int flowControlledLength) {
            int total = bodies.merge(streamId, data.remaining(), Integer::sum);
            if (endStream) {
                if (total != bodySize) {
                    throw new IllegalStateException("stream " + streamId + " carried " + total + " octets");
                }
                complete++;
            }
        }

        @Override
        public void rstStream(int streamId, int errorCode) {
            throw new IllegalStateException("RST_STREAM " + errorCode + " on " + streamId);
        }

        @Override
        public void goAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
            if (errorCode != 0) {
                throw new IllegalStateException("GOAWAY " + errorCode);
            }
        }

        @Override
        public void settings(boolean ack, Settings settings) {
        }

        @Override
        public void windowUpdate(int streamId, int increment) {
        }

        @Override
        public void ping(boolean ack, long opaqueData) {
        }

        @Override
        public void priority(int streamId, PriorityFields priority) {
        }

        @Override
        public void pushPromise(int streamId, int promisedStreamId, boolean endHeaders, ByteBuffer fragment) {
            throw new IllegalStateException("PUSH_PROMISE");
        }

        @Override
        public void continuation(int streamId, boolean endHeaders, ByteBuffer fragment) {
            throw new IllegalStateException("CONTINUATION");
        }

        @Override
        public void altSvc(int streamId, String origin, String fieldValue) {
        }

        @Override
        public void origin(List<String> origins) {
        }

        @Override
        public void priorityUpdate(int prioritizedStreamId, String fieldValue) {
        }

        @Override
        public void unknown(int type, int flags, int streamId, ByteBuffer payload) {
        }

        @Override
        public void streamError(int streamId, int errorCode, String reason) {
            throw new IllegalStateException("malformed frame on " + streamId + ": " + reason);
        }
    }
}
