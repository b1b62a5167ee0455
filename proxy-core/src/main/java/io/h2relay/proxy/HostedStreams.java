package io.h2relay.proxy;

import io.h2relay.proxy.Exchange.Acquire;
import io.h2relay.proxy.Exchange.AcquireAll;
import io.h2relay.proxy.Exchange.ToDownstream;
import io.h2relay.proxy.Exchange.ToPool;
import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.UpstreamBatch;
import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;

/**
 * What a client connection actor keeps for the {@link Stream}s it hosts: what they sent it (handled by the actor
 * after the message in hand, {@link #poll}), their request deadlines, and their mail to pools and upstream
 * connections, sent at {@link #flush}.
 */
final class HostedStreams implements Stream.Host {

    private final ActorContext<ToDownstream> ctx;
    private final ArrayDeque<ToDownstream> output = new ArrayDeque<>(4);
    private final RequestDeadlines deadlines;
    private final Mail<ToPool, Acquire> pools = new Mail<>(AcquireAll::new);
    private final Mail<ToUpstream, ToUpstream> upstreams = new Mail<>(UpstreamBatch::new);

    HostedStreams(ActorContext<ToDownstream> ctx, TimerScheduler<ToDownstream> timers) {
        this.ctx = ctx;
        this.deadlines = new RequestDeadlines(timers);
    }

    @Override
    public ActorRef<ToDownstream> self() {
        return ctx.getSelf();
    }

    @Override
    public void fromStream(ToDownstream message) {
        output.add(message);
    }

    @Override
    public RequestDeadlines deadlines() {
        return deadlines;
    }

    @Override
    public void acquire(ActorRef<ToPool> pool, Acquire request) {
        pools.tell(pool, request);
    }

    @Override
    public void toUpstream(ActorRef<ToUpstream> connection, ToUpstream message) {
        upstreams.tell(connection, message);
    }

    @Override
    public Logger log() {
        return ctx.getLog();
    }

    /** The next thing a Stream sent the connection, oldest first; null when none is left. */
    ToDownstream poll() {
        return output.poll();
    }

    boolean hasOutput() {
        return !output.isEmpty();
    }

    /** Sends the requests gathered for pools and the messages for upstream connections. */
    void flush() {
        pools.flush();
        upstreams.flush();
    }

    /** The connection is gone: what the Streams sent it is moot (their mail to others still goes, {@link #flush}). */
    void dropOutput() {
        output.clear();
    }
}
