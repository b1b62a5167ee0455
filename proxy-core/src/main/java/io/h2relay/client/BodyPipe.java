package io.h2relay.client;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A request body written piece by piece while the request is under way: hyper's {@code putrequest / endheaders /
 * send(data, final)} sequence, with backpressure. Each {@link #write} returns a stage that completes when the
 * connection has taken the piece (it asks for the next one only when the window can take more), so a writer that
 * waits for it never runs ahead of the server.
 *
 * <pre>{@code
 * BodyPipe pipe = new BodyPipe();
 * CompletionStage<Response> response = connection.send(Request.post("/upload", pipe.body()));
 * pipe.write(chunk1).toCompletableFuture().join();
 * pipe.write(chunk2).toCompletableFuture().join();
 * pipe.close();
 * }</pre>
 *
 * <p>Writes may come from any thread, one at a time. A buffer must not change after it is written.
 */
public final class BodyPipe implements Flow.Publisher<ByteBuffer> {

    private record Piece(ByteBuffer data, CompletableFuture<Void> taken) {}

    private final ArrayDeque<Piece> queue = new ArrayDeque<>();
    private final long length;
    private Flow.Subscriber<? super ByteBuffer> subscriber;
    private long demand;
    private boolean closed;
    private Throwable failure;
    private boolean terminated;
    private boolean cancelled;
    /** Someone is signalling the subscriber; others leave their work to that thread's loop. */
    private boolean draining;

    /** A pipe of unknown length (chunked on HTTP/1.1). */
    public BodyPipe() {
        this(-1);
    }

    /** A pipe whose total is known and sent as content-length; writing a different total fails the request. */
    public BodyPipe(long length) {
        this.length = length;
    }

    /** The body to put in a {@link Request}. */
    public RequestBody body() {
        return RequestBody.from(this, length);
    }

    /** Queues {@code data}; the stage completes when the connection took it, or fails when the request is over. */
    public CompletionStage<Void> write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        CompletableFuture<Void> taken = new CompletableFuture<>();
        synchronized (this) {
            if (closed || cancelled) {
                taken.completeExceptionally(new IllegalStateException(cancelled
                        ? "the request no longer takes a body" : "the pipe is closed"));
                return taken;
            }
            queue.add(new Piece(data, taken));
        }
        drain();
        return taken;
    }

    /** The body is complete. */
    public void close() {
        synchronized (this) {
            closed = true;
        }
        drain();
    }

    /** The body cannot be completed: the request fails (its stream is reset). */
    public void fail(Throwable cause) {
        synchronized (this) {
            closed = true;
            failure = Objects.requireNonNull(cause, "cause");
        }
        drain();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
        synchronized (this) {
            if (subscriber != null) {
                s.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                s.onError(new IllegalStateException("a body pipe can be sent once"));
                return;
            }
            subscriber = s;
        }
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                synchronized (BodyPipe.this) {
                    demand = n <= 0 || demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                drain();
            }

            @Override
            public void cancel() {
                ArrayDeque<Piece> dropped;
                synchronized (BodyPipe.this) {
                    cancelled = true;
                    dropped = new ArrayDeque<>(queue);
                    queue.clear();
                }
                for (Piece p : dropped) {
                    p.taken().completeExceptionally(new IllegalStateException("the request no longer takes a body"));
                }
            }
        });
        drain();
    }

    /**
     * Hands queued pieces to the subscriber as far as it asked, then the end. Signals go out one thread at a time
     * (Reactive Streams §1.3): whoever finds {@code draining} set leaves the work to the thread that set it, which
     * looks again before it stops.
     */
    private void drain() {
        while (true) {
            Piece next;
            Flow.Subscriber<? super ByteBuffer> s;
            boolean complete = false;
            Throwable error = null;
            synchronized (this) {
                s = subscriber;
                if (s == null || terminated || cancelled || draining) {
                    return;
                }
                if (demand > 0 && !queue.isEmpty()) {
                    next = queue.poll();
                    demand--;
                } else if (queue.isEmpty() && closed) {
                    next = null;
                    terminated = true;
                    complete = failure == null;
                    error = failure;
                } else {
                    return;
                }
                draining = true;
            }
            try {
                if (next != null) {
                    s.onNext(next.data());
                    next.taken().complete(null);
                } else if (complete) {
                    s.onComplete();
                } else {
                    s.onError(error);
                }
            } finally {
                synchronized (this) {
                    draining = false;
                }
            }
        }
    }
}
