package io.h2relay.proxy;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Connection;
import io.h2relay.io.Socket;
import io.h2relay.io.SocketEvent;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;

/**
 * One HTTP/2 engine on one socket, driven by the actor that owns both (the proxy's connection actors and the built-in
 * origin's). It holds the three habits every such actor needs (DESIGN.md, "Performance habits"):
 *
 * <ul>
 *   <li>One socket read is one {@link H2Connection#receiveData} batch; the bytes are passed as a view, so DATA
 *       payloads stay views of the read buffer (Pekko hands each read over as a fresh immutable array).</li>
 *   <li>Output is pulled from the engine only while no socket write is in flight: whatever the actor produced
 *       meanwhile joins the next write, and queued DATA is cut into frames (by priority, within the windows) only
 *       when the socket can take it, so bytes reported as sent really left.</li>
 *   <li>Reading stops while the engine's outbound buffer is full or the socket holds too much unwritten, so a peer
 *       that does not read cannot make us buffer what it keeps asking for.</li>
 * </ul>
 */
public final class EngineSocket {

    /** The largest single write; big enough that a write per round trip saturates loopback. */
    static final int WRITE_CHUNK = 256 * 1024;
    /** Unwritten socket bytes past which we stop reading (only spills past the engine's bound reach the socket). */
    static final long SOCKET_PENDING_LIMIT = 1024 * 1024;

    private final H2Connection engine;
    private final Socket socket;
    private boolean readHeld;
    private boolean closing;

    public EngineSocket(H2Connection engine, Socket socket) {
        this.engine = engine;
        this.socket = socket;
    }

    public H2Connection engine() {
        return engine;
    }

    public Socket socket() {
        return socket;
    }

    /**
     * Passes one transport event through the socket's layers ({@link Socket#inbound}: TLS decrypts, a handshake
     * yields nothing) to {@code onEvent}, and returns the behaviour the events asked for: {@code same} unless one
     * asked for another (a stop), after which the rest are not handled.
     */
    public <T> Behavior<T> inbound(SocketEvent event, Function<SocketEvent, Behavior<T>> onEvent, Behavior<T> same) {
        var result = new Object() {
            Behavior<T> next = same;
        };
        socket.inbound(event, e -> {
            if (result.next == same) {
                Behavior<T> b = onEvent.apply(e);
                if (b != Behaviors.<T>same()) {
                    result.next = b;
                }
            }
        });
        return result.next;
    }

    /**
     * Credits a DATA frame's padding at once (RFC 9113 §6.1: padding counts against the windows but carries nothing
     * anyone will consume) and returns the payload length, which the caller credits as it is consumed.
     */
    public int acknowledgePadding(Event.DataReceived d) {
        int length = d.data().remaining();
        int padding = d.flowControlledLength() - length;
        if (padding > 0) {
            engine.acknowledgeReceivedData(padding, d.streamId());
        }
        return length;
    }

    /** Feeds one socket read to the engine; reading stays stopped until {@link #resumeReading()}. */
    public List<Event> receive(ByteString bytes) {
        return engine.receiveData(bytes.asByteBuffer(), System.nanoTime());
    }

    /** Asks for the next read unless our output is backed up; then {@link #writable()} asks once it drains. */
    public void resumeReading() {
        if (closing) {
            return;
        }
        if (engine.outboundPaused() || socket.pendingBytes() >= SOCKET_PENDING_LIMIT) {
            readHeld = true;
        } else {
            readHeld = false;
            socket.resumeReading();
        }
    }

    /** Writes what the engine has, if no write is in flight. Call after every batch of actions. */
    public void flush() {
        if (!socket.writing() && !closing) {
            byte[] bytes = engine.dataToSend(WRITE_CHUNK);
            if (bytes.length > 0) {
                socket.write(ByteString.fromArrayUnsafe(bytes));
            }
        }
    }

    /**
     * Before an application send: when the engine's outbound buffer is full it refuses sends, so its bytes move to
     * the socket's queue (the read side stops meanwhile, see {@link #resumeReading()}).
     */
    public void makeRoom() {
        if (engine.outboundPaused()) {
            byte[] bytes = engine.dataToSend();
            if (bytes.length > 0) {
                socket.write(ByteString.fromArrayUnsafe(bytes));
            }
        }
    }

    /** The socket finished a write: send more, and read again if reading waited for the output to drain. */
    public void writable() {
        flush();
        if (readHeld) {
            resumeReading();
        }
    }

    /** Writes everything the engine holds (a GOAWAY, say) and then closes gracefully. */
    public void close() {
        byte[] bytes = engine.dataToSend();
        if (bytes.length > 0) {
            socket.write(ByteString.fromArrayUnsafe(bytes));
        }
        closing = true;
        socket.close();
    }

    public boolean closing() {
        return closing;
    }
}
