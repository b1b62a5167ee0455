package io.h2relay.proxy;

import io.h2relay.config.ListenerConfig.Protocol;
import io.h2relay.io.Accepted;
import io.h2relay.io.Socket;
import io.h2relay.io.SocketEvent;
import io.h2relay.io.TlsSocket;
import io.h2relay.proxy.DownstreamConnection.Drain;
import io.h2relay.proxy.DownstreamConnection.Net;
import io.h2relay.proxy.DownstreamConnection.Timer;
import io.h2relay.proxy.Exchange.ToDownstream;
import io.h2relay.tls.TlsException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;

/**
 * The first behaviour of every accepted connection: it attaches the socket, reads until the protocol is known and
 * becomes (same actor) the HTTP/2 {@link DownstreamConnection} or the {@link Http1Downstream}, handing over every
 * byte read so far.
 *
 * <p>Selection: ALPN's "h2" or "http/1.1" decides when TLS negotiated one; otherwise the first bytes do. They are
 * HTTP/2 exactly when they start with the client connection preface (RFC 9113 §3.4), which may arrive split across
 * reads: we read on while the bytes are a proper prefix of it and decide at the first byte that differs (so an
 * HTTP/1.1 request is recognised by its first byte, "PRI" aside). The listener's {@code protocols} are honoured: a
 * preface on a listener without {@code h2c} goes to HTTP/1.1 (which answers the "PRI" request 505), anything else on
 * a listener without {@code http/1.1} goes to HTTP/2 (which answers a bad preface with GOAWAY), and a connection
 * neither may take is closed.
 */
final class ConnectionFront extends AbstractBehavior<ToDownstream> {

