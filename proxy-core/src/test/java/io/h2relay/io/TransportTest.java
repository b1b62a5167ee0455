package io.h2relay.io;

import static io.h2relay.io.TestConnections.patternAt;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.h2relay.io.SocketEvent.Closed;
import io.h2relay.io.SocketEvent.ConnectFailed;
import io.h2relay.io.SocketEvent.Connected;
import io.h2relay.io.SocketEvent.Failed;
import io.h2relay.io.SocketEvent.PeerClosed;
import io.h2relay.io.SocketEvent.Received;
import io.h2relay.io.TestConnections.Crash;
import io.h2relay.io.TestConnections.Msg;
import io.h2relay.io.TestConnections.Net;
import io.h2relay.io.TestConnections.PumpResult;
import io.h2relay.io.TestConnections.Run;
import io.h2relay.io.Transport.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both transports over real loopback sockets, against plain JDK sockets as the peer. */
class TransportTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    @AfterAll
    static void shutDown() {
        KIT.shutdownTestKit();
    }

    // ---- server side ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void echoesSixtyFourMebibytesIntactAndInOrder(Kind kind) throws Exception {
        TestProbe<SocketEvent> done = KIT.createTestProbe();
        Binding binding = bind(kind, KIT.spawn(TestConnections.echoServer(done.ref())));
        long total = 64L << 20;
        try (java.net.Socket client = connect(binding)) {
            CompletableFuture<Void> writer = background(() -> {
                OutputStream out = client.getOutputStream();
                int chunk = 256 * 1024;
                for (long p = 0; p < total; p += chunk) {
                    out.write(patternBytes(p, chunk));
                }
                client.shutdownOutput();
            });
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            long position = 0;
            long mismatches = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != patternAt(position++)) {
                        mismatches++;
                    }
                }
            }
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(total, position, "bytes echoed");
            assertEquals(0, mismatches, "echoed bytes differing from what was sent");
        }
        assertInstanceOf(Closed.class, done.receiveMessage(LONG));
        binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anUnacknowledgedReadStopsReadingFromTheSocket(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        TestProbe<SocketEvent> events = KIT.createTestProbe();
        Binding binding = bind(kind, acceptor.ref());
        try (SocketChannel peer = SocketChannel.open(binding.localAddress()); Selector selector = Selector.open()) {
            AtomicLong read = new AtomicLong();
            Accepted accepted = acceptor.receiveMessage();
            ActorRef<Msg> conn = KIT.spawn(TestConnections.scripted(
                    ctx -> accepted.attach(ctx, Net::new), events.ref(), false, read));

            peer.configureBlocking(false);
            peer.register(selector, SelectionKey.OP_WRITE);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long cap = 256L << 20;
            long written = 0;
            while (written < cap) {
                chunk.clear();
                int n = peer.write(chunk);
                written += n;
                // Full kernel buffers that stay full: nobody reads on the other side.
                if (n == 0 && selector.select(300) == 0) {
                    break;
                }
                selector.selectedKeys().clear();
            }
            assertTrue(written < cap, "the peer's writes never blocked: the transport kept reading");
            assertInstanceOf(Received.class, events.receiveMessage(LONG));
            long readWhileBlocked = read.get();
            assertTrue(readWhileBlocked <= 256 * 1024,
                    "read " + readWhileBlocked + " bytes of " + written + " without acknowledging");

            conn.tell(new Run(Socket::resumeReading));
            assertInstanceOf(Received.class, events.receiveMessage(LONG));
            assertTrue(read.get() > readWhileBlocked);
        }
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void writesMadeWhileOneIsInFlightAreCoalesced(Kind kind) throws Exception {
        Session s = session(kind);
        s.conn.tell(new Run(socket -> {
            for (int i = 0; i < 1000; i++) {
                socket.write(TestConnections.pattern(i * 100L, 100));
            }
        }));
        byte[] got = s.client.getInputStream().readNBytes(100_000);
        assertTrue(matchesPattern(got, 0), "the 1000 writes arrive intact and in order");
        TestProbe<Long> writes = KIT.createTestProbe();
        s.conn.tell(new Run(socket -> writes.ref().tell(socket.socketWrites())));
        assertEquals(2L, writes.receiveMessage(), "the first write, then the other 999 as one");
        s.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closeSendsEverythingQueuedThenFin(Kind kind) throws Exception {
        Session s = session(kind);
        int chunk = 64 * 1024;
        s.conn.tell(new Run(socket -> {
            for (int i = 0; i < 64; i++) {
                socket.write(TestConnections.pattern((long) i * chunk, chunk));
            }
            socket.close();
        }));
        byte[] got = s.client.getInputStream().readAllBytes(); // up to FIN
        assertEquals(64 * chunk, got.length);
        assertTrue(matchesPattern(got, 0));
        s.client.close();
        assertInstanceOf(Closed.class, s.events.receiveMessage(LONG));
        s.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPeerFinEndsTheInputButTheAnswerStillGoesOut(Kind kind) throws Exception {
        Session s = session(kind);
        s.client.getOutputStream().write("request".getBytes(US_ASCII));
        s.client.shutdownOutput();
        assertEquals("request", receiveText(s.events, 7));
        assertInstanceOf(PeerClosed.class, s.events.receiveMessage(LONG));
        s.conn.tell(new Run(socket -> {
            socket.write(ByteString.fromString("response"));
            socket.close();
        }));
        assertEquals("response", new String(s.client.getInputStream().readAllBytes(), US_ASCII));
        assertInstanceOf(Closed.class, s.events.receiveMessage(LONG));
        s.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shutdownOutputSendsFinAndKeepsReading(Kind kind) throws Exception {
        Session s = session(kind);
        s.conn.tell(new Run(socket -> {
            socket.write(ByteString.fromString("bye"));
            socket.shutdownOutput();
        }));
        assertEquals("bye", new String(s.client.getInputStream().readAllBytes(), US_ASCII));
        s.client.getOutputStream().write("late".getBytes(US_ASCII));
        assertEquals("late", receiveText(s.events, 4));
        s.client.close();
        assertInstanceOf(Closed.class, s.events.receiveMessage(LONG));
        s.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPeerResetIsReportedAsFailure(Kind kind) throws Exception {
        Session s = session(kind);
        s.client.setSoLinger(true, 0);
        s.client.close(); // RST
        assertInstanceOf(Failed.class, s.events.receiveMessage(LONG));
        s.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void abortResetsTheConnection(Kind kind) throws Exception {
        Session s = session(kind);
        s.conn.tell(new Run(socket -> {
            socket.write(TestConnections.pattern(0, 1 << 20));
            socket.abort();
        }));
        assertInstanceOf(Closed.class, s.events.receiveMessage(LONG));
        InputStream in = s.client.getInputStream();
        assertThrows(SocketException.class, () -> {
            while (in.read(new byte[65536]) >= 0) {
                // drain whatever arrived before the reset
            }
        });
        s.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFailingConnectionActorLeavesOtherConnectionsAlone(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = bind(kind, acceptor.ref());
        try (java.net.Socket doomed = connect(binding); java.net.Socket survivor = connect(binding)) {
            TestProbe<SocketEvent> doomedEvents = KIT.createTestProbe();
            TestProbe<SocketEvent> survivorEvents = KIT.createTestProbe();
            // Accepted connections may arrive in either order: pair them with the clients by port.
            Accepted a = acceptor.receiveMessage();
            Accepted b = acceptor.receiveMessage();
            boolean aIsDoomed = a.remoteAddress().getPort() == doomed.getLocalPort();
            ActorRef<Msg> first = KIT.spawn(TestConnections.scripted(aIsDoomed ? a : b, doomedEvents.ref(), true));
            ActorRef<Msg> second = KIT.spawn(TestConnections.scripted(aIsDoomed ? b : a, survivorEvents.ref(), true));

            first.tell(new Crash());
            doomedEvents.expectTerminated(first, LONG);
            assertConnectionEnds(doomed.getInputStream());

            survivor.getOutputStream().write("ping".getBytes(US_ASCII));
            assertEquals("ping", receiveText(survivorEvents, 4));
            second.tell(new Run(socket -> socket.write(ByteString.fromString("pong"))));
            assertEquals("pong", new String(survivor.getInputStream().readNBytes(4), US_ASCII));
        }
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void bindsAnEphemeralPortAndStopsListeningOnUnbind(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = bind(kind, acceptor.ref());
        int port = binding.localAddress().getPort();
        assertNotEquals(0, port);
        try (java.net.Socket client = connect(binding)) {
            Accepted accepted = acceptor.receiveMessage();
            assertEquals(client.getLocalPort(), accepted.remoteAddress().getPort());
            assertEquals(port, accepted.localAddress().getPort());
            KIT.spawn(TestConnections.scripted(accepted, KIT.<SocketEvent>createTestProbe().ref(), true));
        }
        binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThrows(ConnectException.class, () -> new java.net.Socket("127.0.0.1", port).close());
    }

    // ---- client side ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClientExchangesSixteenMebibytesAndClosesCleanly(Kind kind) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, ANY_PORT.getAddress())) {
            CompletableFuture<Void> echo = background(() -> {
                try (java.net.Socket peer = server.accept()) {
                    peer.getInputStream().transferTo(peer.getOutputStream());
                }
            });
            TestProbe<PumpResult> result = KIT.createTestProbe();
            long total = 16L << 20;
            KIT.spawn(TestConnections.pump(transport(kind), (InetSocketAddress) server.getLocalSocketAddress(), total,
                    64 * 1024, result.ref()));
            PumpResult r = result.receiveMessage(LONG);
            assertEquals(new PumpResult(total, total, 0, SocketEvent.CLOSED), r);
            echo.get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClientHoldsWritesUntilConnectedAndReportsTheAddresses(Kind kind) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, ANY_PORT.getAddress())) {
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
            ActorRef<Msg> conn = KIT.spawn(TestConnections.scriptedClient(transport(kind), address,
                    Duration.ofSeconds(5), events.ref()));
            conn.tell(new Run(socket -> socket.write(ByteString.fromString("early"))));
            try (java.net.Socket peer = server.accept()) {
                Connected connected = (Connected) events.receiveMessage(LONG);
                assertEquals(address, connected.remote());
                assertEquals(peer.getPort(), connected.local().getPort());
                assertEquals("early", new String(peer.getInputStream().readNBytes(5), US_ASCII));
            }
            assertInstanceOf(PeerClosed.class, events.receiveMessage(LONG));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void connectingToAClosedPortFails(Kind kind) throws Exception {
        InetSocketAddress closed;
        try (ServerSocket probe = new ServerSocket(0, 1, ANY_PORT.getAddress())) {
            closed = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        TestProbe<SocketEvent> events = KIT.createTestProbe();
        KIT.spawn(TestConnections.scriptedClient(transport(kind), closed, Duration.ofSeconds(5), events.ref()));
        ConnectFailed failed = (ConnectFailed) events.receiveMessage(LONG);
        assertFalse(failed.timedOut(), failed.toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConnectThatGetsNoAnswerTimesOut(Kind kind) throws Exception {
        // A listener whose accept queue is full drops further SYNs, so a connect hangs until its timeout.
        List<java.net.Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, ANY_PORT.getAddress())) {
            InetSocketAddress address = (InetSocketAddress) full.getLocalSocketAddress();
            boolean queueFull = false;
            for (int i = 0; i < 16 && !queueFull; i++) {
                java.net.Socket filler = new java.net.Socket();
                fillers.add(filler);
                try {
                    filler.connect(address, 200);
                } catch (SocketTimeoutException e) {
                    queueFull = true;
                }
            }
            assertTrue(queueFull, "could not fill the accept queue of " + address);
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            KIT.spawn(TestConnections.scriptedClient(transport(kind), address, Duration.ofMillis(300), events.ref()));
            ConnectFailed failed = (ConnectFailed) events.receiveMessage(LONG);
            assertTrue(failed.timedOut(), failed.toString());
        } finally {
            for (java.net.Socket filler : fillers) {
                filler.close();
            }
        }
    }

    // ---- configuration --------------------------------------------------------------------------------------

    @Test
    void configurationChoosesTheTransport() {
        assertEquals(Kind.DEFAULT, Transport.fromConfig(KIT.system()).kind());
        ActorTestKit streams = ActorTestKit.create(
                ConfigFactory.parseString(Transport.CONFIG_KEY + " = streams").withFallback(ConfigFactory.load()));
        try {
            assertEquals(Kind.STREAMS, Transport.fromConfig(streams.system()).kind());
        } finally {
            streams.shutdownTestKit();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** A JDK client connected to a scripted server-side actor that acknowledges every read. */
    private record Session(Binding binding, java.net.Socket client, ActorRef<Msg> conn, TestProbe<SocketEvent> events) {

        void close() throws IOException {
            client.close();
            binding.unbind();
        }
    }

    private static Session session(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = bind(kind, acceptor.ref());
        java.net.Socket client = connect(binding);
        TestProbe<SocketEvent> events = KIT.createTestProbe();
        ActorRef<Msg> conn = KIT.spawn(TestConnections.scripted(acceptor.receiveMessage(), events.ref(), true));
        return new Session(binding, client, conn, events);
    }

    private static Transport transport(Kind kind) {
        return Transport.create(KIT.system(), kind);
    }

    private static Binding bind(Kind kind, ActorRef<Accepted> acceptor) throws Exception {
        return transport(kind).bind(ANY_PORT, acceptor).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static java.net.Socket connect(Binding binding) throws IOException {
        java.net.Socket socket = new java.net.Socket();
        socket.connect(binding.localAddress(), 5000);
        socket.setSoTimeout(30_000); // a read that never returns fails the test instead of hanging it
        return socket;
    }

    /** Collects Received events until {@code length} bytes arrived (one write may come as several reads). */
    private static String receiveText(TestProbe<SocketEvent> events, int length) {
        ByteString all = ByteString.emptyByteString();
        while (all.length() < length) {
            all = all.concat(((Received) events.receiveMessage(LONG)).bytes());
        }
        return all.utf8String();
    }

    private static void assertConnectionEnds(InputStream in) {
        try {
            while (in.read(new byte[4096]) >= 0) {
                // anything still buffered before the end
            }
        } catch (IOException reset) {
            // a reset ends it too
        }
    }

    private static byte[] patternBytes(long from, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = patternAt(from + i);
        }
        return b;
    }

    private static boolean matchesPattern(byte[] bytes, long from) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != patternAt(from + i)) {
                return false;
            }
        }
        return true;
    }

    private interface IoTask {
        void run() throws Exception;
    }

    private static CompletableFuture<Void> background(IoTask task) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                task.run();
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "test-peer");
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
