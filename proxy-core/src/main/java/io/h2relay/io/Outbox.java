package io.h2relay.io;

import org.apache.pekko.util.ByteString;

/**
 * The write side shared by both sockets: one write in flight, everything written meanwhile joined (as a rope, not
 * copied) into the next one, and the close that waits for the queue to empty. Confined to the owning actor.
 */
final class Outbox {

    private ByteString pending = ByteString.emptyByteString();
    private boolean inFlight;
    private boolean closeRequested;
    private boolean closeIssued;
    private long socketWrites;

    /** {@code held}: start as if a write were in flight, so writes queue until the first {@link #acked()}. */
    Outbox(boolean held) {
        this.inFlight = held;
    }

    /** Returns the bytes to write now, or null when they joined the queue behind the write in flight. */
    ByteString offer(ByteString bytes) {
        if (closeRequested || bytes.isEmpty()) {
            return null;
        }
        if (inFlight) {
            pending = pending.concat(bytes);
            return null;
        }
        return issue(bytes);
    }

    /** The write in flight completed: returns the coalesced next write, or null when the queue is empty. */
    ByteString acked() {
        inFlight = false;
        if (pending.isEmpty()) {
            return null;
        }
        ByteString next = pending;
        pending = ByteString.emptyByteString();
        return issue(next);
    }

    /** Asks for the close to follow the queued bytes; later writes are dropped. */
    void requestClose() {
        closeRequested = true;
    }

    /** True exactly once: when a close was requested and the queue has drained, so the transport may close now. */
    boolean closeDue() {
        if (closeRequested && !closeIssued && !inFlight && pending.isEmpty()) {
            closeIssued = true;
            return true;
        }
        return false;
    }

    boolean closeIssued() {
        return closeIssued;
    }

    boolean closeRequested() {
        return closeRequested;
    }

    boolean inFlight() {
        return inFlight;
    }

    long pendingBytes() {
        return pending.length();
    }

    long socketWrites() {
        return socketWrites;
    }

    /** Forgets everything queued (abort). */
    void drop() {
        pending = ByteString.emptyByteString();
        closeRequested = true;
        closeIssued = true;
    }

    private ByteString issue(ByteString bytes) {
        inFlight = true;
        socketWrites++;
        return bytes;
    }
}
