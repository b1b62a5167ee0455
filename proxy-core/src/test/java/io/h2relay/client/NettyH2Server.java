package io.h2relay.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Netty's HTTP/2 server (test scope) with routes written per test: cleartext, prior knowledge or Upgrade: h2c.
 * Routes run on the connection's event loop and answer through a {@link Call}. It records the size of every DATA
 * frame it receives and every RST_STREAM.
 */
final class NettyH2Server implements AutoCloseable {

    interface Route {
        void handle(Call call);
    }

    /** RST_STREAM frames received: stream id and error code. */
    record Reset(int streamId, long errorCode) {}

    /** One complete request, and the means to answer it. */
    static final class Call {
        final int streamId;
        final Http2Headers headers;
        final byte[] body;
        final Http2Headers trailers;
        private final ChannelHandlerContext ctx;
        private final Handler handler;

        Call(int streamId, Http2Headers headers, byte[] body, Http2Headers trailers, ChannelHandlerContext ctx,
                Handler handler) {
            this.streamId = streamId;
            this.headers = headers;
            this.body = body;
            this.trailers = trailers;
            this.ctx = ctx;
            this.handler = handler;
        }

        String path() {
            return headers.path() == null ? "" : headers.path().toString();
        }

        /** A whole response: headers, the body in one write (split by Netty's flow controller), end. */
        void respond(int status, byte[] content, String... fields) {
            headers(status, content.length == 0, fields);
            if (content.length > 0) {
                data(content, true);
            }
        }

        void headers(int status, boolean end, String... fields) {
            Http2Headers h = new DefaultHttp2Headers().status(Integer.toString(status));
            for (int i = 0; i < fields.length; i += 2) {
                h.add(fields[i], fields[i + 1]);
            }
            handler.encoder().writeHeaders(ctx, streamId, h, 0, end, ctx.newPromise());
            handler.flush(ctx);
        }

        void data(byte[] content, boolean end) {
            handler.encoder().writeData(ctx, streamId, Unpooled.wrappedBuffer(content), 0, end, ctx.newPromise());
            handler.flush(ctx);
        }

        /** An empty DATA frame written straight to the wire (Netty's flow controller drops empty writes). */
        void emptyData() {
            handler.encoder().frameWriter().writeData(ctx, streamId, Unpooled.EMPTY_BUFFER, 0, false,
                    ctx.newPromise());
            handler.flush(ctx);
        }

        void trailers(String... fields) {
            Http2Headers h = new DefaultHttp2Headers();
            for (int i = 0; i < fields.length; i += 2) {
                h.add(fields[i], fields[i + 1]);
            }
            handler.encoder().writeHeaders(ctx, streamId, h, 0, true, ctx.newPromise());
            handler.flush(ctx);
        }

        /** PUSH_PROMISE for {@code path} on this stream, then the pushed response. */
        void push(String path, byte[] content) {
            int promised = handler.connection().local().incrementAndGetNextStreamId();
            Http2Headers request = new DefaultHttp2Headers().method("GET").scheme("http")
                    .authority(headers.authority()).path(path);
            handler.encoder().writePushPromise(ctx, streamId, promised, request, 0, ctx.newPromise());
            handler.encoder().writeHeaders(ctx, promised, new DefaultHttp2Headers().status("200"), 0, false,
                    ctx.newPromise());
            handler.encoder().writeData(ctx, promised, Unpooled.wrappedBuffer(content), 0, true, ctx.newPromise());
            handler.flush(ctx);
        }

        void goAway(int lastStreamId, long errorCode, String debug) {
            handler.goAway(ctx, lastStreamId, errorCode, Unpooled.copiedBuffer(debug, StandardCharsets.UTF_8),
                    ctx.newPromise());
            handler.flush(ctx);
        }

        /** Closes the TCP connection under the request at once: no GOAWAY, no waiting for streams (Netty's close does both). */
        void closeConnection() {
            ctx.channel().unsafe().closeForcibly();
        }

