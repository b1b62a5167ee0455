package io.h2relay.proxy;

import io.h2relay.proxy.Exchange.ToDownstream;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The request timeouts of one client connection's Streams, on one actor timer. A Pekko timer per request (started at
 * the end of the request, cancelled at the response head) cost more than the rest of a small exchange's bookkeeping;
 * here a Stream joins an intrusive list (no allocation, O(1) removal) and the connection's single timer is armed for
 * the earliest deadline only. When it fires, the Streams past their deadline time out and it is armed for the next;
 * a Stream that got its answer left the list already, so most firings find nothing to do and re-arm once.
 */
final class RequestDeadlines {

    /** The connection actor's timer message: check the deadlines. */
    enum Tick implements ToDownstream { INSTANCE }

    private final TimerScheduler<ToDownstream> timers;
    /** Head of the list of waiting Streams, linked through {@link Stream#deadlineNext}/{@link Stream#deadlinePrev}. */
    private Stream first;
    /** When the timer fires, in {@link System#nanoTime()} terms; {@link Long#MAX_VALUE} when not armed. */
    private long armedFor = Long.MAX_VALUE;

    RequestDeadlines(TimerScheduler<ToDownstream> timers) {
        this.timers = timers;
    }

    /** {@code stream} times out {@code timeout} from now unless {@link #remove}d before. */
    void add(Stream stream, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (stream.deadlineListed) {
            remove(stream);
        }
        stream.deadline = deadline;
        stream.deadlineListed = true;
        stream.deadlinePrev = null;
        stream.deadlineNext = first;
        if (first != null) {
            first.deadlinePrev = stream;
        }
        first = stream;
        if (deadline < armedFor) {
            arm(deadline, timeout.toNanos());
        }
    }

    /** The Stream no longer waits (its response started, or it ended). Nothing when it was not listed. */
    void remove(Stream stream) {
        if (!stream.deadlineListed) {
            return;
        }
        Stream prev = stream.deadlinePrev;
        Stream next = stream.deadlineNext;
        if (prev == null) {
            first = next;
        } else {
            prev.deadlineNext = next;
        }
        if (next != null) {
            next.deadlinePrev = prev;
        }
        stream.deadlinePrev = null;
        stream.deadlineNext = null;
        stream.deadlineListed = false;
    }

    /** The timer fired: every Stream past its deadline is told ({@link Stream.Timeout}), the timer re-armed. */
    void fire() {
        armedFor = Long.MAX_VALUE;
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        Stream s = first;
        while (s != null) {
            Stream following = s.deadlineNext;
            if (s.deadline - now <= 0) {
                remove(s);
                s.receive(Stream.Timeout.INSTANCE);
            } else if (s.deadline < next) {
                next = s.deadline;
            }
            s = following;
        }
        if (next != Long.MAX_VALUE) {
            arm(next, next - now);
        }
    }

    private void arm(long deadline, long delayNanos) {
        armedFor = deadline;
        timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, Duration.ofNanos(Math.max(0, delayNanos)));
    }
}
