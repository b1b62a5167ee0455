package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Netty's HTTP/2 client as the peer: a gRPC-style exchange, trailers both ways, several streams at once. */
class NettyClientTest {

    @RegisterExtension
    static final OriginKit ORIGIN = OriginKit.withProxy();
    private static NioEventLoopGroup group;
    private static Channel channel;

    @BeforeAll
    static void start() throws Exception {
        group = new NioEventLoopGroup(1);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                // no pushes expected
                            }
                        }));
                    }
                })
                .connect(ORIGIN.proxy().address("main")).sync().channel();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** What one stream received. */
    record Received(Http2Headers head, byte[] body, Http2Headers trailers) {}

    private static CompletableFuture<Received> exchange(Http2Headers head, byte[] body, Http2Headers trailers)
            throws InterruptedException {
        CompletableFuture<Received> result = new CompletableFuture<>();
        List<Http2Headers> heads = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                .handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                        boolean end = false;
                        if (frame instanceof Http2HeadersFrame h) {
                            heads.add(h.headers());
                            end = h.isEndStream();
                        } else if (frame instanceof Http2DataFrame d) {
                            ByteBuf content = d.content();
                            byte[] bytes = new byte[content.readableBytes()];
                            content.readBytes(bytes);
                            data.write(bytes, 0, bytes.length);
                            end = d.isEndStream();
                        }
                        if (end) {
                            Http2Headers last = heads.size() > 1 ? heads.get(heads.size() - 1) : null;
                            result.complete(new Received(heads.get(0), data.toByteArray(), last));
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        result.completeExceptionally(cause);
                    }
                }).open().sync().getNow();
        stream.write(new DefaultHttp2HeadersFrame(head, false));
        stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), trailers == null));
        if (trailers != null) {
            stream.write(new DefaultHttp2HeadersFrame(trailers, true));
        }
        stream.flush();
        return result;
    }

    private static Http2Headers grpcRequest() {
        return new DefaultHttp2Headers().method("POST").scheme("http").authority("grpc.example").path("/echo")
                .add("content-type", "application/grpc").add("te", "trailers");
    }

    @Test
    void aGrpcStyleExchangeCarriesTrailersBothWays() throws Exception {
        byte[] body = new byte[70_000];
        new Random(7).nextBytes(body);
        Received r = exchange(grpcRequest(), body, new DefaultHttp2Headers().add("grpc-status", "0")
                .add("x-request-trailer", "sent")).get(20, TimeUnit.SECONDS);
        assertEquals("200", r.head().status().toString());
        assertEquals("application/grpc", r.head().get("content-type").toString());
        assertArrayEquals(body, r.body());
        assertEquals("0", r.trailers().get("grpc-status").toString());
        assertEquals("sent", r.trailers().get("x-request-trailer").toString());
    }

    @Test
    void severalStreamsAtOnceEachGetTheirOwnBody() throws Exception {
        List<CompletableFuture<Received>> results = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] body = new byte[10_000 * (i + 1)];
            new Random(i).nextBytes(body);
            bodies.add(body);
            results.add(exchange(grpcRequest(), body, null));
        }
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(bodies.get(i), results.get(i).get(20, TimeUnit.SECONDS).body(), "stream " + i);
        }
    }
}
