package io.h2relay.io;

import io.h2relay.io.SocketEvent.Closed;
import io.h2relay.io.SocketEvent.ConnectFailed;
import io.h2relay.io.SocketEvent.Connected;
import io.h2relay.io.SocketEvent.Failed;
import io.h2relay.io.SocketEvent.PeerClosed;
import io.h2relay.io.SocketEvent.Received;
import io.h2relay.io.SocketEvent.Writable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;

/** Connection actors used by the transport tests: scripted by the test, an echo, and a pumping client. */
final class TestConnections {

    private TestConnections() {}

    sealed interface Msg {}

    record Net(SocketEvent event) implements Msg {}

    /** Runs an action against the socket on the actor's thread. */
    record Run(Consumer<Socket> action) implements Msg {}

    record Crash() implements Msg {}

    static boolean terminal(SocketEvent e) {
        return e instanceof Closed || e instanceof Failed || e instanceof ConnectFailed;
    }

    /** Byte at stream position {@code p}: depends on the position, so loss, duplication or reordering shows. */
    static byte patternAt(long p) {
        return (byte) ((p * 2654435761L) >>> 13 ^ p >>> 20);
    }

    static ByteString pattern(long from, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = patternAt(from + i);
        }
        return ByteString.fromArrayUnsafe(b);
    }

    /**
     * Reports every event except the Writable hint to {@code events}, acknowledges reads when {@code autoAck}, adds
     * read bytes to {@code readBytes}, runs {@link Run} actions, throws on {@link Crash}, stops after a terminal event.
     */
    static Behavior<Msg> scripted(Function<ActorContext<Msg>, Socket> open, ActorRef<SocketEvent> events,
            boolean autoAck, AtomicLong readBytes) {
        // Crashes are on purpose here: stop without logging the stack trace.
        return Behaviors.supervise(scriptedUnsupervised(open, events, autoAck, readBytes))
                .onFailure(SupervisorStrategy.stop().withLoggingEnabled(false));
    }

    private static Behavior<Msg> scriptedUnsupervised(Function<ActorContext<Msg>, Socket> open,
            ActorRef<SocketEvent> events, boolean autoAck, AtomicLong readBytes) {
        return Behaviors.setup(ctx -> {
            Socket socket = open.apply(ctx);
            return Behaviors.receive(Msg.class)
                    .onMessage(Net.class, n -> {
                        SocketEvent e = n.event();
                        if (e instanceof Received r) {
                            readBytes.addAndGet(r.bytes().length());
                            if (autoAck) {
                                socket.resumeReading();
                            }
                        }
                        if (!(e instanceof Writable)) {
                            events.tell(e);
                        }
                        return terminal(e) ? Behaviors.stopped() : Behaviors.same();
                    })
                    .onMessage(Run.class, r -> {
                        r.action().accept(socket);
                        return Behaviors.same();
                    })
                    .onMessage(Crash.class, c -> {
                        throw new IllegalStateException("crashing on purpose");
                    })
                    .build();
        });
    }

    static Behavior<Msg> scripted(Accepted accepted, ActorRef<SocketEvent> events, boolean autoAck) {
        return scripted(ctx -> accepted.attach(ctx, Net::new), events, autoAck, new AtomicLong());
    }

    static Behavior<Msg> scriptedClient(Transport transport, InetSocketAddress remote, Duration timeout,
            ActorRef<SocketEvent> events) {
        return scripted(ctx -> transport.connect(ctx, remote, timeout, Net::new), events, true, new AtomicLong());
    }

    /**
     * Echoes everything, reading only while less than {@code limit} bytes wait to be written (so a slow reader on the
     * other side slows the sender), closes after the peer's FIN, and reports the terminal event.
     */
    static Behavior<Msg> echo(Accepted accepted, ActorRef<SocketEvent> done) {
        int limit = 256 * 1024;
        return Behaviors.setup(ctx -> {
            Socket socket = accepted.attach(ctx, Net::new);
            boolean[] holding = {false};
            return Behaviors.receive(Msg.class)
                    .onMessage(Net.class, n -> {
                        SocketEvent e = n.event();
                        if (e instanceof Received r) {
                            socket.write(r.bytes());
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
                        } else if (terminal(e)) {
                            done.tell(e);
                            return Behaviors.stopped();
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** Spawns an echo actor for every accepted connection. */
    static Behavior<Accepted> echoServer(ActorRef<SocketEvent> done) {
        return Behaviors.receive((ctx, accepted) -> {
            ctx.spawnAnonymous(echo(accepted, done));
            return Behaviors.same();
        });
    }

    record PumpResult(long sent, long received, long mismatches, SocketEvent end) {}

    /**
     * A client that writes {@code total} pattern bytes in {@code chunk}s whenever its socket is not writing, checks
     * the echo against the pattern, shuts its output down after the last chunk and reports once closed.
     */
    static Behavior<Msg> pump(Transport transport, InetSocketAddress remote, long total, int chunk,
            ActorRef<PumpResult> result) {
        return Behaviors.setup(ctx -> {
            Socket socket = transport.connect(ctx, remote, Duration.ofSeconds(5), Net::new);
            long[] state = new long[3]; // sent, received, mismatches
            Runnable fill = () -> {
                while (state[0] < total && !socket.writing()) {
                    int n = (int) Math.min(chunk, total - state[0]);
                    socket.write(pattern(state[0], n));
                    state[0] += n;
                }
                if (state[0] == total) {
                    socket.shutdownOutput();
                }
            };
            fill.run(); // before Connected: held, then sent as one write
            return Behaviors.receive(Msg.class)
                    .onMessage(Net.class, n -> {
                        SocketEvent e = n.event();
                        if (e instanceof Received r) {
                            ByteBuffer bytes = r.bytes().asByteBuffer();
                            while (bytes.hasRemaining()) {
                                if (bytes.get() != patternAt(state[1]++)) {
                                    state[2]++;
                                }
                            }
                            socket.resumeReading();
                        } else if (e instanceof Writable || e instanceof Connected) {
                            fill.run();
                        } else if (terminal(e)) {
                            result.tell(new PumpResult(state[0], state[1], state[2], e));
                            return Behaviors.stopped();
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
