package io.h2relay.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The protocol half of a connection actor: HTTP/2 on the engine, or HTTP/1.1 on the codec. The actor owns the
 * socket and TLS and calls a driver on its own thread only.
 */
sealed interface Driver permits H2Driver, Http1Driver {

    /** A new request; it waits for a stream (or its turn) when none is free. */
    void submit(Exchange exchange);

    /** Plaintext from the server. */
    void receive(ByteBuffer data);

    /** Up to {@code max} bytes to write now (empty when nothing is due). */
    ByteBuffer output(int max);

    /** Whether the actor should read the socket again (false holds the server back on HTTP/1.1). */
    boolean wantsInput();

    /** A piece of a streaming request body, its end, or its failure. */
    void upload(Exchange exchange, ByteBuffer data, boolean last, Throwable failure);

    /** A reader consumed {@code bytes} of the exchange's response. */
    void consumed(Exchange exchange, int bytes);

    /** The caller gave up on the exchange (its response closed early, or a push refused). */
    void cancel(Exchange exchange);

    void ping(CompletableFuture<Duration> result);

    /** Graceful close: no new requests; those under way finish. */
    void shutdown();

    /** No new requests will be taken: close the socket once {@link #idle()}. */
    boolean closing();

    /** No request is under way or waiting. */
    boolean idle();

    /** The server closed its side. */
    void inputEnded();

    /** The connection is gone: fail everything under way. */
    void fail(IOException cause);

    /** What the connection actor offers its driver. */
    interface Host {
        ClientConfig config();

        java.util.concurrent.Executor executor();

        org.apache.pekko.actor.typed.ActorRef<ConnectionActor.Command> self();

        /** "http" or "https". */
        String scheme();

        /** The authority requests name unless they carry their own. */
        String authority();

        /** The connection takes requests, speaking {@code protocol}: completes the connect stage. */
        void ready(String protocol);

        /** A 101 answered our h2c upgrade: HTTP/2 from here on, {@code first} being stream 1. */
        void switchToHttp2(io.h2relay.engine.H2Connection engine, Exchange first, ByteBuffer rest,
                java.util.Collection<Exchange> waiting);

        /** Completes a caller's future on the executor, never on the actor's thread. */
        <T> void complete(CompletableFuture<T> future, T value);

        void fail(CompletableFuture<?> future, Throwable cause);
    }
}
