package io.h2relay.tls;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Two {@link TlsSession}s joined in memory. Bytes each side produces travel to the other cut the way the
 * {@link Split} says (whole, one byte at a time, or random pieces), as a socket might deliver them.
 */
final class MemoryLink {

    enum Split { WHOLE, BYTES, RANDOM }

    final TlsSession client;
    final TlsSession server;
    private final Split split;
    private final Random random;
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    final ByteArrayOutputStream serverReceived = new ByteArrayOutputStream();
    final ByteArrayOutputStream clientReceived = new ByteArrayOutputStream();

    MemoryLink(TlsSession client, TlsSession server, Split split, long seed) {
        this.client = client;
        this.server = server;
        this.split = split;
        this.random = new Random(seed);
    }

    /** Moves bytes until neither side has anything to send; throws the first TLS failure of either side. */
    void pump() throws TlsException {
        boolean progress = true;
        while (progress) {
            progress = false;
            collect(client, toServer);
            collect(server, toClient);
            if (toServer.size() > 0) {
                deliver(toServer, server, serverReceived);
                progress = true;
            }
            if (toClient.size() > 0) {
                deliver(toClient, client, clientReceived);
                progress = true;
            }
        }
    }

    /** Handshakes and checks both sides finished. */
    MemoryLink handshake() throws TlsException {
        pump();
        if (!client.handshakeComplete() || !server.handshakeComplete()) {
            throw new AssertionError("handshake did not complete: client " + client.handshakeComplete()
                    + ", server " + server.handshakeComplete());
        }
        return this;
    }

    void clientWrites(byte[] plaintext) throws TlsException {
        toServer.writeBytes(bytes(client.wrap(ByteBuffer.wrap(plaintext))));
    }

    void serverWrites(byte[] plaintext) throws TlsException {
        toClient.writeBytes(bytes(server.wrap(ByteBuffer.wrap(plaintext))));
    }

    private static void collect(TlsSession from, ByteArrayOutputStream wire) {
        if (from.hasOutput()) {
            wire.writeBytes(bytes(from.takeOutput()));
        }
    }

    private void deliver(ByteArrayOutputStream wire, TlsSession to, ByteArrayOutputStream received)
            throws TlsException {
        byte[] data = wire.toByteArray();
        wire.reset();
        int offset = 0;
        while (offset < data.length) {
            int size = switch (split) {
                case WHOLE -> data.length;
                case BYTES -> 1;
                case RANDOM -> 1 + random.nextInt(Math.min(data.length - offset, 3000));
            };
            size = Math.min(size, data.length - offset);
            ByteBuffer chunk = ByteBuffer.wrap(data, offset, size);
            ByteBuffer plain = to.unwrap(chunk);
            if (chunk.hasRemaining()) {
                throw new AssertionError("unwrap left " + chunk.remaining() + " bytes unconsumed");
            }
            received.writeBytes(bytes(plain));
            offset += size;
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
