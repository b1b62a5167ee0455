package io.h2relay.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Pulls a streaming request body on the connection actor's demand: the actor asks for up to N bytes (N sized to
 * what the flow-control window can take next) and gets one {@link ConnectionActor.Upload} back; it asks again only
 * when it can send more. Reading never happens on the actor's thread.
 */
abstract sealed class UploadSource {

    private static final ByteBuffer END = ByteBuffer.allocate(0);

    final Exchange exchange;

    UploadSource(Exchange exchange) {
        this.exchange = exchange;
    }

    static UploadSource of(RequestBody body, Exchange exchange, Executor executor) {
        if (body instanceof RequestBody.Stream s) {
            return new FromStream(exchange, s.input(), executor);
        }
        if (body instanceof RequestBody.Publisher p) {
            return new FromPublisher(exchange, p.publisher());
        }
        throw new IllegalArgumentException("not a streaming body: " + body);
    }

    /** Actor thread: deliver up to {@code bytes} (at least one byte unless the body ended). One request at a time. */
    abstract void request(int bytes);

    /** Actor thread: the body is no longer wanted. */
    abstract void cancel();

    void deliver(ByteBuffer data, boolean last) {
        exchange.actor.tell(new ConnectionActor.Upload(exchange, data, last, null));
    }

    void failed(Throwable cause) {
        exchange.actor.tell(new ConnectionActor.Upload(exchange, END, true, cause));
    }

    /** Reads with blocking calls on the executor; fills each request as far as the stream gives without waiting. */
    static final class FromStream extends UploadSource {
        private static final int MIN_FILL = 16 * 1024;
        private final InputStream input;
        private final Executor executor;
        private volatile boolean cancelled;

        FromStream(Exchange exchange, InputStream input, Executor executor) {
            super(exchange);
            this.input = input;
            this.executor = executor;
        }

        @Override
        void request(int bytes) {
            executor.execute(() -> read(bytes));
        }

        private void read(int bytes) {
            if (cancelled) {
                return;
            }
            byte[] buffer = new byte[bytes];
            int filled = 0;
            boolean eof = false;
            try {
                while (filled < bytes) {
                    int n = input.read(buffer, filled, bytes - filled);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    filled += n;
                    // Enough to send a good frame and nothing more ready: do not wait for a slow producer.
                    if (filled >= Math.min(MIN_FILL, bytes) && input.available() <= 0) {
                        break;
                    }
                }
                if (eof) {
                    input.close();
                }
            } catch (IOException | RuntimeException e) {
                close();
                failed(e);
                return;
            }
            deliver(ByteBuffer.wrap(buffer, 0, filled), eof);
        }

        @Override
        void cancel() {
            cancelled = true;
            executor.execute(this::close);
        }

        private void close() {
            try {
                input.close();
            } catch (IOException e) {
                // Nobody is left to tell: the request is over either way.
            }
        }
    }

    /** One item requested at a time; the actor asks again while it can send more. */
    static final class FromPublisher extends UploadSource implements Flow.Subscriber<ByteBuffer> {
        private Flow.Subscription subscription;
        private boolean wanted;
        private boolean cancelled;
        private boolean subscribed;
        private final Flow.Publisher<ByteBuffer> publisher;

        FromPublisher(Exchange exchange, Flow.Publisher<ByteBuffer> publisher) {
            super(exchange);
            this.publisher = publisher;
        }

        @Override
        void request(int bytes) {
            Flow.Subscription s;
            synchronized (this) {
                if (!subscribed) {
                    subscribed = true;
                    wanted = true;
                    s = null;
                } else if (subscription == null) {
                    wanted = true;
                    return;
                } else {
                    s = subscription;
                }
            }
            if (s == null) {
                publisher.subscribe(this);
            } else {
                s.request(1);
            }
        }

        @Override
        void cancel() {
            Flow.Subscription s;
            synchronized (this) {
                cancelled = true;
                s = subscription;
            }
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            boolean requestNow;
            boolean cancelNow;
            synchronized (this) {
                if (subscription != null) {
                    s.cancel(); // Reactive Streams §2.5: a second subscription is refused
                    return;
                }
                subscription = s;
                requestNow = wanted;
                cancelNow = cancelled;
            }
            if (cancelNow) {
                s.cancel();
            } else if (requestNow) {
                s.request(1);
            }
        }

        @Override
        public void onNext(ByteBuffer item) {
            deliver(item, false);
        }

        @Override
        public void onError(Throwable throwable) {
            failed(throwable);
        }

        @Override
        public void onComplete() {
            deliver(END, true);
        }
    }
}
