package io.h2relay.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test-only HTTPS endpoint over {@link TlsSession}: one thread per connection, blocking sockets. With ALPN
 * "http/1.1" or none it answers any request with {@code 200 ok}; with "h2" it only records the choice and closes
 * (the HTTP/2 answer is the engine's job, not this package's). Each connection's outcome is queued.
 */
final class TinyHttpsServer implements AutoCloseable {

    /** What one connection did: the ALPN choice and protocol, or the failure. */
    record Outcome(String applicationProtocol, String protocol, TlsException failure) {
    }

    private final ServerSocket listener;
    private final ServerTls tls;
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    TinyHttpsServer(ServerTls tls) throws IOException {
        this.tls = tls;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tiny-https-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next connection's outcome; fails when none arrives in time (a guard against hanging, not a timing test). */
    Outcome next() throws InterruptedException {
        Outcome outcome = outcomes.poll(20, TimeUnit.SECONDS);
        if (outcome == null) {
            throw new AssertionError("no connection finished");
        }
        return outcome;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread connection = new Thread(() -> serve(socket), "tiny-https-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            SocketDriver driver = new SocketDriver(socket, tls.newSession());
            try {
                driver.handshake();
                String alpn = driver.tls.applicationProtocol();
                if (!alpn.equals(ServerTls.H2)) {
                    driver.readUntil("\r\n\r\n");
                    driver.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n"
                            + "connection: close\r\n\r\nok\n");
                }
                driver.closeTls();
                outcomes.add(new Outcome(alpn, driver.tls.session().getProtocol(), null));
            } catch (TlsException e) {
                driver.flush();
                outcomes.add(new Outcome(null, null, e));
            }
        } catch (IOException | TlsException e) {
            outcomes.add(new Outcome(null, null, new TlsException(TlsException.Kind.CLOSED, e.toString(), e)));
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
