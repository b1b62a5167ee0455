package io.h2relay.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The {@link EngineBenchmark} workloads timed by thread CPU time, interleaved round by round, for machines where other
 * processes compete for the cores: wall-clock JMH scores swing there, while CPU time and the interleaving keep the
 * ours/Netty ratios steady. Also reports bytes allocated per operation (the thread's own allocation counter). A
 * companion to the JMH run, not a replacement (no JMH safeguards; GC threads' CPU is not counted).
 *
 * <pre>java -cp proxy-bench/target/benchmarks.jar io.h2relay.bench.EngineCpuTime [rounds] [requests per batch]</pre>
 */
public final class EngineCpuTime {

    private EngineCpuTime() {
    }

    private interface Workload {
        long run(EngineBenchmark b);
    }

    private static final String[] NAMES = {"oursLongLived", "nettyLongLived", "oursFresh", "nettyFresh"};
    private static final Workload[] WORKLOADS = {
        EngineBenchmark::oursLongLived, EngineBenchmark::nettyLongLived, EngineBenchmark::oursFresh,
        EngineBenchmark::nettyFresh};

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        EngineBenchmark b = new EngineBenchmark();
        b.requests = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        b.setUp();
        b.newConnections();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int warmup = Math.max(1, rounds / 5);
        int passesPerRound = 300;
        long[] cpu = new long[WORKLOADS.length];
        long[] allocated = new long[WORKLOADS.length];
        long sink = 0;
        for (int round = 0; round < rounds; round++) {
            for (int w = 0; w < WORKLOADS.length; w++) {
                long bytes = threads.getThreadAllocatedBytes(thread);
                long start = threads.getCurrentThreadCpuTime();
                for (int p = 0; p < passesPerRound; p++) {
                    sink += WORKLOADS[w].run(b);
                }
                long spent = threads.getCurrentThreadCpuTime() - start;
                long alloc = threads.getThreadAllocatedBytes(thread) - bytes;
                if (round >= warmup) {
                    cpu[w] += spent;
                    allocated[w] += alloc;
                }
            }
        }
        long measured = (long) (rounds - warmup) * passesPerRound;
        double[] rate = new double[WORKLOADS.length];
        System.out.printf(Locale.ROOT, "%-16s %16s %14s %12s%n", "workload", "ops/CPU-second", "requests/CPU-s",
                "bytes/op");
        for (int w = 0; w < WORKLOADS.length; w++) {
            rate[w] = measured / (cpu[w] / 1e9);
            System.out.printf(Locale.ROOT, "%-16s %16.1f %14.0f %12d%n", NAMES[w], rate[w], rate[w] * b.requests,
                    allocated[w] / measured);
        }
        System.out.printf(Locale.ROOT, "ratios ours/Netty: long-lived %.2f, fresh %.2f (checksum %d)%n",
                rate[0] / rate[1], rate[2] / rate[3], sink);
    }
}
