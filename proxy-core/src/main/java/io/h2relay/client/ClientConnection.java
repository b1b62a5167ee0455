package io.h2relay.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One connection to a server, HTTP/2 or HTTP/1.1 behind the same calls. Usable from any thread: every call is a
 * message to the connection's actor, and results arrive as {@link CompletionStage}s completed on the client's
 * executor. Over HTTP/2 any number of requests share the connection (beyond the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS they wait for a stream) and complete in whatever order the server answers; over
 * HTTP/1.1 they take turns.
 */
public final class ClientConnection implements AutoCloseable {

    private final ActorRef<ConnectionActor.Command> actor;
    private final ConnectionActor.State state;
    private final Executor executor;
    private final InetSocketAddress remote;
    private final Duration closeTimeout;
    private final Runnable onClosed;

    ClientConnection(ActorRef<ConnectionActor.Command> actor, ConnectionActor.State state, Executor executor,
            InetSocketAddress remote, Duration closeTimeout, Runnable onClosed) {
        this.actor = actor;
        this.state = state;
        this.executor = executor;
        this.remote = remote;
        this.closeTimeout = closeTimeout;
        this.onClosed = onClosed;
    }

    /**
     * Sends a request. The stage completes when the response head arrives (read the body from the {@link Response}),
     * or fails with {@link RequestNotProcessedException} (safe to retry), {@link StreamResetException} or
     * {@link ConnectionException}.
     *
     * <p>Cancelling the stage's {@link CompletionStage#toCompletableFuture() future} (or completing it, as
     * {@code orTimeout} does) before the head arrived withdraws the request, as the JDK's {@code HttpClient.sendAsync} does: one still waiting for a stream is
     * dropped, one under way is reset with RST_STREAM CANCEL (RFC 9113 §8.7) or, over HTTP/1.1, its connection is
     * closed. After the head, {@link Response#close()} does the same.
     */
    public CompletionStage<Response> send(Request request) {
        Exchange ex = new Exchange(request, actor, executor);
        Sending sending = new Sending(ex);
        state.submitted.add(ex);
        if (state.terminated) {
            state.submitted.remove(ex);
            ex.response.completeExceptionally(new RequestNotProcessedException("the connection is closed; request"
                    + " not sent"));
        } else {
            actor.tell(new ConnectionActor.Submit(ex));
        }
        return sending;
    }

    /**
     * What {@link #send} returns: the exchange's response; completed any other way (cancelled, timed out) it
     * cancels the exchange.
     */
    private static final class Sending extends CompletableFuture<Response> {
        private final Exchange exchange;

        Sending(Exchange exchange) {
            this.exchange = exchange;
            exchange.response.whenComplete((response, failure) -> {
                if (failure != null) {
                    super.completeExceptionally(failure);
                } else if (!super.complete(response)) {
                    response.close(); // cancelled while the head was on its way
                }
            });
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return withdrawnIf(super.cancel(mayInterruptIfRunning));
        }

        /** Completed by a caller (by {@code orTimeout}, say): the request is withdrawn as by {@link #cancel}. */
        @Override
        public boolean completeExceptionally(Throwable failure) {
            return withdrawnIf(super.completeExceptionally(failure));
        }

        /** Completed by a caller (by {@code completeOnTimeout}, say): the request is withdrawn too. */
        @Override
        public boolean complete(Response value) {
            return withdrawnIf(super.complete(value));
        }

        /** A caller settled the future before the exchange did: withdraw the request. */
        private boolean withdrawnIf(boolean settledByCaller) {
            if (settledByCaller) {
                exchange.cancel();
            }
            return settledByCaller;
        }
    }

    /** HTTP/2 PING (RFC 9113 §6.7); completes with the round-trip time. Fails on HTTP/1.1. */
    public CompletionStage<Duration> ping() {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        state.pinged.add(result);
        if (state.terminated) {
            state.pinged.remove(result);
            result.completeExceptionally(new ConnectionException("the connection is closed", null));
        } else {
            actor.tell(new ConnectionActor.Ping(result));
        }
        return result.minimalCompletionStage();
    }

    /** "h2", "h2c" or "http/1.1" (after an h2c upgrade, "h2c" from the 101 on). */
    public String protocol() {
        return state.protocol;
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** Whether the connection has not closed yet. */
    public boolean isOpen() {
        return !state.closed.isDone();
    }

    /**
     * Graceful close: GOAWAY(NO_ERROR) on HTTP/2, no new requests (waiting ones fail as not processed), those under
     * way finish; then the socket closes. Completes when it has.
     */
    public CompletionStage<Void> shutdown() {
        actor.tell(new ConnectionActor.Shutdown(true));
        return state.closed.minimalCompletionStage();
    }

    /** Completes once the connection has closed, for whatever reason. */
    public CompletionStage<Void> closed() {
        return state.closed.minimalCompletionStage();
    }

    /** Resets the connection now; everything under way fails. */
    public void abort() {
        actor.tell(new ConnectionActor.Shutdown(false));
    }

    /**
     * {@link #shutdown()} and wait for it, at most {@link ClientConfig#closeTimeout()} plus a second; then
     * {@link #abort()}.
     */
    @Override
    public void close() {
        shutdown();
        try {
            state.closed.get(closeTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            abort();
        } catch (InterruptedException e) {
            abort();
            Thread.currentThread().interrupt();
        } finally {
            onClosed.run();
        }
    }

    @Override
    public String toString() {
        return "ClientConnection[" + remote + ", " + state.protocol + (isOpen() ? "" : ", closed") + "]";
    }

    /** host[:port] as :authority and Host want it; the port left out when it is the scheme's default. */
    static String authority(String host, int port, ConnectMode mode) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return port == mode.defaultPort() ? h : h + ":" + port;
    }
}
