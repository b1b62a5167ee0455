package io.h2relay.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The JDK's HttpServer as an HTTP/1.1 backend: {@code /echo} streams the request body back, chunked. */
final class JdkEchoServer implements AutoCloseable {

    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final HttpServer server;

    JdkEchoServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.createContext("/echo", exchange -> {
            exchange.sendResponseHeaders(200, 0); // length 0: chunked, sent back as the upload arrives
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
