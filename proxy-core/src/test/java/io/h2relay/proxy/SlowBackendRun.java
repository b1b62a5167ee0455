package io.h2relay.proxy;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.origin.OriginServer;
import io.h2relay.origin.Tools;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Measurement only, not a test (it takes minutes): the bounded-memory scenario at full size. A 1 GiB upload
 * through the proxy (default windows) to the origin's {@code /sha256} reading at 10 MiB/s; prints the gauge's peaks,
 * sampled too, against the bounds. Usage: {@code java -cp ... io.h2relay.proxy.SlowBackendRun [MiB] [MiB/s]}.
 */
public final class SlowBackendRun {

    private SlowBackendRun() {}

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        long rate = (args.length > 1 ? Long.parseLong(args[1]) : 10) << 20;
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "slow-backend-run");
        ProxyConfig defaults = ConfigLoader.defaults();
        OriginServer origin = OriginServer.start(system, new InetSocketAddress("127.0.0.1", 0),
                defaults.flowControl(), defaults.limits()).toCompletableFuture().get();
        ProxyServer proxy = ProxyServer.start(system, ConfigLoader.parse("h2relay { listeners.main.address = "
                + "\"127.0.0.1:0\"\n clusters.o.endpoints = [\"h2c://127.0.0.1:" + origin.address().getPort()
                + "\"]\n routes.all.cluster = o }", "run")).toCompletableFuture().get();
        Path dir = Files.createTempDirectory("slow-backend");
        Path file = Tools.patternFile(dir, mib << 20);
        AtomicLong sampledMax = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> sampledMax.accumulateAndGet(proxy.metrics().bufferedBytes(), Math::max),
                0, 5, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        Tools.Result r = Tools.run(3600, "curl", "--http2-prior-knowledge", "-sS", "-T", file.toString(),
                "http://127.0.0.1:" + proxy.address("main").getPort() + "/sha256?rate=" + rate);
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.shutdown();
        String expected = (mib << 20) + " " + Tools.patternSha256(mib << 20) + "\n";
        System.out.printf("%d MiB at %d MiB/s: %.1f s, digest %s%n", mib, rate >> 20, seconds,
                expected.equals(r.out()) ? "correct" : "WRONG: " + r.out() + r.stderr());
        System.out.printf("peak per stream %d, per connection %d, sampled total %d; bounds: stream %d, connection %d%n",
                proxy.metrics().peakStreamBufferedBytes(), proxy.metrics().peakConnectionBufferedBytes(),
                sampledMax.get(), defaults.flowControl().maxStreamBuffer(),
                defaults.flowControl().maxConnectionBuffer());
        Files.delete(file);
        Files.delete(dir);
        system.terminate();
    }
}
