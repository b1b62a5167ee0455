package io.h2relay.proxy;

import io.h2relay.proxy.Exchange.Acquire;
import io.h2relay.proxy.Exchange.AcquireAll;
import io.h2relay.proxy.Exchange.ToPool;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The requests a client connection's Streams hand to pools while it handles one message, sent as one message per pool
 * ({@link AcquireAll}) once it is done: a read holding ten requests for one cluster costs the pool one message, not
 * ten. Order is kept.
 */
final class PoolMail {

    private final List<ActorRef<ToPool>> pools = new ArrayList<>();
    private final List<List<Acquire>> requests = new ArrayList<>();

    void tell(ActorRef<ToPool> pool, Acquire acquire) {
        for (int i = 0; i < pools.size(); i++) {
            if (pools.get(i) == pool) {
                requests.get(i).add(acquire);
                return;
            }
        }
        pools.add(pool);
        List<Acquire> list = new ArrayList<>(4);
        list.add(acquire);
        requests.add(list);
    }

    void flush() {
        for (int i = 0; i < pools.size(); i++) {
            List<Acquire> list = requests.get(i);
            pools.get(i).tell(list.size() == 1 ? list.get(0) : new AcquireAll(list));
        }
        pools.clear();
        requests.clear();
    }
}
