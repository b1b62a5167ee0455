package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.origin.OriginServer;
import io.h2relay.origin.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** Starting proxies and origins for tests, and running curl against them. */
final class ProxyFixture {

    private ProxyFixture() {}

    static OriginServer origin(ActorTestKit kit) throws Exception {
        ProxyConfig defaults = ConfigLoader.defaults();
        return OriginServer.start(kit.system(), new InetSocketAddress("127.0.0.1", 0), defaults.flowControl(),
                defaults.limits()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A proxy with one listener "main" on a free port; {@code hocon} is the inside of {@code h2relay { }}. */
    static ProxyServer proxy(ActorTestKit kit, String hocon) throws Exception {
        return proxy(kit, hocon, List.of());
    }

    /** As {@link #proxy(ActorTestKit, String)}, telling {@code observers} about every exchange. */
    static ProxyServer proxy(ActorTestKit kit, String hocon, List<ExchangeObserver> observers) throws Exception {
        return ProxyServer.start(kit.system(), config(hocon), observers).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** The configuration {@link #proxy(ActorTestKit, String)} runs. */
    static ProxyConfig config(String hocon) {
        return ConfigLoader.parse("h2relay {\n listeners.main.address = \"127.0.0.1:0\"\n" + hocon + "\n}\n",
                "test");
    }

    /** A cluster "backend" at {@code address} and a catch-all route to it, plus {@code extra}. */
    static ProxyServer proxyTo(ActorTestKit kit, InetSocketAddress address, String extra) throws Exception {
        return proxy(kit, "clusters.backend.endpoints = [\"h2c://127.0.0.1:" + address.getPort() + "\"]\n"
                + "routes.default.cluster = backend\n" + extra);
    }

    static String base(ProxyServer proxy) {
        return "http://127.0.0.1:" + proxy.address("main").getPort();
    }

    static void stop(ProxyServer proxy) throws Exception {
        proxy.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A free port for a server to bind (bound, then closed: free for a moment, not reserved). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Bound but never listening: connections to these ports are refused, and no other process can take them. */
    private static final List<Socket> RESERVED = new CopyOnWriteArrayList<>();

    /** A port whose connections are refused for as long as the tests run. */
    static int deadPort() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        RESERVED.add(s);
        return s.getLocalPort();
    }

    /** Waits until {@code process} ({@code name}) accepts connections on {@code port}: the only sign it is up. */
    static void awaitListening(Process process, String name, int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited: " + process.exitValue());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        throw new AssertionError(name + " did not start listening on " + port);
    }

    static Tools.Result curl(String... args) throws Exception {
        return curlWith("--http2-prior-knowledge", args);
    }

    /** curl that must succeed. */
    static Tools.Result curlOk(String... args) throws Exception {
        return succeeded(curl(args));
    }

    /** curl over HTTP/1.1 that must succeed. */
    static Tools.Result curl11Ok(String... args) throws Exception {
        return succeeded(curlWith("--http1.1", args));
    }

    private static Tools.Result curlWith(String protocol, String... args) throws Exception {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "curl";
        cmd[1] = protocol;
        cmd[2] = "-sS";
        cmd[3] = "--max-time";
        cmd[4] = "60";
        System.arraycopy(args, 0, cmd, 5, args.length);
        return Tools.run(70, cmd);
    }

    private static Tools.Result succeeded(Tools.Result r) {
        assertEquals(0, r.exit(), "curl failed: " + r.stderr());
        return r;
    }

    /** The status code curl saw (and nothing else on stdout). */
    static String status(String url, String... args) throws Exception {
        String[] all = new String[args.length + 5];
        all[0] = "-o";
        all[1] = "/dev/null";
        all[2] = "-w";
        all[3] = "%{http_code}";
        System.arraycopy(args, 0, all, 4, args.length);
        all[all.length - 1] = url;
        return curlOk(all).out();
    }
}
