package io.h2relay.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs a {@link TlsSession} over a blocking socket, the way a test peer needs it: read, unwrap, write what the
 * session produced. Also makes plain JDK contexts for the other side, so that side owes nothing to our code.
 */
final class SocketDriver implements AutoCloseable {

    final Socket socket;
    final TlsSession tls;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] readBuffer = new byte[8192];
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean eof;

    SocketDriver(Socket socket, TlsSession tls) throws IOException {
        this.socket = socket;
        this.tls = tls;
        socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    void handshake() throws IOException, TlsException {
        flush();
        while (!tls.handshakeComplete()) {
            if (!readOnce()) {
                throw new IOException("end of stream during the handshake");
            }
        }
    }

    /** Reads plaintext until it holds {@code marker} (returns everything so far) or the stream ends. */
    String readUntil(String marker) throws IOException, TlsException {
        while (!received.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
            if (!readOnce()) {
                break;
            }
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until the peer's close_notify or end of stream. */
    void readToEnd() throws IOException, TlsException {
        while (!tls.inboundClosed() && readOnce()) {
            // keep reading
        }
    }

    void write(String text) throws IOException, TlsException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] plaintext) throws IOException, TlsException {
        send(tls.wrap(ByteBuffer.wrap(plaintext)));
    }

    void flush() throws IOException {
        if (tls.hasOutput()) {
            send(tls.takeOutput());
        }
    }

    /** One socket read through the session; false at end of stream. */
    boolean readOnce() throws IOException, TlsException {
        if (eof) {
            return false;
        }
        int n = in.read(readBuffer);
        if (n < 0) {
            eof = true;
            tls.endOfInput();
            flush();
            return false;
        }
        ByteBuffer plain;
        try {
            plain = tls.unwrap(ByteBuffer.wrap(readBuffer, 0, n));
        } finally {
            flush();
        }
        received.writeBytes(MemoryLink.bytes(plain));
        return true;
    }

    void closeTls() throws IOException {
        tls.closeOutbound();
        flush();
    }

    private void send(ByteBuffer ciphertext) throws IOException {
        out.write(ciphertext.array(), ciphertext.arrayOffset() + ciphertext.position(), ciphertext.remaining());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A JDK context with its own key and trust managers: {@code identity} may be null, {@code trusted} empty. */
    static SSLContext jdkContext(TestPki.Issued identity, List<X509Certificate> trusted) throws Exception {
        KeyManagerFactory keys = null;
        if (identity != null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("me", identity.key(), "x".toCharArray(),
                    identity.chain().toArray(new X509Certificate[0]));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, "x".toCharArray());
        }
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        for (int i = 0; i < trusted.size(); i++) {
            trustStore.setCertificateEntry("ca" + i, trusted.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
