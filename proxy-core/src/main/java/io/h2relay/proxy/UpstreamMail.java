package io.h2relay.proxy;

import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.UpstreamBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Messages for upstream connections that an actor gathers while it handles one message (the pool's {@code Open}s, the
 * Streams' credit, body parts and cancels), then sends as one message per connection ({@link UpstreamBatch}) once it
 * is done. Order per connection is kept.
 */
final class UpstreamMail {

    private final List<ActorRef<ToUpstream>> to = new ArrayList<>();
    private final List<List<ToUpstream>> messages = new ArrayList<>();

    void tell(ActorRef<ToUpstream> connection, ToUpstream message) {
        for (int i = to.size() - 1; i >= 0; i--) {
            if (to.get(i) == connection) {
                messages.get(i).add(message);
                return;
            }
        }
        to.add(connection);
        List<ToUpstream> list = new ArrayList<>(4);
        list.add(message);
        messages.add(list);
    }

    /** Sends what was gathered; call once the message being handled is done (whatever the way). */
    void flush() {
        for (int i = 0; i < to.size(); i++) {
            List<ToUpstream> list = messages.get(i);
            to.get(i).tell(list.size() == 1 ? list.get(0) : new UpstreamBatch(list));
        }
        to.clear();
        messages.clear();
    }
}
