package io.h2relay.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The {@link HpackBenchmark} workloads timed by thread CPU time, interleaved round by round, for machines where other
 * processes compete for the cores: wall-clock JMH scores then swing by 2x between runs, while CPU time and the
 * interleaving keep the ours/Netty ratios steady. A companion to the JMH run, not a replacement (no JMH
 * safeguards beyond the Blackhole; GC threads' CPU is not counted).
 *
 * <pre>java -cp proxy-bench/target/benchmarks.jar io.h2relay.bench.HpackCpuTime [rounds] [corpus dir]</pre>
 */
public final class HpackCpuTime {

    private HpackCpuTime() {
    }

    private interface Workload {
        void run(HpackBenchmark b, Blackhole bh) throws Exception;
    }

    private static final String[] NAMES = {
        "encodeOurs", "encodeOursPlain", "encodeNetty", "encodeNettyHuffman", "decodeOurs", "decodeNetty"};
    private static final Workload[] WORKLOADS = {
        HpackBenchmark::encodeOurs, HpackBenchmark::encodeOursPlain, HpackBenchmark::encodeNetty,
        HpackBenchmark::encodeNettyHuffman, HpackBenchmark::decodeOurs, HpackBenchmark::decodeNetty};

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        HpackBenchmark b = new HpackBenchmark();
        b.corpus = args.length > 1 ? args[1] : "../shared/data/hpack-test-case";
        b.load();
        Blackhole bh = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int warmup = Math.max(1, rounds / 5);
        int passesPerRound = 20;
        long[] cpu = new long[WORKLOADS.length];
        for (int round = 0; round < rounds; round++) {
            for (int w = 0; w < WORKLOADS.length; w++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int p = 0; p < passesPerRound; p++) {
                    WORKLOADS[w].run(b, bh);
                }
                if (round >= warmup) {
                    cpu[w] += threads.getCurrentThreadCpuTime() - start;
                }
            }
        }
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
        double[] rate = new double[WORKLOADS.length];
        for (int w = 0; w < WORKLOADS.length; w++) {
            rate[w] = (rounds - warmup) * passesPerRound / (cpu[w] / 1e9);
        }
        System.out.printf(Locale.ROOT, "%-20s %18s%n", "workload", "passes/CPU-second");
        for (int w = 0; w < WORKLOADS.length; w++) {
            System.out.printf(Locale.ROOT, "%-20s %18.1f%n", NAMES[w], rate[w]);
        }
        System.out.printf(Locale.ROOT,
                "ratios: encode ours/Netty %.2f, ours/Netty-Huffman %.2f, ours-plain/Netty %.2f;"
                        + " decode ours/Netty %.2f%n",
                rate[0] / rate[2], rate[0] / rate[3], rate[1] / rate[2], rate[4] / rate[5]);
    }
}
