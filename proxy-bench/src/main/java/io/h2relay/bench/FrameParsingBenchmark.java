package io.h2relay.bench;

import io.h2relay.frame.FrameException;
import io.h2relay.frame.FrameHandler;
import io.h2relay.frame.FrameReader;
import io.h2relay.frame.FrameWriter;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.SettingId;
import io.h2relay.frame.Settings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.EmptyHttp2Headers;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Frame parsing: h2relay's {@link FrameReader} beside Netty's {@link DefaultHttp2FrameReader} on the same bytes, one
 * operation = one read's worth of a busy connection (8 requests of HEADERS + 1 KiB DATA + WINDOW_UPDATE, then a
 * connection WINDOW_UPDATE, SETTINGS, SETTINGS ACK and PING: 28 frames, 8,831 octets).
 *
 * <p>Neither side decodes HPACK: Netty gets a headers decoder that returns an empty header list (it still gathers
 * the field block into a buffer of its own, which is part of its frame reader), our reader hands the fragment on.
 * Listeners/handlers only feed a Blackhole.
 *
 * <ul>
 *   <li>{@code *Whole}: the whole batch arrives in one buffer.</li>
 *   <li>{@code *Segmented}: the same bytes arrive in 1,460-octet reads (a TCP segment), so frames straddle reads.
 *       Netty's reader needs its caller to accumulate partial frames; this mirrors ByteToMessageDecoder's default
 *       MERGE_CUMULATOR (copy each read into one cumulation buffer, discard what was read).</li>
 * </ul>
 *
 * <p>Run: {@code java -jar proxy-bench/target/benchmarks.jar FrameParsing -f 1 -wi 3 -i 5 -w 1 -r 1 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameParsingBenchmark {

    static final int REQUESTS = 8;
    static final int FRAMES = REQUESTS * 3 + 4;
    static final int SEGMENT = 1460;

    private byte[] wire;

    private FrameReader ours;
    private ByteBuffer oursInput;
    private OurHandler ourHandler;

    private DefaultHttp2FrameReader netty;
    private ByteBuf nettyInput;
    private ByteBuf nettyCumulation;
    private NettyListener nettyListener;
    private ChannelHandlerContext ctx;

    @Setup
    public void setUp(Blackhole bh) throws Exception {
        wire = mix();
        ours = new FrameReader(16384);
        oursInput = ByteBuffer.wrap(wire);
        ourHandler = new OurHandler(bh);

        netty = new DefaultHttp2FrameReader(new NoHpack());
        nettyInput = Unpooled.wrappedBuffer(wire);
        nettyCumulation = Unpooled.buffer(32 * 1024);
        nettyListener = new NettyListener(bh);
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ctx = channel.pipeline().firstContext();

        // Both parsers must see every frame, or the comparison means nothing.
        for (Runnable run : List.<Runnable>of(this::runOursWhole, this::runOursSegmented, this::runNettyWhole,
                this::runNettySegmented)) {
            ourHandler.frames = 0;
            nettyListener.frames = 0;
            run.run();
            int seen = ourHandler.frames + nettyListener.frames;
            if (seen != FRAMES) {
                throw new IllegalStateException("parser saw " + seen + " frames, expected " + FRAMES);
            }
        }
    }

    /** The octets of one busy read, written with our writer (Netty parsing them doubles as a check of it). */
    static byte[] mix() {
        FrameWriter w = new FrameWriter();
        byte[] block = new byte[40];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (0x80 | (i % 61 + 1)); // indexed fields; nobody decodes them here
        }
        byte[] body = new byte[1024];
        for (int i = 0; i < REQUESTS; i++) {
            int stream = 2 * i + 1;
            w.headers(stream, ByteBuffer.wrap(block), false, i == 0 ? new PriorityFields(0, false, 16) : null, 0,
                    16384);
            w.data(stream, ByteBuffer.wrap(body), true, 0);
            w.windowUpdate(stream, 1024);
        }
        w.windowUpdate(0, 8 * 1024);
        w.settings(new Settings().put(SettingId.MAX_CONCURRENT_STREAMS, 100)
                .put(SettingId.INITIAL_WINDOW_SIZE, 1 << 20).put(SettingId.MAX_HEADER_LIST_SIZE, 65536));
        w.settingsAck();
        w.ping(false, 0x1122334455667788L);
        return w.take(Integer.MAX_VALUE);
    }

    @Benchmark
    public void h2relayWhole() throws FrameException {
        oursInput.clear();
        ours.read(oursInput, ourHandler);
    }

    @Benchmark
    public void nettyWhole() throws Http2Exception {
        nettyInput.readerIndex(0);
        netty.readFrame(ctx, nettyInput, nettyListener);
    }

    @Benchmark
    public void h2relaySegmented() throws FrameException {
        ByteBuffer in = oursInput;
        for (int off = 0; off < wire.length; off += SEGMENT) {
            in.limit(Math.min(off + SEGMENT, wire.length)).position(off);
            ours.read(in, ourHandler);
        }
    }

    @Benchmark
    public void nettySegmented() throws Http2Exception {
        ByteBuf cumulation = nettyCumulation;
        cumulation.clear();
        for (int off = 0; off < wire.length; off += SEGMENT) {
            cumulation.writeBytes(wire, off, Math.min(SEGMENT, wire.length - off));
            netty.readFrame(ctx, cumulation, nettyListener);
            cumulation.discardReadBytes();
        }
    }

    private void runOursWhole() {
        try {
            h2relayWhole();
        } catch (FrameException e) {
            throw new IllegalStateException(e);
        }
    }

    private void runOursSegmented() {
        try {
            h2relaySegmented();
        } catch (FrameException e) {
            throw new IllegalStateException(e);
        }
    }

    private void runNettyWhole() {
        try {
            nettyWhole();
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void runNettySegmented() {
        try {
            nettySegmented();
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Consumes what each callback gets, nothing more. */
    static final class OurHandler implements FrameHandler {
        private final Blackhole bh;
        int frames;

        OurHandler(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void data(int streamId, boolean endStream, ByteBuffer data, int flowControlledLength) {
            frames++;
            bh.consume(data);
            bh.consume(flowControlledLength);
        }

        @Override
        public void headers(int streamId, boolean endStream, boolean endHeaders, PriorityFields priority,
                ByteBuffer fragment) {
            frames++;
            bh.consume(fragment);
            bh.consume(priority);
        }

        @Override
        public void priority(int streamId, PriorityFields priority) {
            frames++;
            bh.consume(priority);
        }

        @Override
        public void rstStream(int streamId, int errorCode) {
            frames++;
            bh.consume(errorCode);
        }

        @Override
        public void settings(boolean ack, Settings settings) {
            frames++;
            bh.consume(settings);
        }

        @Override
        public void pushPromise(int streamId, int promisedStreamId, boolean endHeaders, ByteBuffer fragment) {
            frames++;
            bh.consume(fragment);
        }

        @Override
        public void ping(boolean ack, long opaqueData) {
            frames++;
            bh.consume(opaqueData);
        }

        @Override
        public void goAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
            frames++;
            bh.consume(debugData);
        }

        @Override
        public void windowUpdate(int streamId, int increment) {
            frames++;
            bh.consume(increment);
        }

        @Override
        public void continuation(int streamId, boolean endHeaders, ByteBuffer fragment) {
            frames++;
            bh.consume(fragment);
        }

        @Override
        public void altSvc(int streamId, String origin, String fieldValue) {
            frames++;
            bh.consume(fieldValue);
        }

        @Override
        public void origin(List<String> origins) {
            frames++;
            bh.consume(origins);
        }

        @Override
        public void priorityUpdate(int prioritizedStreamId, String fieldValue) {
            frames++;
            bh.consume(fieldValue);
        }

        @Override
        public void unknown(int type, int flags, int streamId, ByteBuffer payload) {
            frames++;
            bh.consume(payload);
        }

        @Override
        public void streamError(int streamId, int errorCode, String reason) {
            throw new IllegalStateException(reason);
        }
    }

    /** Netty's no-op adapter, plus the same Blackhole feeding as ours. */
    static final class NettyListener extends Http2FrameAdapter {
        private final Blackhole bh;
        int frames;

        NettyListener(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                boolean endOfStream) {
            frames++;
            bh.consume(data);
            return data.readableBytes() + padding;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                boolean endStream) {
            frames++;
            bh.consume(headers);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                short weight, boolean exclusive, int padding, boolean endStream) {
            frames++;
            bh.consume(headers);
            bh.consume(weight);
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            frames++;
            bh.consume(settings);
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) {
            frames++;
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            frames++;
            bh.consume(data);
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
            frames++;
            bh.consume(windowSizeIncrement);
        }
    }

    /** Skips HPACK so that both sides do framing only. */
    static final class NoHpack implements Http2HeadersDecoder, Http2HeadersDecoder.Configuration {
        @Override
        public Http2Headers decodeHeaders(int streamId, ByteBuf headerBlock) {
            headerBlock.skipBytes(headerBlock.readableBytes());
            return EmptyHttp2Headers.INSTANCE;
        }

        @Override
        public Configuration configuration() {
            return this;
        }

        @Override
        public void maxHeaderTableSize(long max) {}

        @Override
        public long maxHeaderTableSize() {
            return 4096;
        }

        @Override
        public void maxHeaderListSize(long max, long goAwayMax) {}

        @Override
        public long maxHeaderListSize() {
            return Long.MAX_VALUE;
        }

        @Override
        public long maxHeaderListSizeGoAway() {
            return Long.MAX_VALUE;
        }
    }
}
