package io.h2relay.io;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.io.SocketEvent.Closed;
import io.h2relay.io.SocketEvent.Connected;
import io.h2relay.io.SocketEvent.Failed;
import io.h2relay.io.SocketEvent.PeerClosed;
import io.h2relay.io.SocketEvent.Received;
import io.h2relay.io.SocketEvent.Writable;
import io.h2relay.io.TestConnections.Msg;
import io.h2relay.io.TestConnections.Net;
import io.h2relay.io.TestConnections.PumpResult;
import io.h2relay.io.TestConnections.Run;
import io.h2relay.io.Transport.Kind;
import io.h2relay.tls.ClientTls;
import io.h2relay.tls.SelfSignedCertificate;
import io.h2relay.tls.ServerTls;
import io.h2relay.tls.SniKeyManager;
import io.h2relay.tls.TlsException;
import io.h2relay.tls.TlsSession;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TlsSocket} over both transports on loopback: against itself (server and client) and against the JDK's own
 * {@link SSLSocket} and a blocking {@link TlsSession} peer, so neither side owes its success to the other.
 */
class TlsSocketTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    static Path directory;

    @AfterAll
    static void shutDown() {
        KIT.shutdownTestKit();
    }

    // ---- TlsSocket against TlsSocket ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void clientSeesConnectedOnlyAfterTheHandshakeWithAlpnAndSession(Kind kind) throws Exception {
        Binding binding = bindEcho(kind);
        TestProbe<String> facts = KIT.createTestProbe();
        TestProbe<SocketEvent> events = KIT.createTestProbe();
        KIT.spawn(tlsScripted(ctx -> {
            Socket s = TlsSocket.client(transport(kind).connect(ctx, binding.localAddress(), LONG, Net::new),
                    clientSession(trustingOurs()));
            facts.ref().tell("before: writing=" + s.writing() + " session=" + s.tlsSession());
            return s;
        }, events.ref(), e -> e instanceof Connected, facts.ref()));
        assertEquals("before: writing=true session=null", facts.receiveMessage(LONG));
        assertInstanceOf(Connected.class, events.receiveMessage(LONG));
        String at = facts.receiveMessage(LONG);
        assertTrue(at.startsWith("alpn=h2 protocol=TLSv1.3"), at);
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void pumpsEightMebibytesThroughAnEchoIntactAndCoalesced(Kind kind) throws Exception {
        Binding binding = bindEcho(kind);
        TestProbe<PumpResult> result = KIT.createTestProbe();
        long total = 8L << 20;
        AtomicLong writes = new AtomicLong();
        KIT.spawn(tlsPump(kind, binding.localAddress(), total, 16 * 1024, writes, result.ref()));
        PumpResult r = result.receiveMessage(LONG);
        assertEquals(total, r.sent());
        assertEquals(total, r.received(), "bytes echoed back");
        assertEquals(0, r.mismatches(), "echoed bytes differing from what was sent");
        assertInstanceOf(Closed.class, r.end());
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void writesMadeWhileOneIsInFlightLeaveAsOneRawWrite(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(kind).bind(ANY_PORT, acceptor.ref()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (JdkClient client = JdkClient.connect(binding, "h2")) {
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            Accepted accepted = acceptor.receiveMessage(LONG);
            ActorRef<Msg> conn = KIT.spawn(tlsScripted(
                    ctx -> TlsSocket.server(accepted.attach(ctx, Net::new), serverSession()), events.ref(),
                    e -> false, null));
            client.handshake();
            client.out("ping");
            assertEquals("ping", receiveText(events, 4));
            TestProbe<Long> counts = KIT.createTestProbe();
            conn.tell(new Run(socket -> {
                long before = socket.socketWrites();
                for (int i = 0; i < 1000; i++) {
                    socket.write(TestConnections.pattern(i * 100L, 100));
                }
                counts.ref().tell(socket.socketWrites() - before);
            }));
            byte[] got = client.in(100_000);
            for (int i = 0; i < got.length; i++) {
                if (got[i] != TestConnections.patternAt(i)) {
                    throw new AssertionError("byte " + i + " differs");
                }
            }
            assertTrue(counts.receiveMessage(LONG) <= 2, "the first write, then the other 999 as one raw write");
            conn.tell(new Run(Socket::close)); // the JDK's close waits for our close_notify
            assertEquals(-1, client.socket.getInputStream().read());
        }
        binding.unbind();
    }

    // ---- against the JDK's SSLSocket ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void serverDecryptsAndEachRawReadIsAtMostOneReceived(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(kind).bind(ANY_PORT, acceptor.ref()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (JdkClient client = JdkClient.connect(binding, "http/1.1")) {
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            Accepted accepted = acceptor.receiveMessage(LONG);
            // This owner never acknowledges: after its first Received nothing more may arrive.
            ActorRef<Msg> conn = KIT.spawn(tlsScripted(ctx -> TlsSocket.server(accepted.attach(ctx, Net::new),
                    serverSession()), events.ref(), e -> false, null, false));
            client.handshake();
            assertEquals("http/1.1", client.socket.getApplicationProtocol());
            byte[] megabyte = new byte[1 << 20];
            Thread writer = new Thread(() -> {
                try {
                    client.socket.getOutputStream().write(megabyte);
                } catch (IOException e) {
                    // the test closes the socket under a blocked write
                }
            });
            writer.start();
            Received first = (Received) events.receiveMessage(LONG);
            assertTrue(first.bytes().length() > 0);
            events.expectNoMessage(Duration.ofMillis(300));
            long total = first.bytes().length();
            conn.tell(new Run(Socket::resumeReading));
            total += ((Received) events.receiveMessage(LONG)).bytes().length();
            assertTrue(total > first.bytes().length(), "acknowledging asked for the next read");
            TestProbe<String> alpn = KIT.createTestProbe();
            conn.tell(new Run(socket -> alpn.ref().tell(socket.applicationProtocol())));
            assertEquals("http/1.1", alpn.receiveMessage(LONG));
            client.socket.close();
            writer.join(10_000);
        }
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closeSendsQueuedBytesThenCloseNotifyThenFin(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(kind).bind(ANY_PORT, acceptor.ref()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (java.net.Socket plain = new java.net.Socket()) {
            plain.connect(binding.localAddress(), 5000);
            plain.setSoTimeout(30_000);
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            Accepted accepted = acceptor.receiveMessage(LONG);
            ActorRef<Msg> conn = KIT.spawn(tlsScripted(ctx -> TlsSocket.server(accepted.attach(ctx, Net::new),
                    serverSession()), events.ref(), e -> false, null));
            BlockingPeer peer = new BlockingPeer(plain, clientSession(trustingOurs()));
            peer.handshake();
            conn.tell(new Run(socket -> {
                socket.write(ByteString.fromString("last words"));
                socket.close();
            }));
            assertEquals("last words", peer.readToEnd());
            assertTrue(peer.tls.inboundClosed(), "close_notify arrived before the end of the stream");
            plain.close();
            assertInstanceOf(Closed.class, events.receiveMessage(LONG));
        }
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aCloseBeforeTheHandshakeFinishedWaitsForItSoEarlyBytesArrive(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(kind).bind(ANY_PORT, acceptor.ref()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (java.net.Socket plain = new java.net.Socket()) {
            plain.connect(binding.localAddress(), 5000);
            plain.setSoTimeout(30_000);
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            Accepted accepted = acceptor.receiveMessage(LONG);
            KIT.spawn(tlsScripted(ctx -> {
                Socket s = TlsSocket.server(accepted.attach(ctx, Net::new), serverSession());
                s.write(ByteString.fromString("early")); // no handshake yet: held inside the session
                s.close();
                return s;
            }, events.ref(), e -> false, null));
            BlockingPeer peer = new BlockingPeer(plain, clientSession(trustingOurs()));
            peer.handshake();
            assertEquals("early", peer.readToEnd());
            assertTrue(peer.tls.inboundClosed(), "close_notify followed the early bytes");
            plain.close();
            assertInstanceOf(Closed.class, events.receiveMessage(LONG));
        }
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void thePeersCloseNotifyIsPeerClosedAfterItsData(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(kind).bind(ANY_PORT, acceptor.ref()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (java.net.Socket plain = new java.net.Socket()) {
            plain.connect(binding.localAddress(), 5000);
            plain.setSoTimeout(30_000);
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            Accepted accepted = acceptor.receiveMessage(LONG);
            ActorRef<Msg> conn = KIT.spawn(tlsScripted(ctx -> TlsSocket.server(accepted.attach(ctx, Net::new),
                    serverSession()), events.ref(), e -> false, null));
            BlockingPeer peer = new BlockingPeer(plain, clientSession(trustingOurs()));
            peer.handshake();
            peer.write("bye");
            peer.tls.closeOutbound();
            peer.flush(); // close_notify, but no FIN
            assertEquals("bye", receiveText(events, 3));
            assertInstanceOf(PeerClosed.class, events.receiveMessage(LONG));
            conn.tell(new Run(socket -> {
                socket.write(ByteString.fromString("answer")); // TLS 1.3 close_notify closes one direction only
                socket.close();
            }));
            assertEquals("answer", peer.readToEnd());
            plain.shutdownOutput();
            assertInstanceOf(Closed.class, events.receiveMessage(LONG));
        }
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anUntrustedCertificateFailsBothSidesWithTheCause(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(kind).bind(ANY_PORT, acceptor.ref()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        TestProbe<SocketEvent> clientEvents = KIT.createTestProbe();
        Path stranger = SelfSignedCertificate.loadOrCreate(Files.createTempDirectory(directory, "other"))
                .certificateFile();
        KIT.spawn(tlsScripted(ctx -> TlsSocket.client(transport(kind).connect(ctx, binding.localAddress(), LONG,
                Net::new), clientSession(ClientTls.Trust.caBundle(stranger))), clientEvents.ref(), e -> false, null));
        TestProbe<SocketEvent> serverEvents = KIT.createTestProbe();
        Accepted accepted = acceptor.receiveMessage(LONG);
        KIT.spawn(tlsScripted(ctx -> TlsSocket.server(accepted.attach(ctx, Net::new), serverSession()),
                serverEvents.ref(), e -> false, null));
        Failed client = assertInstanceOf(Failed.class, clientEvents.receiveMessage(LONG),
                "the client never reports Connected");
        TlsException clientCause = assertInstanceOf(TlsException.class, client.cause());
        assertEquals(TlsException.Kind.HANDSHAKE_FAILED, clientCause.kind());
        Failed server = assertInstanceOf(Failed.class, serverEvents.receiveMessage(LONG));
        TlsException serverCause = assertInstanceOf(TlsException.class, server.cause());
        assertEquals(TlsException.Kind.PEER_ALERT, serverCause.kind(), "the client's alert reached the server");
        assertTrue(serverCause.peerAlert().isPresent());
        binding.unbind();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFinDuringTheHandshakeIsFailed(Kind kind) throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(kind).bind(ANY_PORT, acceptor.ref()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        try (java.net.Socket plain = new java.net.Socket()) {
            plain.connect(binding.localAddress(), 5000);
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            Accepted accepted = acceptor.receiveMessage(LONG);
            KIT.spawn(tlsScripted(ctx -> TlsSocket.server(accepted.attach(ctx, Net::new), serverSession()),
                    events.ref(), e -> false, null));
            plain.shutdownOutput();
            Failed failed = assertInstanceOf(Failed.class, events.receiveMessage(LONG));
            assertTrue(failed.cause().getMessage().contains("during the TLS handshake"), failed.cause().getMessage());
        }
        binding.unbind();
    }

    @Test
    void garbageInsteadOfAClientHelloIsAHandshakeFailure() throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(Kind.CLASSIC).bind(ANY_PORT, acceptor.ref()).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        try (java.net.Socket plain = new java.net.Socket()) {
            plain.connect(binding.localAddress(), 5000);
            plain.setSoTimeout(30_000);
            TestProbe<SocketEvent> events = KIT.createTestProbe();
            Accepted accepted = acceptor.receiveMessage(LONG);
            KIT.spawn(tlsScripted(ctx -> TlsSocket.server(accepted.attach(ctx, Net::new), serverSession()),
                    events.ref(), e -> false, null));
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
            byte[] answer = plain.getInputStream().readAllBytes(); // an alert record, then FIN
            assertTrue(answer.length > 0 && answer[0] == 21, "a TLS alert record came back");
            plain.close();
            Failed failed = assertInstanceOf(Failed.class, events.receiveMessage(LONG));
            assertEquals(TlsException.Kind.HANDSHAKE_FAILED,
                    assertInstanceOf(TlsException.class, failed.cause()).kind());
        }
        binding.unbind();
    }

    @Test
    void plainSocketsReportNoTls() throws Exception {
        TestProbe<Accepted> acceptor = KIT.createTestProbe();
        Binding binding = transport(Kind.CLASSIC).bind(ANY_PORT, acceptor.ref()).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        try (java.net.Socket plain = new java.net.Socket()) {
            plain.connect(binding.localAddress(), 5000);
            TestProbe<String> facts = KIT.createTestProbe();
            Accepted accepted = acceptor.receiveMessage(LONG);
            KIT.spawn(Behaviors.setup(ctx -> {
                Socket s = accepted.attach(ctx, Net::new);
                facts.ref().tell("[" + s.applicationProtocol() + "] " + s.tlsSession());
                return Behaviors.ignore();
            }));
            assertEquals("[] null", facts.receiveMessage(LONG));
        }
        binding.unbind();
    }

    // ---- actors -----------------------------------------------------------------------------------------------

    /**
     * Like {@link TestConnections#scripted} but passing every transport event through {@link Socket#inbound}; when
     * {@code factsAt} matches an event, tells {@code facts} the ALPN choice and TLS version seen at that moment.
     */
    private static Behavior<Msg> tlsScripted(Function<ActorContext<Msg>, Socket> open, ActorRef<SocketEvent> events,
            java.util.function.Predicate<SocketEvent> factsAt, ActorRef<String> facts) {
        return tlsScripted(open, events, factsAt, facts, true);
    }

    private static Behavior<Msg> tlsScripted(Function<ActorContext<Msg>, Socket> open, ActorRef<SocketEvent> events,
            java.util.function.Predicate<SocketEvent> factsAt, ActorRef<String> facts, boolean autoAck) {
        return Behaviors.setup(ctx -> {
            Socket socket = open.apply(ctx);
            boolean[] stop = {false};
            return Behaviors.receive(Msg.class)
                    .onMessage(Net.class, n -> {
                        socket.inbound(n.event(), e -> {
                            if (factsAt.test(e)) {
                                facts.tell("alpn=" + socket.applicationProtocol() + " protocol="
                                        + socket.tlsSession().getProtocol());
                            }
                            if (e instanceof Received && autoAck) {
                                socket.resumeReading();
                            }
                            if (!(e instanceof Writable)) {
                                events.tell(e);
                            }
                            stop[0] |= TestConnections.terminal(e);
                        });
                        return stop[0] ? Behaviors.stopped() : Behaviors.same();
                    })
                    .onMessage(Run.class, r -> {
                        r.action().accept(socket);
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** A TLS echo server: reads while less than 256 KiB wait to be written, closes after the peer's end. */
    private static Binding bindEcho(Kind kind) throws Exception {
        ActorRef<Accepted> server = KIT.spawn(Behaviors.receive((ctx, accepted) -> {
            ctx.spawnAnonymous(Behaviors.<Msg>setup(c -> {
                Socket socket = TlsSocket.server(accepted.attach(c, Net::new), serverSession());
                boolean[] holding = {false};
                boolean[] stop = {false};
                return Behaviors.receive(Msg.class).onMessage(Net.class, n -> {
                    socket.inbound(n.event(), e -> {
                        if (e instanceof Received r) {
                            socket.write(r.bytes());
                            if (socket.pendingBytes() < 256 * 1024) {
                                socket.resumeReading();
                            } else {
                                holding[0] = true;
                            }
                        } else if (e instanceof Writable && holding[0] && socket.pendingBytes() < 256 * 1024) {
                            holding[0] = false;
                            socket.resumeReading();
                        } else if (e instanceof PeerClosed) {
                            socket.close();
                        } else if (TestConnections.terminal(e)) {
                            stop[0] = true;
                        }
                    });
                    return stop[0] ? Behaviors.stopped() : Behaviors.same();
                }).build();
            }));
            return Behaviors.same();
        }));
        return transport(kind).bind(ANY_PORT, server).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Writes pattern bytes whenever the socket is not writing, checks the echo, half-closes after the last. */
    private static Behavior<Msg> tlsPump(Kind kind, InetSocketAddress remote, long total, int chunk,
            AtomicLong writes, ActorRef<PumpResult> result) {
        return Behaviors.setup(ctx -> {
            Socket socket = TlsSocket.client(transport(kind).connect(ctx, remote, LONG, Net::new),
                    clientSession(trustingOurs()));
            long[] state = new long[3];
            Runnable fill = () -> {
                while (state[0] < total && !socket.writing()) {
                    int n = (int) Math.min(chunk, total - state[0]);
                    socket.write(TestConnections.pattern(state[0], n));
                    writes.incrementAndGet();
                    state[0] += n;
                }
                if (state[0] == total) {
                    socket.shutdownOutput();
                }
            };
            boolean[] stop = {false};
            return Behaviors.receive(Msg.class).onMessage(Net.class, n -> {
                socket.inbound(n.event(), e -> {
                    if (e instanceof Received r) {
                        ByteBuffer bytes = r.bytes().asByteBuffer();
                        while (bytes.hasRemaining()) {
                            if (bytes.get() != TestConnections.patternAt(state[1]++)) {
                                state[2]++;
                            }
                        }
                        socket.resumeReading();
                    } else if (e instanceof Writable || e instanceof Connected) {
                        fill.run();
                    } else if (e instanceof PeerClosed) {
                        socket.close();
                    } else if (TestConnections.terminal(e)) {
                        result.tell(new PumpResult(state[0], state[1], state[2], e));
                        stop[0] = true;
                    }
                });
                return stop[0] ? Behaviors.stopped() : Behaviors.same();
            }).build();
        });
    }

    // ---- TLS material and peers ---------------------------------------------------------------------------

    private static SelfSignedCertificate.Stored certificate() {
        return SelfSignedCertificate.loadOrCreate(directory.resolve("ours"));
    }

    private static ServerTls serverTls() {
        return ServerTls.create(SniKeyManager.of(List.of(certificate().material())), ServerTls.Settings.defaults());
    }

    private static TlsSession serverSession() {
        try {
            return serverTls().newSession();
        } catch (TlsException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ClientTls.Trust trustingOurs() {
        return ClientTls.Trust.caBundle(certificate().certificateFile());
    }

    private static TlsSession clientSession(ClientTls.Trust trust) {
        try {
            return ClientTls.create(ClientTls.Settings.defaults().withTrust(trust)).newSession("localhost", 443);
        } catch (TlsException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Transport transport(Kind kind) {
        return Transport.create(KIT.system(), kind);
    }

    private static String receiveText(TestProbe<SocketEvent> events, int length) {
        ByteString all = ByteString.emptyByteString();
        while (all.length() < length) {
            all = all.concat(((Received) events.receiveMessage(LONG)).bytes());
        }
        return all.utf8String();
    }

    /** The JDK's own TLS client, trusting our certificate. */
    private record JdkClient(SSLSocket socket) implements AutoCloseable {

        static JdkClient connect(Binding binding, String alpn) throws Exception {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
            socket.connect(binding.localAddress(), 5000);
            socket.setSoTimeout(30_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {alpn});
            socket.setSSLParameters(parameters);
            return new JdkClient(socket);
        }

        private static javax.net.ssl.X509TrustManager trustManager() throws Exception {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ours", certificate().material().leaf());
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return (javax.net.ssl.X509TrustManager) factory.getTrustManagers()[0];
        }

        void handshake() throws IOException {
            socket.startHandshake();
        }

        void out(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(US_ASCII));
            socket.getOutputStream().flush();
        }

        byte[] in(int length) throws IOException {
            return socket.getInputStream().readNBytes(length);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A {@link TlsSession} driven over a blocking socket, so close_notify and FIN can be told apart. */
    private static final class BlockingPeer {
        final java.net.Socket socket;
        final TlsSession tls;
        private final StringBuilder plaintext = new StringBuilder();

        BlockingPeer(java.net.Socket socket, TlsSession tls) {
            this.socket = socket;
            this.tls = tls;
        }

        void handshake() throws IOException, TlsException {
            flush();
            while (!tls.handshakeComplete()) {
                if (!readOnce()) {
                    throw new IOException("end of stream during the handshake");
                }
            }
        }

        void write(String text) throws IOException, TlsException {
            ByteBuffer out = tls.wrap(ByteBuffer.wrap(text.getBytes(US_ASCII)));
            socket.getOutputStream().write(out.array(), out.arrayOffset() + out.position(), out.remaining());
        }

        void flush() throws IOException {
            ByteBuffer out = tls.takeOutput();
            socket.getOutputStream().write(out.array(), out.arrayOffset() + out.position(), out.remaining());
        }

        /** Everything until close_notify or end of stream. */
        String readToEnd() throws IOException, TlsException {
            while (!tls.inboundClosed() && readOnce()) {
                // reading
            }
            return plaintext.toString();
        }

        private boolean readOnce() throws IOException, TlsException {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16384];
            int n = in.read(buffer);
            if (n < 0) {
                return false;
            }
            ByteBuffer plain = tls.unwrap(ByteBuffer.wrap(buffer, 0, n));
            flush();
            plaintext.append(US_ASCII.decode(plain));
            return true;
        }
    }
}
