package io.h2relay.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.h2relay.config.AdminConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener ({@code h2relay.admin}, loopback by default), as Envoy's admin port and HAProxy's stats page:
 *
 * <pre>
 *   /metrics   every meter in the Prometheus text format (0.0.4)
 *   /healthz   200 "ok" while the process runs (liveness)
 *   /readyz    200 "ready", or 503 with one reason per line: draining, a listener not bound, a cluster without a
 *              healthy endpoint (readiness: take this instance out of rotation)
 *   /config    the effective configuration as HOCON, secrets masked
 * </pre>
 *
 * <p>Served by the JDK's {@code com.sun.net.httpserver} on one thread of its own: a few requests a second from
 * Prometheus and the kubelet need no actor, no HTTP/2 and no share of the proxy's dispatcher, and a slow scrape can
 * never delay proxied traffic. GET and HEAD only.
 */
final class AdminServer {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** What the endpoints show. */
    record Sources(PrometheusMeterRegistry registry, Supplier<List<String>> unready, Supplier<String> config) {}

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds and serves; fails with the bind's {@link IOException} (a port in use). */
    static AdminServer start(AdminConfig config, Sources sources) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "h2relay-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, sources));
        server.start();
        return new AdminServer(server, executor);
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void handle(HttpExchange exchange, Sources sources) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                        sources.registry().scrape());
                case "/healthz" -> reply(exchange, 200, "text/plain; charset=utf-8", "ok\n");
                case "/readyz" -> {
                    List<String> problems = sources.unready().get();
                    if (problems.isEmpty()) {
                        reply(exchange, 200, "text/plain; charset=utf-8", "ready\n");
                    } else {
                        reply(exchange, 503, "text/plain; charset=utf-8", String.join("\n", problems) + "\n");
                    }
                }
                case "/config" -> reply(exchange, 200, "text/plain; charset=utf-8", sources.config().get());
                case "/" -> reply(exchange, 200, "text/plain; charset=utf-8",
                        "h2relay admin: /metrics /healthz /readyz /config\n");
                default -> reply(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("admin request {} failed", exchange.getRequestURI(), e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
