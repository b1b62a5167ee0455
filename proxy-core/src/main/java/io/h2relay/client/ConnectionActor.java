package io.h2relay.client;

import io.h2relay.engine.H2Connection;
import io.h2relay.io.Socket;
import io.h2relay.io.SocketEvent;
import io.h2relay.io.TlsSocket;
import io.h2relay.io.Transport;
import io.h2relay.tls.ClientTls;
import io.h2relay.tls.H2Security;
import io.h2relay.tls.TlsException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;

/**
 * Owns one client connection: the socket (a {@link TlsSocket} for https and h2, which reports
 * {@link SocketEvent.Connected} only after the handshake) and the protocol {@link Driver}. It is the only code that touches them; callers reach it through messages. Reads are acknowledged
 * only while the driver wants input; writes are pulled from the driver only while the socket has nothing queued
 * behind the write in flight, so neither side's bytes pile up here.
 */
final class ConnectionActor extends AbstractBehavior<ConnectionActor.Command> implements Driver.Host {

    /** The largest piece pulled from the driver per socket write. */
    private static final int WRITE_CHUNK = 256 * 1024;

    sealed interface Command {}

    record Net(SocketEvent event) implements Command {}

    record Submit(Exchange exchange) implements Command {}

    record Upload(Exchange exchange, ByteBuffer data, boolean last, Throwable failure) implements Command {}

    record Consumed(Exchange exchange, int bytes) implements Command {}

    record Cancel(Exchange exchange) implements Command {}

    record Ping(CompletableFuture<Duration> result) implements Command {}

    /** Graceful: GOAWAY, let requests under way finish, then close. Otherwise reset the connection now. */
    record Shutdown(boolean graceful) implements Command {}

    private enum CloseTimedOut implements Command { INSTANCE }

    /** The connection was not ready within the connect timeout (TLS handshake or the server's SETTINGS hung). */
    private enum SetupTimedOut implements Command { INSTANCE }

    /** Shared with the {@link ClientConnection} handle. */
    static final class State {
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        volatile String protocol = "";
        /**
         * Requests and pings told to the actor and not yet taken by it. A message reaching a stopped actor is lost, so
         * a caller registers here, then reads {@link #terminated}; the actor sets it, then fails what is registered.
         * Either side may fail a future first; it completes once.
         */
        final Set<Exchange> submitted = ConcurrentHashMap.newKeySet();
        final Set<CompletableFuture<Duration>> pinged = ConcurrentHashMap.newKeySet();
        volatile boolean terminated;
    }

    /** Everything one connection is made with. */
    record Setup(InetSocketAddress address, String host, int port, ConnectMode mode, ClientConfig config,
            ClientTls tls, Transport transport, Executor executor, State state) {}

    private final Setup setup;
    private final TimerScheduler<Command> timers;
    private final Socket socket;
    private Driver driver;
    private final List<Exchange> early = new ArrayList<>();
    private boolean readPending;
    private boolean readySignalled;
    private boolean inputEnded;
    private boolean socketClosing;
    private boolean finished;