        /** Runs {@code task} later on this connection's event loop (for answers that wait on something). */
        void later(Runnable task) {
            ctx.executor().execute(task);
        }
    }

    final List<Integer> dataFrameSizes = new CopyOnWriteArrayList<>();
    final BlockingQueue<Reset> resets = new LinkedBlockingQueue<>();
    /** GOAWAY frames received: the last-stream-id and the error code. */
    final BlockingQueue<Reset> goAways = new LinkedBlockingQueue<>();
    private final Map<String, Route> routes;
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel channel;

    NettyH2Server(Map<String, Route> routes) throws InterruptedException {
        this.routes = routes;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        HttpServerCodec codec = new HttpServerCodec();
                        Handler h2 = new Builder().build();
                        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec,
                                protocol -> AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME,
                                        protocol) ? new Http2ServerUpgradeCodec(h2) : null, 1 << 20);
                        ch.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(codec, upgrade, h2));
                        ch.pipeline().addLast(new HttpObjectAggregator(1 << 20));
                        ch.pipeline().addLast(new Http1Answer());
                    }
                });
        channel = bootstrap.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** HTTP/1.1 requests that did not upgrade: a plain answer saying so. */
    private static final class Http1Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] text = "http/1.1 without upgrade".getBytes(StandardCharsets.UTF_8);
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK, Unpooled.wrappedBuffer(text));
            response.headers().set("content-length", text.length);
            ctx.writeAndFlush(response);
        }
    }

    private final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Handler, Builder> {
        Builder() {
            initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(100));
        }

        @Override
        public Handler build() {
            return super.build();
        }

        @Override
        protected Handler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                Http2Settings initialSettings) {
            Handler handler = new Handler(decoder, encoder, initialSettings);
            frameListener(handler);
            return handler;
        }
    }

    private final class Handler extends Http2ConnectionHandler implements Http2FrameListener {

        private final class Partial {
            final Http2Headers headers;
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            Http2Headers trailers;

            Partial(Http2Headers headers) {
                this.headers = headers;
            }
        }

        private final Map<Integer, Partial> partial = new HashMap<>();

        Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            super(decoder, encoder, settings);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent upgraded) {
                FullHttpRequest request = upgraded.upgradeRequest();
                request.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
                Http2Headers headers = HttpConversionUtil.toHttp2Headers(request, true);
                dispatch(ctx, new Call(1, headers, ByteBufUtil.getBytes(request.content()), null, ctx, this));
            }
            super.userEventTriggered(ctx, evt);
        }

        private void dispatch(ChannelHandlerContext ctx, Call call) {
            Route route = routes.get(call.path());
            if (route == null) {
                call.respond(404, "no route".getBytes(StandardCharsets.UTF_8));
            } else {
                route.handle(call);
            }
        }

        private void complete(ChannelHandlerContext ctx, int streamId) {
            Partial p = partial.remove(streamId);
            if (p != null) {
                dispatch(ctx, new Call(streamId, p.headers, p.body.toByteArray(), p.trailers, ctx, this));
            }
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                boolean endOfStream) {
            int length = data.readableBytes();
            dataFrameSizes.add(length);
            Partial p = partial.get(streamId);
            if (p != null) {
                byte[] bytes = new byte[length];
                data.readBytes(bytes);
                p.body.write(bytes, 0, length);
            }
            if (endOfStream) {
                complete(ctx, streamId);
            }
            return length + padding;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                boolean endOfStream) {
            Partial p = partial.get(streamId);
            if (p == null) {
                partial.put(streamId, new Partial(headers));
            } else {
                p.trailers = headers;
            }
            if (endOfStream) {
                complete(ctx, streamId);
            }
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            partial.remove(streamId);
            resets.add(new Reset(streamId, errorCode));
        }

        @Override
        public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
                boolean exclusive) {
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) {
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
        }

        @Override
        public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId,
                Http2Headers headers, int padding) {
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            goAways.add(new Reset(lastStreamId, errorCode));
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        }

        @Override
        public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
                ByteBuf payload) {
        }
    }
}
