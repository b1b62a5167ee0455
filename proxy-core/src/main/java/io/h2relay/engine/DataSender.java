package io.h2relay.engine;

import io.h2relay.engine.priority.Priority;
import io.h2relay.engine.priority.StreamScheduler;
import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The queued send mode of {@link H2Connection}: streams hand over buffers, and DATA frames are cut from them in the
 * order the {@link StreamScheduler} picks, each within the stream and connection windows and the peer's
 * SETTINGS_MAX_FRAME_SIZE. The scheduler only ever sees a stream as ready when it has bytes queued and window to send
 * them, so a stream waiting on a window costs nothing until a WINDOW_UPDATE or SETTINGS change (Twisted's busy loop on
 * a zero window, ENGINE_PARITY §9 t1, cannot happen). Blocking, unblocking and draining are reported as events.
 */
final class DataSender {

    private final H2Connection c;
    final StreamScheduler scheduler;
    /** Bytes queued over all streams. */
    private long queuedTotal;
    /** The connection window stopped everyone (reported once, until it opens). */
    private boolean connectionBlocked;
    /**
     * Where DATA spread over several queued buffers is gathered into one frame. Allocated on the first gather, not
     * up front: most connections never gather (a frame is usually a view of one buffer), and 16 KiB on every idle
     * connection was half of its heap.
     */
    private ByteBuffer scratch = ByteBuffer.allocate(0);

    DataSender(H2Connection connection, StreamScheduler scheduler) {
        this.c = connection;
        this.scheduler = scheduler;
    }

    long queuedTotal() {
        return queuedTotal;
    }

    /** Some stream could send now (assuming the connection window allows). */
    boolean hasReady() {
        return scheduler.hasReady();
    }

    /** Starts scheduling a stream that may send DATA (RFC 9218 {@code priority} field value, or null). */
    void schedule(H2Stream s, String priorityFieldValue) {
        if (s.scheduled || !s.canSend()) {
            return;
        }
        s.scheduled = true;
        scheduler.add(s.id, priorityFieldValue == null ? Priority.DEFAULT : Priority.parse(priorityFieldValue));
        updateReady(s);
    }

    /** The stream can send no more DATA: forget it and whatever it still had queued. */
    void unschedule(H2Stream s) {
        s.scheduled = false;
        scheduler.remove(s.id);
        if (s.queue != null) {
            queuedTotal -= s.queue.bytes();
            s.queue.clear();
        }
    }

    /** Appends to the stream's queue; with nothing queued before it, an END_STREAM goes out at once. */
    void queue(H2Stream s, ByteBuffer data, boolean endStream) {
        if (s.queue == null) {
            s.queue = new DataQueue();
        }
        schedule(s, null);
        queuedTotal += data.remaining();
        s.queue.add(data);
        if (endStream) {
            s.queue.endStream = true;
        }
        if (s.queue.bytes() == 0) {
            flushTail(s);
        } else {
            updateReady(s);
        }
    }

    /** Tells the scheduler whether the stream can send DATA now; reports blocking and unblocking once each. */
    void updateReady(H2Stream s) {
        if (!s.scheduled) {
            return;
        }
        long queued = s.queuedBytes();
        boolean ready = queued > 0 && s.sendWindow.size() > 0;
        scheduler.setReady(s.id, ready);
        if (queued > 0 && !ready && !s.blocked) {
            s.blocked = true;
            c.emit(new Event.DataQueueBlocked(s.id, queued, false));
        } else if (ready && s.blocked) {
            s.blocked = false;
            c.emit(new Event.DataQueueUnblocked(s.id));
        }
    }

    /** After a SETTINGS_INITIAL_WINDOW_SIZE change every stream window moved (RFC 9113 §6.9.2). */
    void refreshReadiness() {
        for (H2Stream s : c.streams.all()) {
            updateReady(s);
        }
    }

    /** The connection window opened: a connection-blocked queue may go again. */
    void connectionWindowOpened() {
        if (connectionBlocked && c.sendWindow.size() > 0) {
            connectionBlocked = false;
            c.emit(new Event.DataQueueUnblocked(0));
        }
    }

    /** Cuts queued DATA into frames, by priority, while less than {@code limit} bytes wait to be written. */
    void fill(int limit) {
        if (queuedTotal == 0) {
            return;
        }
        while (c.out.size() < limit && c.sendWindow.size() > 0 && scheduler.hasReady()) {
            H2Stream s = c.streams.get(scheduler.next());
            int frame = c.maxOutboundFrameSize();
            int n = (int) Math.min(Math.min(s.queue.bytes(), s.sendWindow.available()),
                    Math.min(c.sendWindow.available(), frame));
            if (scratch.capacity() < n && s.queue.firstChunkBytes() < n) {
                scratch = ByteBuffer.allocate(frame);
            }
            ByteBuffer chunk = s.queue.take(n, scratch);
            queuedTotal -= n;
            boolean drained = s.queue.bytes() == 0;
            boolean end = drained && s.queue.endStream && s.queue.trailers == null;
            if (end) {
                s.queue.endStream = false;
            }
            c.writeData(s, chunk, end, 0, n);
            if (s.scheduled) {
                scheduler.sent(s.id, n);
            }
            if (drained) {
                flushTail(s);
                c.emit(new Event.DataQueueDrained(s.id));
            }
            updateReady(s);
        }
        if (c.sendWindow.size() <= 0 && queuedTotal > 0 && !connectionBlocked) {
            connectionBlocked = true;
            c.emit(new Event.DataQueueBlocked(0, queuedTotal, true));
        }
    }

    /** The queue's bytes are out: send what was queued behind them (END_STREAM or trailers). */
    private void flushTail(H2Stream s) {
        DataQueue q = s.queue;
        if (q.trailers != null) {
            List<Header> trailers = q.trailers;
            q.trailers = null;
            q.endStream = false;
            c.writeHeaders(s, trailers, true, null);
        } else if (q.endStream) {
            q.endStream = false;
            c.writeData(s, ByteBuffer.allocate(0), true, 0, 0);
        }
    }
}
