package io.h2relay.io;

import io.h2relay.io.SocketEvent.PeerClosed;
import io.h2relay.io.SocketEvent.Received;
import io.h2relay.io.SocketEvent.Writable;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;

/**
 * Measurement only, not a test: the thinnest HTTP/1.1 keep-alive server on each transport, to choose the socket layer
 * by load (h2load --h1). It counts request ends ("\r\n\r\n") and answers each with the same 200 carrying 1 KiB; no
 * other parsing, so what is measured is the I/O path. A Netty responder with the same logic is the JVM reference.
 *
 * <p>Usage: {@code java -cp ... io.h2relay.io.Http1Responder classic|streams|netty PORT}; Pekko knobs come in as
 * {@code -Dpekko...} system properties.
 */
public final class Http1Responder {

    private static final byte[] RESPONSE = response();

    private Http1Responder() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        if (mode.equals("netty")) {
            netty(address);
            return;
        }
        Transport.Kind kind = Transport.Kind.parse(mode);
        ActorSystem<Accepted> system = ActorSystem.create(Behaviors.setup(ctx -> {
            Transport.create(ctx.getSystem(), kind).bind(address, ctx.getSelf())
                    .thenAccept(b -> System.out.println("listening " + kind + " " + b.localAddress()));
            return Behaviors.receive((c, accepted) -> {
                c.spawnAnonymous(connection(accepted));
                return Behaviors.same();
            });
        }), "responder");
        system.getWhenTerminated().toCompletableFuture().join();
    }

    private sealed interface Msg {}

    private record Net(SocketEvent event) implements Msg {}

    private static Behavior<Msg> connection(Accepted accepted) {
        ByteString response = ByteString.fromArrayUnsafe(RESPONSE);
        int limit = 256 * 1024; // stop reading while this much waits to be written
        return Behaviors.setup(ctx -> {
            Socket socket = accepted.attach(ctx, Net::new);
            RequestCounter counter = new RequestCounter();
            boolean[] holding = {false};
            return Behaviors.receive(Msg.class)
                    .onMessage(Net.class, n -> {
                        SocketEvent e = n.event();
                        if (e instanceof Received r) {
                            int requests = counter.count(r.bytes().asByteBuffer());
                            if (requests > 0) {
                                ByteString out = response;
                                for (int i = 1; i < requests; i++) {
                                    out = out.concat(response);
                                }
                                socket.write(out);
                            }
                            if (socket.pendingBytes() < limit) {
                                socket.resumeReading();
                            } else {
                                holding[0] = true;
                            }
                        } else if (e instanceof Writable && holding[0] && socket.pendingBytes() < limit) {
                            holding[0] = false;
                            socket.resumeReading();
                        } else if (e instanceof PeerClosed) {
                            socket.close();
                        } else if (TestConnections.terminal(e)) {
                            return Behaviors.stopped();
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** Counts "\r\n\r\n" across reads. */
    static final class RequestCounter {

        private int matched;

        int count(ByteBuffer bytes) {
            int requests = 0;
            for (int i = bytes.position(), end = bytes.limit(); i < end; i++) {
                byte b = bytes.get(i);
                if (b == '\r') {
                    matched = matched == 2 ? 3 : 1;
                } else if (b == '\n' && (matched == 1 || matched == 3)) {
                    if (++matched == 4) {
                        requests++;
                        matched = 0;
                    }
                } else {
                    matched = 0;
                }
            }
            return requests;
        }
    }

    private static void netty(InetSocketAddress address) throws InterruptedException {
        NioEventLoopGroup group = new NioEventLoopGroup(2);
        ByteBuf response = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(RESPONSE));
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        RequestCounter counter = new RequestCounter();
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext c, Object msg) {
                                ByteBuf in = (ByteBuf) msg;
                                int requests = counter.count(in.nioBuffer());
                                in.release();
                                for (int i = 0; i < requests; i++) {
                                    c.write(response.duplicate());
                                }
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext c) {
                                c.flush();
                            }
                        });
                    }
                })
                .bind(address).sync();
        System.out.println("listening netty " + address);
        group.terminationFuture().sync();
    }

    private static byte[] response() {
        byte[] head = ("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 1024\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + 1024];
        System.arraycopy(head, 0, all, 0, head.length);
        java.util.Arrays.fill(all, head.length, all.length, (byte) 'x');
        return all;
    }
}
