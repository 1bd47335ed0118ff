package io.synod.transport.bench;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Value;
import io.synod.transport.NettyTransport;
import io.synod.transport.NettyTransportOptions;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of NettyTransport from node A to node B on loopback, side by side with a minimal raw
 * Netty sender/receiver ({@link RawNettyPipe}) with the same framing, water marks, flush strategy
 * and threads, measured in the same JVM and run, alternating. Not a test; see docs/benchmarks.md.
 *
 * <p>Usage: {@code TransportBench [runs=5] [messages128=2000000] [messages4k=300000] [both|raw|transport]}
 */
public final class TransportBench {
    static final long TIMEOUT_SECONDS = 120;
    /** "both" (alternate in this JVM), "raw" or "transport" (one side only, for one JVM per side). */
    private static String mode;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int n128 = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        int n4k = args.length > 2 ? Integer.parseInt(args[2]) : 300_000;
        mode = args.length > 3 ? args[3] : "both";
        System.out.printf("cores=%d java=%s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<String> summary = new ArrayList<>();
        summary.add(measure(128, n128, runs));
        summary.add(measure(4096, n4k, runs));
        System.out.println();
        System.out.println("| payload | messages | raw Netty msgs/s | raw MB/s | NettyTransport msgs/s | NettyTransport MB/s | ratio |");
        System.out.println("|---|---|---|---|---|---|---|");
        summary.forEach(System.out::println);
    }

    private static String measure(int payloadBytes, int messages, int runs) throws Exception {
        double[] raw = new double[runs];
        double[] ours = new double[runs];
        for (int warmUp = 0; warmUp < 2; warmUp++) { // untimed: let the JIT compile both paths
            runSide("raw", payloadBytes, messages);
            runSide("transport", payloadBytes, messages);
        }
        for (int r = 0; r < runs; r++) {
            raw[r] = runSide("raw", payloadBytes, messages);
            ours[r] = runSide("transport", payloadBytes, messages);
            System.out.printf("payload=%d run=%d raw=%.0f msgs/s transport=%.0f msgs/s%n", payloadBytes, r, raw[r], ours[r]);
        }
        double rawMedian = median(raw);
        double oursMedian = median(ours);
        return String.format("| %d B | %,d | %,.0f | %.1f | %,.0f | %.1f | %.0f%% |", payloadBytes, messages, rawMedian,
                rawMedian * payloadBytes / 1e6, oursMedian, oursMedian * payloadBytes / 1e6, 100 * oursMedian / rawMedian);
    }

    private static double runSide(String side, int payloadBytes, int messages) throws Exception {
        if (!mode.equals("both") && !mode.equals(side)) {
            return Double.NaN;
        }
        return side.equals("raw") ? RawNettyPipe.run(payloadBytes, messages) : runTransport(payloadBytes, messages);
    }

    /** Messages per second from A to B through NettyTransport; B counts arrivals. */
    public static double runTransport(int payloadBytes, int messages) throws Exception {
        Map<Integer, InetSocketAddress> members = Map.of(1, loopback(), 2, loopback());
        AtomicLong arrived = new AtomicLong();
        NettyTransport a = NettyTransport.create(NettyTransportOptions.builder("bench", 1, members).build());
        NettyTransport b = NettyTransport.create(NettyTransportOptions.builder("bench", 2, members).build());
        try {
            b.start(m -> arrived.lazySet(arrived.get() + 1)); // one event loop delivers all of A's messages
            a.start(m -> { });
            awaitConnected(a, arrived);
            long base = arrived.get();
            Value batch = new Value.Batch(List.of(new Command(1, new byte[payloadBytes])));
            Ballot ballot = new Ballot(1, 1);
            long start = System.nanoTime();
            for (long slot = 1; slot <= messages; ) {
                if (a.send(new Message.Accept(1, 1, 2, ballot, slot, batch, 0))) {
                    slot++;
                } else {
                    Thread.onSpinWait(); // backpressure: the transport dropped it; retry the same slot
                }
            }
            awaitCount(arrived, base + messages);
            return messages / ((System.nanoTime() - start) / 1e9);
        } finally {
            a.close();
            b.close();
        }
    }

    private static void awaitConnected(NettyTransport a, AtomicLong arrived) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (arrived.get() == 0) {
            a.send(new Message.Heartbeat(1, 1, 2, new Ballot(1, 1), 0, 0));
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nodes did not connect");
            }
            Thread.sleep(1);
        }
    }

    static void awaitCount(AtomicLong counter, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (counter.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out at " + counter.get() + " of " + target);
            }
            Thread.onSpinWait();
        }
    }

    static InetSocketAddress loopback() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
