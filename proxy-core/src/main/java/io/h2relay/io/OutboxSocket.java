package io.h2relay.io;

import org.apache.pekko.util.ByteString;

/**
 * What both socket implementations share: the {@link Outbox} that keeps one write in flight and coalesces the rest.
 * Each implementation says only how a write and a FIN reach its transport.
 */
abstract sealed class OutboxSocket implements Socket permits ClassicSocket, StreamSocket {

    final Outbox out;

    OutboxSocket(Outbox out) {
        this.out = out;
    }

    /** Hands bytes the outbox released (null: nothing to write now) to the transport. */
    abstract void send(ByteString bytes);

    /** Sends FIN once the outbox says every queued byte has been written. */
    abstract void closeIfDue();

    @Override
    public void write(ByteString bytes) {
        send(out.offer(bytes));
    }

    @Override
    public boolean writing() {
        return out.inFlight();
    }

    @Override
    public long pendingBytes() {
        return out.pendingBytes();
    }

    @Override
    public long socketWrites() {
        return out.socketWrites();
    }

    @Override
    public void shutdownOutput() {
        out.requestClose();
        closeIfDue();
    }
}