    static final ByteString PREFACE = ByteString.fromString("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            StandardCharsets.US_ASCII);

    private final ProxyContext pc;
    private final TimerScheduler<ToDownstream> timers;
    private final ListenerRuntime listener;
    private final Socket socket;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private ByteString seen = ByteString.emptyByteString();
    private boolean closing;

    static Behavior<ToDownstream> create(Accepted accepted, ProxyContext pc, ListenerRuntime listener) {
        return Behaviors.setup(ctx -> {
            Socket raw = accepted.attach(ctx, Net::new);
            Socket socket = raw;
            if (listener.tls() != null) {
                // TLS first (contract C1): everything below sees plaintext, and ALPN once the handshake is done.
                try {
                    socket = TlsSocket.server(raw, listener.tls().newSession());
                } catch (TlsException e) {
                    ctx.getLog().warn("listener {}: cannot start TLS for {}: {}", listener.config().name(),
                            accepted.remoteAddress(), e.getMessage());
                    raw.abort();
                    return Behaviors.stopped();
                }
            }
            Socket s = socket;
            return Behaviors.withTimers(t -> new ConnectionFront(ctx, t, s, accepted, pc, listener));
        });
    }

    private ConnectionFront(ActorContext<ToDownstream> ctx, TimerScheduler<ToDownstream> timers, Socket socket,
            Accepted accepted, ProxyContext pc, ListenerRuntime listener) {
        super(ctx);
        this.pc = pc;
        this.timers = timers;
        this.listener = listener;
        this.socket = socket;
        this.remote = accepted.remoteAddress();
        this.local = accepted.localAddress();
        Duration idle = pc.timeouts().idle();
        if (!idle.isZero()) {
            timers.startSingleTimer(Timer.IDLE, Timer.IDLE, idle); // a client that never speaks
        }
    }

    /**
     * Passes one transport event through the socket's layers (contract C1) to whatever behaviour is current: a TLS
     * read may yield several plaintext events, and the behaviour may change between them.
     */
    static Behavior<ToDownstream> inbound(Behavior<ToDownstream> current, Socket socket, SocketEvent raw) {
        @SuppressWarnings("unchecked")
        Behavior<ToDownstream>[] now = new Behavior[] {current};
        socket.inbound(raw, e -> now[0] = deliver(now[0], e));
        return now[0];
    }

    private static Behavior<ToDownstream> deliver(Behavior<ToDownstream> b, SocketEvent e) {
        if (b instanceof ConnectionFront f) {
            return f.onPlain(e);
        }
        if (b instanceof Http1Downstream h) {
            return h.onPlain(e);
        }
        if (b instanceof DownstreamConnection d) {
            return d.onNet(e);
        }
        return b; // stopped: nothing more to do with the connection
    }

    @Override
    public Receive<ToDownstream> createReceive() {
        return newReceiveBuilder()
                .onMessage(Net.class, n -> inbound(this, socket, n.event()))
                .onMessage(Drain.class, d -> {
                    if (d.deadline().isZero()) {
                        socket.abort();
                        return Behaviors.stopped();
                    }
                    return close();
                })
                .onMessageEquals(Timer.IDLE, this::close)
                .onMessageEquals(Timer.ABORT, () -> {
                    socket.abort();
                    return this;
                })
                .build();
    }

    private Behavior<ToDownstream> onPlain(SocketEvent e) {
        if (e instanceof SocketEvent.Received r) {
            if (closing) {
                return this;
            }
            seen = seen.concat(r.bytes());
            return select();
        }
        if (e instanceof SocketEvent.PeerClosed) {
            return close(); // nothing (or only part of a preface) came: there is no request to answer
        }
        if (e instanceof SocketEvent.Failed f && socket.tlsSession() == null && listener.tls() != null) {
            // Scanners and clients that distrust our certificate end here; the cause names the alert.
            getContext().getLog().debug("listener {}: TLS handshake with {} failed: {}", listener.config().name(),
                    remote, f.cause().getMessage());
        }
        if (e instanceof SocketEvent.Closed || e instanceof SocketEvent.Failed) {
            return Behaviors.stopped();
        }
        return this;
    }

    private Behavior<ToDownstream> select() {
        String alpn = socket.applicationProtocol();
        boolean h2;
        if (alpn.equals("h2")) {
            h2 = true;
        } else if (alpn.equals("http/1.1")) {
            h2 = false;
        } else {
            int n = Math.min(seen.length(), PREFACE.length());
            int i = 0;
            while (i < n && seen.apply(i) == PREFACE.apply(i)) {
                i++;
            }
            if (i == seen.length() && i < PREFACE.length()) {
                socket.resumeReading(); // a proper prefix of the preface so far: read on
                return this;
            }
            h2 = i == PREFACE.length();
            boolean h2Allowed = listener.tls() != null || listener.allows(Protocol.H2C);
            boolean http1Allowed = listener.allows(Protocol.HTTP_1_1);
            if (h2 && !h2Allowed || !h2 && !http1Allowed) {
                h2 = !h2;
                if (h2 && !h2Allowed || !h2 && !http1Allowed) {
                    getContext().getLog().info("listener {}: closing a connection from {} that speaks no protocol "
                            + "the listener accepts", listener.config().name(), remote);
                    return close();
                }
            }
        }
        timers.cancelAll();
        String scheme = listener.tls() != null ? "https" : "http";
        ByteString initial = seen;
        seen = ByteString.emptyByteString();
        if (h2) {
            DownstreamConnection d = DownstreamConnection.prior(getContext(), timers, pc, socket,
                    ClientSide.of(listener.config().name(),
                            new ForwardingHeaders.ClientConnection(remote, local, scheme, "2")));
            return d.onNet(new SocketEvent.Received(initial));
        }
        Http1Downstream h = new Http1Downstream(getContext(), timers, pc, listener, socket, remote, local, scheme);
        return h.onPlain(new SocketEvent.Received(initial));
    }

    private Behavior<ToDownstream> close() {
        if (!closing) {
            closing = true;
            socket.close();
            timers.startSingleTimer(Timer.ABORT, Timer.ABORT, pc.timeouts().abort());
        }
        return this;
    }
}
