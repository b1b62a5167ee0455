package io.h2relay.engine.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Netty's HTTP/2 codec ({@code Http2FrameCodec} + {@code Http2MultiplexHandler}, one child channel per stream) as an
 * independent peer: a client for the engine's server side, a server for its client side.
 */
final class NettyPeers {

    private NettyPeers() {
    }

    /** A finished exchange as Netty saw it. */
    record Response(Http2Headers headers, byte[] body, Http2Headers trailers) {
        int status() {
            return Integer.parseInt(headers.status().toString());
        }

        String header(String name) {
            CharSequence v = headers.get(name);
            return v == null ? null : v.toString();
        }
    }

    /** One Netty client connection; requests run concurrently, each on its own stream. */
    static final class Client implements AutoCloseable {
        private final EventLoopGroup group = new NioEventLoopGroup(1);
        private final Channel channel;
        private final String authority;

        Client(int port) throws IOException, InterruptedException {
            this.authority = "127.0.0.1:" + port;
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    });
            var connect = b.connect("127.0.0.1", port);
            if (!connect.await(10, TimeUnit.SECONDS) || !connect.isSuccess()) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw new IOException("Netty could not connect to " + authority, connect.cause());
            }
            this.channel = connect.channel();
        }

        Http2Headers request(String method, String path) {
            return new DefaultHttp2Headers().method(method).scheme("http").authority(authority).path(path);
        }

        /** Sends the request (headers, optional body, optional trailers) on a new stream. */
        CompletableFuture<Response> send(Http2Headers headers, byte[] body, Http2Headers trailers) {
            CompletableFuture<Response> result = new CompletableFuture<>();
            new Http2StreamChannelBootstrap(channel).handler(new Collector(result)).open().addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(f.cause());
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                stream.write(new DefaultHttp2HeadersFrame(headers, body == null && trailers == null));
                if (body != null) {
                    stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), trailers == null));
                }
                if (trailers != null) {
                    stream.write(new DefaultHttp2HeadersFrame(trailers, true));
                }
                stream.flush();
            });
            return result;
        }

        CompletableFuture<Response> get(String path) {
            return send(request("GET", path), null, null);
        }

        @Override
        public void close() throws InterruptedException {
            channel.close().await(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** Gathers one stream's response; fails the future on RST_STREAM or an early close. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> result;
        private final ByteBuf body = Unpooled.buffer();
        private Http2Headers headers;
        private Http2Headers trailers;

        Collector(CompletableFuture<Response> result) {
            this.result = result;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    CharSequence status = h.headers().status();
                    if (headers == null && status != null && status.length() == 3 && status.charAt(0) == '1') {
                        return; // an interim response
                    }
                    if (headers == null) {
                        headers = h.headers();
                    } else {
                        trailers = h.headers();
                    }
                    if (h.isEndStream()) {
                        finish();
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    body.writeBytes(d.content());
                    if (d.isEndStream()) {
                        finish();
                    }
                } else if (msg instanceof Http2ResetFrame r) {
                    result.completeExceptionally(new IOException("stream reset with code " + r.errorCode()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void finish() {
            result.complete(new Response(headers, ByteBufUtil.getBytes(body), trailers));
            body.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IOException("the stream closed before its end"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
        }
    }

    /** A Netty HTTP/2 server with the routes of {@link EngineServer}: {@code /}, {@code /bytes/N}, {@code /echo}. */
    static final class Server implements AutoCloseable {
        private final EventLoopGroup group = new NioEventLoopGroup(1);
        private final Channel channel;

        Server() throws InterruptedException {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                    new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                        @Override
                                        protected void initChannel(Http2StreamChannel stream) {
                                            stream.pipeline().addLast(new Responder());
                                        }
                                    }));
                        }
                    });
            this.channel = b.bind("127.0.0.1", 0).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() throws InterruptedException {
            channel.close().await(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** Answers one request stream once it ends; request trailers come back as response trailers on /echo. */
    private static final class Responder extends ChannelInboundHandlerAdapter {
        private final ByteBuf body = Unpooled.buffer();
        private Http2Headers request;
        private Http2Headers trailers;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    if (request == null) {
                        request = h.headers();
                    } else {
                        trailers = h.headers();
                    }
                    end = h.isEndStream();
                } else if (msg instanceof Http2DataFrame d) {
                    body.writeBytes(d.content());
                    end = d.isEndStream();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
            if (end) {
                respond(ctx);
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            String path = request.path().toString();
            byte[] out;
            String status = "200";
            Http2Headers responseTrailers = null;
            if (path.equals("/")) {
                out = EngineServer.HELLO;
            } else if (path.startsWith("/bytes/")) {
                out = Bodies.pattern(Integer.parseInt(path.substring("/bytes/".length())));
            } else if (path.equals("/echo")) {
                out = ByteBufUtil.getBytes(body);
                responseTrailers = trailers;
            } else {
                status = "404";
                out = "not found\n".getBytes(StandardCharsets.US_ASCII);
            }
            body.release();
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status)
                    .setInt("content-length", out.length), false));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(out), responseTrailers == null));
            if (responseTrailers != null) {
                ctx.write(new DefaultHttp2HeadersFrame(responseTrailers, true));
            }
            ctx.flush();
        }
    }
}
