package io.h2relay.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The received body of one response, between the connection actor (which offers DATA) and whoever reads it (any
 * thread). Bytes count as consumed, and are credited back to the sender through {@code credit}, only when a reader
 * takes them; until then they stay here, so what is held never exceeds what flow control let in.
 *
 * <p>A reader picks one way to read: pieces ({@link #take}, also behind the InputStream), everything at once
 * ({@link #aggregate}) or nothing ({@link #discard}, allowed after pieces too). Aggregating and discarding credit
 * bytes as they arrive, inline: {@link #offer} returns what to credit at once.
 */
final class BodyBuffer {

    private enum Mode { NONE, PIECES, AGGREGATE, DISCARD }

    /** One DATA frame's content and the window it took. */
    private record Piece(ByteBuffer data, int credit) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Piece> pieces = new ArrayDeque<>();
    private final IntConsumer credit;
    private final Executor executor;
    private final CompletableFuture<Headers> trailers = new CompletableFuture<>();

    private Mode mode = Mode.NONE;
    private long unread;
    private boolean ended;
    private Headers endTrailers = Headers.EMPTY;
    private IOException failure;
    private boolean abandoned;
    private List<ByteBuffer> collected;
    private CompletableFuture<List<ByteBuffer>> whole;
    private long discardedBytes;
    private CompletableFuture<Long> discarded;

    /**
     * @param credit called on the reader's thread with the window bytes a reader consumed
     * @param executor completes futures, so no reader callback ever runs on the connection actor's thread
     */
    BodyBuffer(IntConsumer credit, Executor executor) {
        this.credit = credit;
        this.executor = executor;
    }

    // ---- connection actor side

    /** A DATA frame's content. Returns the window bytes to credit at once (0 when a reader will take them later). */
    int offer(ByteBuffer data, int windowBytes) {
        lock.lock();
        try {
            if (ended || failure != null || abandoned) {
                return windowBytes;
            }
            switch (mode) {
                case AGGREGATE -> {
                    collected.add(data);
                    return windowBytes;
                }
                case DISCARD -> {
                    discardedBytes += data.remaining();
                    return windowBytes;
                }
                default -> {
                    pieces.add(new Piece(data, windowBytes));
                    unread += data.remaining();
                    changed.signalAll();
                    return 0;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The body is complete; {@code trailerFields} may be empty. */
    void end(Headers trailerFields) {
        CompletableFuture<List<ByteBuffer>> completeWhole = null;
        CompletableFuture<Long> completeDiscard = null;
        List<ByteBuffer> all = null;
        long count = 0;
        lock.lock();
        try {
            if (ended || failure != null) {
                return;
            }
            ended = true;
            endTrailers = trailerFields;
            changed.signalAll();
            if (mode == Mode.AGGREGATE) {
                completeWhole = whole;
                all = collected;
            } else if (mode == Mode.DISCARD) {
                completeDiscard = discarded;
                count = discardedBytes;
            }
        } finally {
            lock.unlock();
        }
        complete(trailers, trailerFields);
        complete(completeWhole, all);
        complete(completeDiscard, count);
    }

    /** The body cannot complete; readers get what arrived before, then {@code cause}. */
    void fail(IOException cause) {
        CompletableFuture<?> failWhole;
        CompletableFuture<?> failDiscard;
        lock.lock();
        try {
            if (ended || failure != null) {
                return;
            }
            failure = cause;
            changed.signalAll();
            failWhole = whole;
            failDiscard = discarded;
        } finally {
            lock.unlock();
        }
        fail(trailers, cause);
        fail(failWhole, cause);
        fail(failDiscard, cause);
    }

    /**
     * The stream was cancelled: drops what nobody read and returns its window bytes, which the actor credits to the
     * connection (the stream's own window no longer matters).
     */
    int abandon(IOException cause) {
        int total = 0;
        lock.lock();
        try {
            abandoned = true;
            for (Piece p : pieces) {
                total += p.credit();
            }
            pieces.clear();
            unread = 0;
        } finally {
            lock.unlock();
        }
        fail(cause);
        return total;
    }

    private <T> void complete(CompletableFuture<T> future, T value) {
        if (future != null) {
            run(() -> future.complete(value));
        }
    }

    private void fail(CompletableFuture<?> future, Throwable cause) {
        if (future != null) {
            run(() -> future.completeExceptionally(cause));
        }
    }

    private void run(Runnable completion) {
        try {
            executor.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run(); // the client is shutting down
        }
    }

    // ---- reader side

    /**
     * The next DATA frame's bytes (empty frames included), waiting for one; null after the last. Throws the failure
     * once the pieces that arrived before it are taken.
     */
    ByteBuffer take() throws IOException {
        Piece piece;
        lock.lock();
        try {
            choose(Mode.PIECES);
            while (pieces.isEmpty() && !ended && failure == null) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for response data");
                }
            }
            piece = pieces.poll();
            if (piece == null) {
                if (failure != null) {
                    throw new IOException(failure.getMessage(), failure);
                }
                return null;
            }
            unread -= piece.data().remaining();
        } finally {
            lock.unlock();
        }
        if (piece.credit() > 0) {
            credit.accept(piece.credit());
        }
        return piece.data();
    }

    /** Every piece, in order, once the body is complete; what is held now is credited at once. */
    CompletionStage<List<ByteBuffer>> aggregate() {
        CompletableFuture<List<ByteBuffer>> result = new CompletableFuture<>();
        int released = 0;
        lock.lock();
        try {
            choose(Mode.AGGREGATE);
            collected = new ArrayList<>(pieces.size() + 4);
            released = takeHeld(collected::add);
            whole = result;
            settleIfOver(result, collected);
        } finally {
            lock.unlock();
        }
        if (released > 0) {
            credit.accept(released);
        }
        return result;
    }

    /** Drops the rest of the body as it arrives; completes with the bytes dropped (held ones included). */
    CompletionStage<Long> discard() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        int released = 0;
        lock.lock();
        try {
            if (mode != Mode.PIECES) {
                choose(Mode.DISCARD);
            }
            mode = Mode.DISCARD;
            released = takeHeld(data -> discardedBytes += data.remaining());
            discarded = result;
            settleIfOver(result, discardedBytes);
        } finally {
            lock.unlock();
        }
        if (released > 0) {
            credit.accept(released);
        }
        return result;
    }

    /** Lock held: hands every held piece to {@code sink} and empties the queue; returns the credit they held. */
    private int takeHeld(Consumer<ByteBuffer> sink) {
        int released = 0;
        for (Piece p : pieces) {
            sink.accept(p.data());
            released += p.credit();
        }
        pieces.clear();
        unread = 0;
        return released;
    }

    /** Lock held: completes {@code result} at once when the body has already ended (with {@code value}) or failed. */
    private <T> void settleIfOver(CompletableFuture<T> result, T value) {
        if (ended) {
            result.complete(value);
        } else if (failure != null) {
            result.completeExceptionally(failure);
        }
    }

    private void choose(Mode wanted) {
        if (mode == Mode.NONE) {
            mode = wanted;
        } else if (mode != wanted) {
            throw new IllegalStateException("this body is already being read another way (" + mode + ")");
        }
    }

    /** Bytes received and not yet taken by a reader. */
    long unread() {
        lock.lock();
        try {
            return unread;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the body completed or failed. */
    boolean finished() {
        lock.lock();
        try {
            return ended || failure != null;
        } finally {
            lock.unlock();
        }
    }

    CompletionStage<Headers> trailers() {
        return trailers;
    }

    Headers endTrailers() {
        lock.lock();
        try {
            return endTrailers;
        } finally {
            lock.unlock();
        }
    }
}