    static Behavior<Command> create(Setup setup) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ConnectionActor(ctx, timers, setup)));
    }

    private ConnectionActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup) {
        super(ctx);
        this.setup = setup;
        this.timers = timers;
        Socket raw = setup.transport().connect(ctx, setup.address(), setup.config().connectTimeout(), Net::new);
        // TCP connect has its own timeout; this one also covers TLS and the HTTP/2 preface exchange.
        timers.startSingleTimer(SetupTimedOut.INSTANCE, setup.config().connectTimeout().multipliedBy(2));
        Socket s = raw;
        if (setup.mode().tls()) {
            try {
                s = TlsSocket.client(raw, setup.tls().newSession(setup.host(), setup.port()));
            } catch (TlsException e) {
                connectionFailed(new ConnectionException("cannot start TLS: " + e.getMessage(), e));
                raw.abort();
            }
        }
        this.socket = s;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Command.class, this::onCommand)
                .onSignal(PostStop.class, s -> onStop())
                .build();
    }

    private Behavior<Command> onCommand(Command command) {
        try {
            handle(command);
            if (!finished) {
                tick();
            }
        } catch (RuntimeException e) {
            // A defect of ours must not leave callers waiting forever.
            connectionFailed(new ConnectionException("internal error in the client connection: " + e, e));
            socket.abort();
        }
        return finished ? Behaviors.stopped() : this;
    }

    private void handle(Command command) {
        if (command instanceof Net n) {
            socket.inbound(n.event(), this::onSocket);
        } else if (command instanceof Submit s) {
            setup.state().submitted.remove(s.exchange());
            if (driver == null) {
                if (finished || socketClosing) {
                    fail(s.exchange().response, new RequestNotProcessedException("the connection is closed"));
                } else {
                    early.add(s.exchange());
                }
            } else {
                driver.submit(s.exchange());
            }
        } else if (command instanceof Upload u) {
            if (driver != null) {
                driver.upload(u.exchange(), u.data(), u.last(), u.failure());
            }
        } else if (command instanceof Consumed c) {
            if (driver != null) {
                driver.consumed(c.exchange(), c.bytes());
            }
        } else if (command instanceof Cancel c) {
            if (driver != null) {
                driver.cancel(c.exchange());
            } else if (early.remove(c.exchange())) {
                fail(c.exchange().response, new java.util.concurrent.CancellationException("cancelled"));
            }
        } else if (command instanceof Ping p) {
            setup.state().pinged.remove(p.result());
            if (driver == null) {
                fail(p.result(), new ConnectionException("the connection is not open", null));
            } else {
                driver.ping(p.result());
            }
        } else if (command instanceof Shutdown s) {
            if (!s.graceful()) {
                connectionFailed(new ConnectionException("the connection was aborted by the application", null));
                socket.abort();
            } else if (driver != null) {
                driver.shutdown();
            } else {
                connectionFailed(new ConnectionException("the connection was closed before it was ready", null));
                closeSocket();
            }
        } else if (command == CloseTimedOut.INSTANCE) {
            socket.abort();
        } else if (command == SetupTimedOut.INSTANCE && !readySignalled) {
            connectionFailed(new ConnectionException("the connection to " + setup.address() + " was not ready within "
                    + setup.config().connectTimeout().multipliedBy(2) + " (TLS handshake or HTTP/2 preface)", null));
            socket.abort();
        }
    }

    // ---- socket

    private void onSocket(SocketEvent event) {
        if (event instanceof SocketEvent.Received r) {
            readPending = true;
            onBytes(r.bytes());
        } else if (event instanceof SocketEvent.Connected) {
            if (setup.mode().tls()) {
                startTls();
            } else {
                startCleartext();
            }
        } else if (event instanceof SocketEvent.PeerClosed) {
            // With TLS this is the server's close_notify, or a FIN after the handshake.
            if (driver != null) {
                if (!inputEnded) {
                    inputEnded = true;
                    driver.inputEnded();
                }
            } else {
                connectionFailed(new ConnectionException("the server closed the connection during set-up", null));
            }
            closeSocket();
        } else if (event instanceof SocketEvent.ConnectFailed f) {
            connectionFailed(new ConnectionException("cannot connect to " + setup.address()
                    + (f.timedOut() ? " (timed out)" : ""), f.cause()));
            finish();
        } else if (event instanceof SocketEvent.Failed f) {
            connectionFailed(failure(f.cause()));
            finish();
        } else if (event instanceof SocketEvent.Closed) {
            connectionFailed(new ConnectionException("the connection closed", null));
            finish();
        }
        // Writable: tick() pulls more output.
    }

    private void onBytes(ByteString bytes) {
        if (driver != null) {
            driver.receive(bytes.asByteBuffer()); // read-only, no copy: DATA payloads stay views of it
        }
    }

    /** A TLS failure names TLS (and, during the handshake, what ALPN offered); anything else is the transport's. */
    private ConnectionException failure(Throwable cause) {
        if (cause instanceof TlsException || cause instanceof javax.net.ssl.SSLException) {
            String when = socket.tlsSession() == null ? " (handshake; ALPN offered: " + setup.mode().alpn() + ")" : "";
            return new ConnectionException("TLS failed" + when + ": " + cause.getMessage(), cause);
        }
        return new ConnectionException("the connection failed: " + cause.getMessage(), cause);
    }

    private void startCleartext() {
        switch (setup.mode()) {
            case H2C_PRIOR_KNOWLEDGE -> useDriver(H2Driver.start(this, "h2c"));
            case H2C_UPGRADE -> {
                useDriver(new Http1Driver(this, true));
                ready("http/1.1");
            }
            default -> {
                useDriver(new Http1Driver(this, false));
                ready("http/1.1");
            }
        }
    }

    /** The handshake finished: ALPN decides the protocol (RFC 7301; RFC 9113 §3.2). */
    private void startTls() {
        String alpn = socket.applicationProtocol();
        if (alpn.equals("h2")) {
            Optional<String> inadequate = H2Security.inadequacy(socket.tlsSession());
            if (inadequate.isPresent()) {
                connectionFailed(new ConnectionException("the TLS session is not good enough for HTTP/2 (RFC 9113 "
                        + "§9.2): " + inadequate.get(), null));
                closeSocket();
                return;
            }
            useDriver(H2Driver.start(this, "h2"));
        } else if (setup.mode() == ConnectMode.TLS_H2) {
            connectionFailed(new ConnectionException("the server did not choose h2 with ALPN ("
                    + (alpn.isEmpty() ? "no ALPN" : "it chose " + alpn) + ")", null));
            closeSocket();
        } else {
            useDriver(new Http1Driver(this, false));
            ready("http/1.1");
        }
    }

    private void useDriver(Driver d) {
        driver = d;
        for (Exchange ex : early) {
            d.submit(ex);
        }
        early.clear();
    }

    /** After every message: write what is due, read again when allowed, close once a closing driver is idle. */
    private void tick() {
        flush();
        if (readPending && !finished && (driver == null || driver.wantsInput())) {
            readPending = false;
            socket.resumeReading();
        }
        if (driver != null && driver.closing() && driver.idle() && !socketClosing) {
            closeSocket();
        }
    }

    private void flush() {
        if (driver == null || socketClosing) {
            return;
        }
        while (socket.pendingBytes() == 0) {
            ByteBuffer out = driver.output(WRITE_CHUNK);
            if (!out.hasRemaining()) {
                return;
            }
            write(out);
        }
    }

    private void write(ByteBuffer plaintext) {
        socket.write(bytes(plaintext));
    }

    private static ByteString bytes(ByteBuffer b) {
        if (b.hasArray()) {
            return ByteString.fromArrayUnsafe(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        return ByteString.fromByteBuffer(b);
    }

    /** Everything the driver still has goes out, then close_notify and FIN; a timer bounds the goodbye. */
    private void closeSocket() {
        if (socketClosing || finished) {
            return;
        }
        if (driver != null) {
            for (ByteBuffer out; (out = driver.output(Integer.MAX_VALUE)).hasRemaining(); ) {
                write(out);
            }
        }
        socketClosing = true;
        socket.close(); // close_notify first, with TLS
        timers.startSingleTimer(CloseTimedOut.INSTANCE, setup.config().closeTimeout());
    }

    private void finish() {
        finished = true;
        failOrphans();
        complete(setup.state().closed, null);
    }

    /** Fails requests and pings that were told to this actor but will never be taken (see {@link State}). */
    private void failOrphans() {
        State state = setup.state();
        state.terminated = true;
        for (Exchange ex : state.submitted) {
            state.submitted.remove(ex);
            fail(ex.response, new RequestNotProcessedException("the connection is closed; request not sent"));
        }
        for (CompletableFuture<Duration> ping : state.pinged) {
            state.pinged.remove(ping);
            fail(ping, new ConnectionException("the connection is closed", null));
        }
    }

    /** Fails what is waiting on this connection; the driver, when there is one, fails what it holds. */
    private void connectionFailed(IOException cause) {
        if (!readySignalled) {
            readySignalled = true;
            fail(setup.state().ready, cause);
        }
        for (Exchange ex : early) {
            fail(ex.response, new RequestNotProcessedException("the connection failed before the request was sent: "
                    + cause.getMessage()));
        }
        early.clear();
        if (driver != null) {
            driver.fail(cause);
        }
    }

    private Behavior<Command> onStop() {
        if (!finished) {
            finished = true;
            connectionFailed(new ConnectionException("the connection actor stopped", null));
            failOrphans();
            complete(setup.state().closed, null);
        }
        return this;
    }

    // ---- Driver.Host

    @Override
    public ClientConfig config() {
        return setup.config();
    }

    @Override
    public Executor executor() {
        return setup.executor();
    }

    @Override
    public ActorRef<Command> self() {
        return getContext().getSelf();
    }

    @Override
    public String scheme() {
        return setup.mode().scheme();
    }

    @Override
    public String authority() {
        return ClientConnection.authority(setup.host(), setup.port(), setup.mode());
    }

    @Override
    public void ready(String protocol) {
        setup.state().protocol = protocol;
        if (!readySignalled) {
            readySignalled = true;
            timers.cancel(SetupTimedOut.INSTANCE);
            complete(setup.state().ready, null);
        }
    }

    @Override
    public void switchToHttp2(H2Connection engine, Exchange first, ByteBuffer rest, Collection<Exchange> waiting) {
        H2Driver h2 = H2Driver.upgraded(this, engine, first, waiting);
        driver = h2;
        setup.state().protocol = "h2c";
        if (rest.hasRemaining()) {
            h2.receive(rest);
        }
    }

    @Override
    public <T> void complete(CompletableFuture<T> future, T value) {
        run(() -> future.complete(value));
    }

    @Override
    public void fail(CompletableFuture<?> future, Throwable cause) {
        run(() -> future.completeExceptionally(cause));
    }

    /** On the executor, so callers' callbacks never run here; inline once the client has shut the executor down. */
    private void run(Runnable completion) {
        try {
            setup.executor().execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }
}
