package io.h2relay.proxy;

import io.h2relay.io.Accepted;
import io.h2relay.io.Binding;
import io.h2relay.io.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Owns one listening socket and spawns a connection actor (its child) for every accepted connection. Stopping the
 * listener resets the connections it spawned; draining lets them finish first.
 */
public final class Listener {

    public sealed interface Msg {}

    private record Incoming(Accepted accepted) implements Msg {}

    /**
     * Stop accepting, tell every connection {@code drain}, and complete {@code done} once all of them are gone.
     */
    public record Drain<C>(C drain, CompletableFuture<Done> done) implements Msg {}

    /** Stop accepting and reset every connection. */
    public record Stop(CompletableFuture<Done> done) implements Msg {}

    private Listener() {}

    /**
     * @param bound completed with the binding, or failed when the address cannot be bound (then the listener stops)
     * @param connection the behaviour of a connection actor for an accepted connection
     */
    public static <C> Behavior<Msg> create(Transport transport, InetSocketAddress address,
            CompletableFuture<Binding> bound, Function<Accepted, Behavior<C>> connection) {
        return Behaviors.setup(ctx -> {
            ActorRef<Accepted> acceptor = ctx.messageAdapter(Accepted.class, Incoming::new);
            ActorRef<Msg> self = ctx.getSelf();
            transport.bind(address, acceptor).whenComplete((binding, error) -> {
                if (error != null) {
                    bound.completeExceptionally(error);
                    self.tell(new Stop(new CompletableFuture<>()));
                } else {
                    bound.complete(binding);
                }
            });
            int[] live = {0};
            CompletableFuture<Done>[] drained = new CompletableFuture[1];
            CompletableFuture<Done> unbound = new CompletableFuture<>();
            boolean[] unbinding = {false};
            return Behaviors.receive(Msg.class)
                    .onMessage(Incoming.class, in -> {
                        if (drained[0] != null) {
                            return Behaviors.same(); // unbinding: the connection is dropped (reset) unanswered
                        }
                        ActorRef<C> child = ctx.spawnAnonymous(connection.apply(in.accepted()));
                        ctx.watch(child);
                        live[0]++;
                        return Behaviors.same();
                    })
                    .onMessage(Drain.class, d -> {
                        if (!unbinding[0]) {
                            unbinding[0] = true;
                            unbind(bound, unbound);
                        }
                        drained[0] = d.done();
                        for (ActorRef<Void> child : ctx.getChildren()) {
                            @SuppressWarnings("unchecked")
                            ActorRef<Object> c = (ActorRef<Object>) (ActorRef<?>) child;
                            c.tell(d.drain());
                        }
                        if (live[0] == 0) {
                            d.done().complete(Done.getInstance());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Stop.class, s -> {
                        if (!unbinding[0]) {
                            unbinding[0] = true;
                            unbind(bound, unbound);
                        }
                        return Behaviors.stopped(
                                () -> unbound.whenComplete((d, e) -> s.done().complete(Done.getInstance())));
                    })
                    .onSignal(Terminated.class, t -> {
                        live[0]--;
                        if (live[0] == 0 && drained[0] != null) {
                            drained[0].complete(Done.getInstance());
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** {@code unbound} completes when the port is free again (at once if it never was bound). */
    private static void unbind(CompletableFuture<Binding> bound, CompletableFuture<Done> unbound) {
        Binding b = bound.isCompletedExceptionally() ? null : bound.getNow(null);
        if (b == null) {
            unbound.complete(Done.getInstance());
        } else {
            b.unbind().whenComplete((d, e) -> unbound.complete(Done.getInstance()));
        }
    }
}
