package io.synod.examples.bench;

import io.synod.core.api.ReplicatedGroup;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;
import io.synod.examples.cli.ServerFlags;
import io.synod.examples.http.HttpApi;
import io.synod.storage.RocksDbStorage;
import io.synod.storage.RocksDbStorageOptions;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One replica of {@code synod bench}, in its own JVM (hidden command). It answers its parent on
 * stdout, a line each: {@code ready}; {@code leader}/{@code follower} when its role changes; for
 * {@code load C V WARMUP SECONDS MAXOPS} on stdin, if it leads, it runs the load in this JVM
 * (embedded mode: clients call {@code propose} on the leader) and prints {@code window-start},
 * {@code window-end} and {@code result k=v ...}, or {@code not-leader}; {@code exit} closes the
 * node. With {@code --http} it also serves {@code POST /propose} for the remote mode, and
 * answers {@code syncs} with {@code syncs N M} (its journal's synced batches so far, and the MiB
 * of its heap pools' peaks since the last {@code syncs}, which resets them). Everything
 * else goes to stderr.
 */
@Command(name = "bench-node", hidden = true, description = "one replica of `synod bench` (started by it)")
public final class BenchNode implements Callable<Integer> {
    static final long GROUP = 0;
    static final int MAX_COMMAND_BYTES = 1 << 20;

    @Option(names = "--node", required = true)
    int nodeId;

    @Option(names = "--members", required = true)
    String members;

    @Option(names = "--data", required = true)
    Path data;

    @Option(names = "--cluster", defaultValue = "synod-bench")
    String cluster;

    /** Remote mode: serve {@code POST /propose} (the body is the command) here. */
    @Option(names = "--http")
    String http;


    private RocksDbStorage storage;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        Map<Integer, InetSocketAddress> memberMap = new TreeMap<>();
        for (String entry : members.split(",")) {
            String[] idAndAddress = entry.split("=", 2);
            memberMap.put(Integer.parseInt(idAndAddress[0]), ServerFlags.parseAddress(idAndAddress[1]));
        }
        SynodOptions options = SynodOptions.builder().registerJmx(false).build();
        // The storage is opened here, not by the node, so that its fsync count can be read.
        try (RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(data, cluster).build());
             SynodNode node = SynodNode.builder().clusterId(cluster).nodeId(nodeId).members(memberMap)
                     .storage(storage).options(options).group(GROUP, new BenchMachine()).build()) {
            this.storage = storage;
            ReplicatedGroup group = node.group(GROUP);
            HttpApi api = http == null ? null : new HttpApi(ServerFlags.parseAddress(http), MAX_COMMAND_BYTES,
                    request -> propose(group, request));
            out.println("ready");
            Thread roles = new Thread(() -> reportRoles(group, out), "bench-role-watch");
            roles.setDaemon(true);
            roles.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] words = line.trim().split(" ");
                if (words[0].equals("exit")) {
                    break;
                }
                if (words[0].equals("load")) {
                    load(group, out, words);
                } else if (words[0].equals("syncs")) {
                    out.println("syncs " + storage.batchesSynced() + " " + (heapPeak() >> 20));
                    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                }
            }
            if (api != null) {
                api.close();
            }
        }
        out.println("bye");
        return 0;
    }

    /** The sum of the heap pools' peak use since their peaks were last reset. */
    private static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** {@code POST /propose}: proposes the body's bytes; 200 once applied, 503 naming why not. */
    private static CompletableFuture<HttpApi.Response> propose(ReplicatedGroup group, HttpApi.Request request) {
        if (!request.method().equals("POST") || !request.path().equals(List.of("propose"))) {
            return CompletableFuture.completedFuture(HttpApi.Response.error(404, "only POST /propose is served here"));
        }
        return group.propose(request.body().getBytes(StandardCharsets.UTF_8))
                .thenApply(result -> HttpApi.Response.ok("{}"))
                .exceptionally(error -> HttpApi.Response.error(503, String.valueOf(error.getCause() != null
                        ? error.getCause().getMessage() : error.getMessage())));
    }

    private static void reportRoles(ReplicatedGroup group, PrintStream out) {
        boolean leading = false;
        while (true) {
            boolean now = group.isLeader();
            if (now != leading) {
                leading = now;
                out.println(now ? "leader" : "follower");
            }
            try {
                Thread.sleep(20); // a watcher's polling interval, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void load(ReplicatedGroup group, PrintStream out, String[] words) throws InterruptedException {
        if (!group.isLeader()) {
            out.println("not-leader");
            return;
        }
        int clients = Integer.parseInt(words[1]);
        int valueBytes = Integer.parseInt(words[2]);
        double warmup = Double.parseDouble(words[3]);
        double seconds = Double.parseDouble(words[4]);
        long maxOps = Long.parseLong(words[5]);
        long[] syncsAtStart = new long[1];
        long[] syncsInWindow = new long[1];
        LoadGenerator.Window window = new LoadGenerator(LoadGenerator.inProcess(group), clients, valueBytes, maxOps, false)
                .run(warmup, seconds,
                new LoadGenerator.WindowListener() {
                    @Override
                    public void windowStarts() {
                        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                        syncsAtStart[0] = storage.batchesSynced();
                        out.println("window-start");
                    }

                    @Override
                    public void windowEnds() {
                        syncsInWindow[0] = storage.batchesSynced() - syncsAtStart[0];
                        out.println("window-end");
                    }
                });
        Histogram h = window.latencyMicros();
        long heapPeak = heapPeak();
        out.println(String.format(Locale.ROOT, "result ops=%d errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f"
                        + " p999_ms=%.3f max_ms=%.3f mean_ms=%.3f leader_fsyncs=%d leader_heap_peak_mb=%d",
                window.ops(), window.errors(), window.seconds(), h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0,
                h.getMean() / 1000.0, syncsInWindow[0], heapPeak >> 20));
    }
}
