package io.h2relay.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Messages for other actors gathered while an actor handles one message, sent once it is done: one message per
 * destination, a batch ({@code batch}) when there are several. Each message to another actor costs an enqueue, a
 * dispatch and a receive, and one socket read often holds several requests for the same pool or upstream connection
 * (measured in docs/performance.md). Order per destination is kept.
 *
 * @param <T> the destinations' protocol
 * @param <M> the messages gathered
 */
final class Mail<T, M extends T> {

    private final Function<List<M>, T> batch;
    private final List<ActorRef<T>> to = new ArrayList<>();
    private final List<List<M>> messages = new ArrayList<>();

    Mail(Function<List<M>, T> batch) {
        this.batch = batch;
    }

    /** Gathers a message; a null destination fails here, in the caller's code, not later in {@link #flush}. */
    void tell(ActorRef<T> destination, M message) {
        Objects.requireNonNull(destination, "destination");
        for (int i = to.size() - 1; i >= 0; i--) {
            if (to.get(i) == destination) {
                messages.get(i).add(message);
                return;
            }
        }
        to.add(destination);
        List<M> list = new ArrayList<>(4);
        list.add(message);
        messages.add(list);
    }

    /** Sends what was gathered; call once the message being handled is done (whatever the way). */
    void flush() {
        for (int i = 0; i < to.size(); i++) {
            List<M> list = messages.get(i);
            to.get(i).tell(list.size() == 1 ? list.get(0) : batch.apply(list));
        }
        to.clear();
        messages.clear();
    }
}
