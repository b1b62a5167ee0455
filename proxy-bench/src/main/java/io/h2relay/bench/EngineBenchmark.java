package io.h2relay.bench;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.engine.H2Connection;
import io.h2relay.hpack.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A server engine answering request/response cycles in memory, beside Netty's {@code Http2FrameCodec} on an
 * {@code EmbeddedChannel} doing the same work on the same bytes.
 *
 * <p>One operation is one batch of {@code requests} GETs (HEADERS with END_STREAM, 7 fields; see {@link EngineWire})
 * read in one buffer, each answered with HEADERS ({@code :status 200}, content-type, content-length) and one DATA frame
 * of {@code bodySize} octets ending the stream, and everything written drained. The handler on each side reads the
 * request's {@code :path}. Both sides run with their defaults (inbound header validation on, 16 KiB frames).
 * <ul>
 *   <li>{@code *LongLived}: one connection per iteration; each operation is the next batch on it (stream identifiers
 *   move on, HPACK fields come from the dynamic table). This is a proxy's downstream connection at work.</li>
 *   <li>{@code *Fresh}: each operation is a whole connection: created, handshake, one batch, GOAWAY, drained.</li>
 * </ul>
 * Ours: {@code receiveData} → events → {@code sendHeaders} + {@code sendData} → {@code dataToSend()} (one byte[]
 * of output per operation). Netty: {@code writeInbound} → {@code Http2HeadersFrame}s → {@code DefaultHttp2HeadersFrame}
 * + {@code DefaultHttp2DataFrame} (a retained duplicate of the body) written, flushed at read-complete, every outbound
 * {@code ByteBuf} read and released. {@code setUp} checks each side's output with a frame reader and HPACK decoder.
 *
 * <p>Run: {@code java -jar proxy-bench/target/benchmarks.jar Engine -f 1 -wi 3 -i 5 -w 1 -r 1 -prof gc};
 * on a busy machine also {@link EngineCpuTime}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBenchmark {

    static final List<Header> RESPONSE = List.of(
            Header.of(":status", "200"),
            Header.of("content-type", "text/plain"),
            Header.of("content-length", "1024"));

    @Param("100")
    public int requests;

    private EngineWire wire;
    private byte[] freshInput;
    private byte[] batch;
    private ByteBuffer ourBody;
    private ByteBuf nettyBody;
    private Http2Headers nettyResponse;

    private H2Connection ours;
    private int oursBatches;
    private EmbeddedChannel netty;
    private NettyResponder nettyResponder;
    private int nettyBatches;

    @Setup(Level.Trial)
    public void setUp() {
        int bodySize = Integer.parseInt(RESPONSE.get(2).value());
        wire = new EngineWire(requests, bodySize);
        freshInput = wire.freshConnection();
        batch = wire.nextBatch.clone();
        ourBody = ByteBuffer.wrap(new byte[bodySize]).asReadOnlyBuffer();
        nettyBody = Unpooled.wrappedBuffer(new byte[bodySize]);
        nettyResponse = new DefaultHttp2Headers().status("200").add("content-type", "text/plain")
                .add("content-length", Integer.toString(bodySize));
        verify();
    }

    @Setup(Level.Iteration)
    public void newConnections() {
        ours = new H2Connection(H2Configuration.server());
        ours.initiateConnection();
        serveOurs(ours, freshInput);
        oursBatches = 0;
        if (netty != null) {
            netty.finishAndReleaseAll();
        }
        nettyResponder = new NettyResponder(nettyResponse, nettyBody);
        netty = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), nettyResponder);
        serveNetty(netty, freshInput);
        nettyBatches = 0;
    }

    // -- ours

    @Benchmark
    public long oursLongLived() {
        wire.renumber(batch, oursBatches++);
        return serveOurs(ours, batch);
    }

    @Benchmark
    public long oursFresh() {
        H2Connection server = new H2Connection(H2Configuration.server());
        server.initiateConnection();
        long check = serveOurs(server, freshInput);
        server.closeConnection();
        return check + server.dataToSend().length;
    }

    private long serveOurs(H2Connection server, byte[] input) {
        List<Event> events = server.receiveData(ByteBuffer.wrap(input));
        long check = 0;
        for (int i = 0, n = events.size(); i < n; i++) {
            if (events.get(i) instanceof Event.RequestReceived r) {
                check += pathLength(r.headers());
                server.sendHeaders(r.streamId(), RESPONSE, false);
                server.sendData(r.streamId(), ourBody, true);
            }
        }
        return check + server.dataToSend().length;
    }

    private static int pathLength(List<Header> headers) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header h = headers.get(i);
            if (h.name().equals(":path")) {
                return h.value().length();
            }
        }
        return 0;
    }

    // -- Netty

    @Benchmark
    public long nettyLongLived() {
        wire.renumber(batch, nettyBatches++);
        return serveNetty(netty, batch);
    }

    @Benchmark
    public long nettyFresh() {
        NettyResponder responder = new NettyResponder(nettyResponse, nettyBody);
        EmbeddedChannel channel = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), responder);
        long check = serveNetty(channel, freshInput);
        channel.close();
        return check + drain(channel);
    }

    private long serveNetty(EmbeddedChannel channel, byte[] input) {
        NettyResponder responder = channel.pipeline().get(NettyResponder.class);
        responder.check = 0;
        channel.writeInbound(Unpooled.wrappedBuffer(input));
        return responder.check + drain(channel);
    }

    private static long drain(EmbeddedChannel channel) {
        long bytes = 0;
        for (Object m; (m = channel.readOutbound()) != null; ) {
            bytes += ((ByteBuf) m).readableBytes();
            ReferenceCountUtil.release(m);
        }
        return bytes;
    }

    /** Answers every request as it arrives; the codec flushes at read-complete. */
    static final class NettyResponder extends ChannelInboundHandlerAdapter {
        private final Http2Headers response;
        private final ByteBuf body;
        long check;

        NettyResponder(Http2Headers response, ByteBuf body) {
            this.response = response;
            this.body = body;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                check += h.headers().path().length();
                Http2FrameStream stream = h.stream();
                ctx.write(new DefaultHttp2HeadersFrame(response, false).stream(stream));
                ctx.write(new DefaultHttp2DataFrame(body.retainedDuplicate(), true).stream(stream));
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    // -- checks

    /** Both servers must answer every request completely, fresh and long-lived, or the comparison means nothing. */
    private void verify() {
        H2Connection server = new H2Connection(H2Configuration.server());
        server.initiateConnection();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(server.dataToSend());
        List<Event> events = server.receiveData(ByteBuffer.wrap(freshInput));
        answer(server, events);
        out.writeBytes(server.dataToSend());
        for (int k = 0; k < 3; k++) {
            wire.renumber(batch, k);
            answer(server, server.receiveData(ByteBuffer.wrap(batch)));
            out.writeBytes(server.dataToSend());
        }
        wire.checkResponses(out.toByteArray(), 4 * requests);
        if (ourBody.remaining() != ourBody.capacity()) {
            throw new IllegalStateException("sendData moved the body buffer's position");
        }

        EmbeddedChannel channel = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(),
                new NettyResponder(nettyResponse, nettyBody));
        out.reset();
        collect(channel, out);
        channel.writeInbound(Unpooled.wrappedBuffer(freshInput));
        collect(channel, out);
        for (int k = 0; k < 3; k++) {
            wire.renumber(batch, k);
            channel.writeInbound(Unpooled.wrappedBuffer(batch));
            collect(channel, out);
        }
        channel.checkException();
        wire.checkResponses(out.toByteArray(), 4 * requests);
        channel.finishAndReleaseAll();
        if (nettyBody.refCnt() != 1) {
            throw new IllegalStateException("Netty body reference count " + nettyBody.refCnt());
        }
    }

    private void answer(H2Connection server, List<Event> events) {
        for (Event e : events) {
            if (e instanceof Event.RequestReceived r) {
                server.sendHeaders(r.streamId(), RESPONSE, false);
                server.sendData(r.streamId(), ourBody, true);
            } else if (e instanceof Event.ConnectionTerminated || e instanceof Event.StreamReset) {
                throw new IllegalStateException("our server: " + e);
            }
        }
    }

    private static void collect(EmbeddedChannel channel, ByteArrayOutputStream out) {
        for (Object m; (m = channel.readOutbound()) != null; ) {
            out.writeBytes(ByteBufUtil.getBytes((ByteBuf) m));
            ReferenceCountUtil.release(m);
        }
    }
}
