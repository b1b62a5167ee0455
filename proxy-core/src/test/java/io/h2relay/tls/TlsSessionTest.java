package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.tls.MemoryLink.Split;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Two drivers talking in memory: handshakes, data both ways under every kind of split, closing, failures. */
class TlsSessionTest {

    @TempDir
    Path directory;

    static Stream<Arguments> protocolsAndSplits() {
        return Stream.of("TLSv1.3", "TLSv1.2").flatMap(protocol -> Stream.of(Split.values())
                .map(split -> Arguments.of(protocol, split)));
    }

    private MemoryLink link(String protocol, Split split, long seed) throws TlsException {
        ServerTls server = TlsFixtures.server(java.util.List.of(TlsFixtures.LOCALHOST),
                ServerTls.Settings.defaults().withProtocols(protocol));
        ClientTls client = TlsFixtures.client(directory);
        return new MemoryLink(client.newSession("localhost", 443), server.newSession(), split, seed);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("protocolsAndSplits")
    void handshakeCompletesAndDataFlowsBothWaysHoweverTheBytesAreCut(String protocol, Split split)
            throws TlsException {
        MemoryLink link = link(protocol, split, 42).handshake();
        assertEquals(protocol, link.client.session().getProtocol());
        assertEquals(protocol, link.server.session().getProtocol());

        Random random = new Random(7);
        byte[] request = new byte[split == Split.BYTES ? 20_000 : 200_000];
        byte[] response = new byte[split == Split.BYTES ? 30_000 : 300_000];
        random.nextBytes(request);
        random.nextBytes(response);
        link.clientWrites(request);
        link.serverWrites(response);
        link.pump();
        assertArrayEquals(request, link.serverReceived.toByteArray());
        assertArrayEquals(response, link.clientReceived.toByteArray());
    }

    @Test
    void manySmallWritesArriveInOrder() throws TlsException {
        MemoryLink link = link("TLSv1.3", Split.RANDOM, 3).handshake();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            String piece = "frame-" + i + ";";
            expected.append(piece);
            link.clientWrites(piece.getBytes(StandardCharsets.US_ASCII));
            if (i % 7 == 0) {
                link.pump();
            }
        }
        link.pump();
        assertEquals(expected.toString(), link.serverReceived.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void plaintextWrittenBeforeTheHandshakeLeavesAfterIt() throws TlsException {
        MemoryLink link = link("TLSv1.3", Split.WHOLE, 1);
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(link.client.hasOutput(), "the ClientHello is ready");
        link.clientWrites(preface);
        assertFalse(link.client.hasOutput(), "wrap returned the pending ClientHello");
        assertEquals(0, link.serverReceived.size());
        link.handshake();
        assertArrayEquals(preface, link.serverReceived.toByteArray());
    }

    @Test
    void outputIsAFreshExactArrayAndPlaintextStaysTheCallersAfterLaterCalls() throws TlsException {
        MemoryLink link = link("TLSv1.3", Split.WHOLE, 1).handshake();
        ByteBuffer ciphertext = link.client.wrap(ByteBuffer.wrap("first".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(ciphertext.hasArray());
        assertEquals(0, ciphertext.arrayOffset());
        assertEquals(ciphertext.array().length, ciphertext.remaining());
        ByteBuffer second = link.client.wrap(ByteBuffer.wrap("second".getBytes(StandardCharsets.US_ASCII)));

        ByteBuffer first = link.server.unwrap(ciphertext);
        ByteBuffer copy = first.duplicate();
        ByteBuffer next = link.server.unwrap(second);
        assertEquals("first", StandardCharsets.US_ASCII.decode(copy).toString());
        assertEquals("second", StandardCharsets.US_ASCII.decode(next).toString());
        assertTrue(first.array() != next.array(), "each unwrap returns its own buffer");
    }

    @Test
    void closeNotifyTravelsBothWays() throws TlsException {
        MemoryLink link = link("TLSv1.3", Split.RANDOM, 5).handshake();
        link.clientWrites("last words".getBytes(StandardCharsets.US_ASCII));
        link.client.closeOutbound();
        assertTrue(link.client.outboundClosed());
        link.pump();
        assertEquals("last words", link.serverReceived.toString(StandardCharsets.US_ASCII));
        assertTrue(link.server.inboundClosed());
        // TLS 1.3 half-close: the server may still answer, then closes its side.
        link.serverWrites("reply".getBytes(StandardCharsets.US_ASCII));
        link.server.closeOutbound();
        link.pump();
        assertEquals("reply", link.clientReceived.toString(StandardCharsets.US_ASCII));
        assertTrue(link.client.inboundClosed());
        assertTrue(link.client.endOfInput(), "the server closed cleanly");
        assertTrue(link.server.endOfInput(), "the client closed cleanly");
    }

    @Test
    void tls12CloseNotifyIsAnsweredWithCloseNotify() throws TlsException {
        MemoryLink link = link("TLSv1.2", Split.WHOLE, 5).handshake();
        link.client.closeOutbound();
        link.pump();
        assertTrue(link.server.inboundClosed());
        assertTrue(link.server.outboundClosed(), "TLS 1.2 closes both directions");
        assertTrue(link.client.inboundClosed());
    }

    @Test
    void endOfStreamWithoutCloseNotifyIsATruncation() throws TlsException {
        MemoryLink link = link("TLSv1.3", Split.WHOLE, 5).handshake();
        assertFalse(link.server.endOfInput());
        assertTrue(link.server.inboundClosed());
    }

    @Test
    void writingAfterCloseIsRefused() throws TlsException {
        MemoryLink link = link("TLSv1.3", Split.WHOLE, 5).handshake();
        link.client.closeOutbound();
        TlsException refused = assertThrows(TlsException.class,
                () -> link.client.wrap(ByteBuffer.wrap(new byte[] {1})));
        assertEquals(TlsException.Kind.CLOSED, refused.kind());
    }

    @Test
    void untrustedServerFailsBothSidesAndTheClientSendsItsAlert() throws TlsException {
        ServerTls server = TlsFixtures.server(TestPki.selfSigned("localhost", TestPki.ecKeys(),
                java.util.List.of("localhost")));
        MemoryLink link = new MemoryLink(TlsFixtures.client(directory).newSession("localhost", 443),
                server.newSession(), Split.WHOLE, 1);
        TlsException failure = assertThrows(TlsException.class, link::pump);
        assertEquals(TlsException.Kind.HANDSHAKE_FAILED, failure.kind());
        assertTrue(link.client.hasOutput(), "the alert waits to be written");
        TlsException atServer = assertThrows(TlsException.class, () -> link.server.unwrap(link.client.takeOutput()));
        assertEquals(TlsException.Kind.PEER_ALERT, atServer.kind());
        assertTrue(atServer.peerAlert().isPresent(), atServer.getMessage());
        assertEquals(TlsException.Kind.CLOSED,
                assertThrows(TlsException.class, () -> link.client.unwrap(ByteBuffer.allocate(1))).kind());
    }

    @Test
    void plaintextHttpOnTheTlsPortFailsAtOnce() throws TlsException {
        TlsSession server = TlsFixtures.server(TlsFixtures.LOCALHOST).newSession();
        TlsException failure = assertThrows(TlsException.class, () -> server.unwrap(
                ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(TlsException.Kind.HANDSHAKE_FAILED, failure.kind());
    }

    @Test
    void aPartialFirstRecordWaitsForTheRest() throws TlsException {
        MemoryLink link = link("TLSv1.3", Split.WHOLE, 1);
        ByteBuffer hello = link.client.takeOutput();
        ByteBuffer head = hello.duplicate();
        head.limit(3);
        assertEquals(0, link.server.unwrap(head).remaining());
        assertFalse(link.server.hasOutput(), "nothing answered before the record is whole");
        hello.position(3);
        link.server.unwrap(hello);
        assertTrue(link.server.hasOutput(), "the ServerHello flight");
    }
}
