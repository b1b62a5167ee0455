package io.h2relay.proxy;

import io.h2relay.proxy.Exchange.ForStream;
import io.h2relay.proxy.Exchange.ForStreams;
import io.h2relay.proxy.Exchange.ToStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Messages for Streams that an actor gathers while it handles one message, then sends as one message per client
 * connection ({@link ForStreams}): one backend read answers several requests of the same client connection, and each
 * message to another actor costs an enqueue, a dispatch and a receive. Order per Stream is kept.
 */
final class StreamMail {

    private final List<ForStream> pending = new ArrayList<>();

    void tell(StreamRef to, ToStream message) {
        pending.add(new ForStream(to, message));
    }

    /** Sends what was gathered; call once the message being handled is done (whatever the way). */
    void flush() {
        int n = pending.size();
        if (n == 0) {
            return;
        }
        if (n == 1) {
            ForStream only = pending.get(0);
            pending.clear();
            only.to().host().tell(only);
            return;
        }
        for (int i = 0; i < n; i++) {
            ForStream f = pending.get(i);
            if (f == null) {
                continue;
            }
            ActorRef<Exchange.ToDownstream> host = f.to().host();
            List<ForStream> group = null;
            for (int j = i + 1; j < n; j++) {
                ForStream g = pending.get(j);
                if (g != null && g.to().host() == host) {
                    if (group == null) {
                        group = new ArrayList<>(n - i);
                        group.add(f);
                    }
                    group.add(g);
                    pending.set(j, null);
                }
            }
            host.tell(group == null ? f : new ForStreams(group));
        }
        pending.clear();
    }
}
