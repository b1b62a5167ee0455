package io.h2relay.proxy;

import io.h2relay.proxy.Exchange.Failure;
import io.h2relay.proxy.Exchange.Open;
import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.UpstreamFailed;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What an upstream connection actor becomes once it told the pool its connection could not be made: it answers every
 * request still reaching it with {@link Failure#CONNECT_FAILED} until the pool's {@link Forgotten} arrives, then stops.
 * The pool may have sent requests after the failure and before it heard of it; since messages between two actors stay
 * in order, {@code Forgotten} comes after the last of them, so none is lost to dead letters.
 */
final class Unreachable {

    private Unreachable() {}

    /** From the pool: it removed the connection and will send it nothing more. */
    enum Forgotten implements ToUpstream { INSTANCE }

    static Behavior<ToUpstream> behavior() {
        return Behaviors.receive(ToUpstream.class)
                .onMessage(ToUpstream.class, m -> m instanceof Open || m instanceof Exchange.UpstreamBatch, m -> {
                    for (Open o : Exchange.opens(m)) {
                        o.stream().tell(new UpstreamFailed(Failure.CONNECT_FAILED));
                    }
                    return Behaviors.same();
                })
                .onMessageEquals(Forgotten.INSTANCE, Behaviors::stopped)
                .onAnyMessage(m -> Behaviors.same()) // late socket events and timers
                .build();
    }
}
