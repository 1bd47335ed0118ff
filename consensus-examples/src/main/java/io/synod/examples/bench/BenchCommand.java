package io.synod.examples.bench;

import io.synod.examples.demo.LocalProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code synod bench}: a replicated group of 3 (or 5) replica processes on loopback, each with
 * RocksDB in a fresh temporary directory and fsync on every batch, driven by a closed loop of
 * concurrent clients that propose fixed-size commands inside the leader's JVM (embedded mode, the
 * way an embedding service uses the library). Prints one JSON line in the format of the peers'
 * harness (SOFAJRaft, Ratis, ZooKeeper) so that the results line up. Stops only the processes it
 * started, by their handles, and removes its directory.
 */
@Command(name = "bench", description = "benchmark a replicated group on this machine and print one JSON line")
public final class BenchCommand implements Callable<Integer> {
    private static final long STABLE_LEADER_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Spec
    CommandSpec spec;

    @Option(names = {"-r", "--replicas"}, defaultValue = "3", description = "replica processes: 3 or 5 (default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(names = {"-c", "--clients"}, defaultValue = "64", description = "concurrent closed-loop clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = {"-v", "--value-bytes"}, defaultValue = "128", description = "bytes per command, at least 12 (default: ${DEFAULT-VALUE})")
    int valueBytes;

    @Option(names = {"-w", "--warmup"}, defaultValue = "30", description = "warm-up seconds, not measured (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = {"-m", "--seconds"}, defaultValue = "30", description = "measured seconds (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--max-ops", defaultValue = "50000000", description = "stop the load after this many operations (default: ${DEFAULT-VALUE})")
    long maxOps;

    @Option(names = "--mode", defaultValue = "embedded",
            description = "embedded: clients call propose() in the leader's JVM; remote: clients in this process send"
                    + " POST /propose over HTTP/1.1 to the leader (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--replica-jvm", defaultValue = "-Xms1g -Xmx1g -XX:+UseG1GC",
            description = "JVM options of each replica process (default: ${DEFAULT-VALUE}, as the peers' harness)")
    String replicaJvm;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String invalid = invalidOptions();
        if (invalid != null) {
            err.println("synod bench: " + invalid);
            return 2;
        }
        Path root = Files.createTempDirectory("synod-bench");
        List<Replica> started = new ArrayList<>();
        boolean remote = mode.equals("remote");
        try {
            List<Integer> ports = LocalProcesses.freePorts(2 * replicas);
            String host = InetAddress.getLoopbackAddress().getHostAddress();
            String members = java.util.stream.IntStream.rangeClosed(1, replicas)
                    .mapToObj(id -> id + "=" + host + ":" + ports.get(id - 1))
                    .collect(Collectors.joining(","));
            for (int id = 1; id <= replicas; id++) {
                String http = remote ? host + ":" + ports.get(replicas + id - 1) : null;
                started.add(Replica.start(id, members, http, root, replicaJvm));
            }
            for (Replica replica : started) {
                replica.await("ready", 60);
            }
            Replica leader = awaitLeader(started, 60);
            err.printf("synod bench: %d replicas ready, node %d leads; %d %s clients, %d-byte commands, %.0f s warm-up,"
                    + " %.0f s measured%n", replicas, leader.id, clients, mode, valueBytes, warmupSeconds, seconds);
            err.flush();
            Map<String, String> result;
            CpuSample[] window = new CpuSample[2];
            if (remote) {
                result = runRemote(leader, URI.create("http://" + host + ":" + ports.get(replicas + leader.id - 1)
                        + "/propose"), started, window);
            } else {
                leader = startLoad(leader, started);
                window[0] = CpuSample.take(started);
                leader.await("window-end", (long) seconds + 60);
                window[1] = CpuSample.take(started);
                result = parse(leader.await("result", 120));
            }
            spec.commandLine().getOut().println(json(result, window[0], window[1]));
            spec.commandLine().getOut().flush();
            return 0;
        } finally {
            for (Replica replica : started) {
                replica.stop();
            }
            deleteRecursively(root);
        }
    }

    /**
     * Asks {@code leader} to run the load and waits for its window to start. A leader can lose its
     * office between reporting it and receiving the load (a new group settling while its JVMs
     * start): then the load goes to whoever leads next, a few times at most.
     */
    private Replica startLoad(Replica leader, List<Replica> replicas) throws Exception {
        for (int attempt = 1; ; attempt++) {
            leader.send(String.format(Locale.ROOT, "load %d %d %.3f %.3f %d", clients, valueBytes, warmupSeconds,
                    seconds, maxOps));
            String answer = leader.awaitAny(List.of("window-start", "not-leader"), (long) warmupSeconds + 60);
            if (answer.startsWith("window-start")) {
                return leader;
            }
            if (attempt == 5) {
                throw new IllegalStateException("the leadership kept moving: 5 replicas in a row had lost it by the time"
                        + " the load reached them");
            }
            spec.commandLine().getErr().printf("synod bench: node %d no longer leads; finding the new leader%n", leader.id);
            leader = awaitLeader(replicas, 60);
        }
    }

    /** The remote mode: the load runs here, against the leader's HTTP endpoint; the leader reports its fsyncs and heap. */
    private Map<String, String> runRemote(Replica leader, URI propose, List<Replica> replicas, CpuSample[] window)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        LoadGenerator.Proposer proposer = (command, timeoutMillis) -> {
            HttpRequest request = HttpRequest.newBuilder(propose).timeout(Duration.ofMillis(timeoutMillis))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(command)).build();
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        };
        long[] syncs = new long[2];
        long[] heapPeakMb = new long[1];
        LoadGenerator.Window measured = new LoadGenerator(proposer, clients, valueBytes, maxOps, true).run(warmupSeconds,
                seconds, new LoadGenerator.WindowListener() {
                    @Override
                    public void windowStarts() {
                        window[0] = CpuSample.take(replicas);
                        syncs[0] = askSyncs(leader)[0];
                    }

                    @Override
                    public void windowEnds() {
                        window[1] = CpuSample.take(replicas);
                        long[] reply = askSyncs(leader);
                        syncs[1] = reply[0];
                        heapPeakMb[0] = reply[1];
                    }
                });
        org.HdrHistogram.Histogram h = measured.latencyMicros();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("ops", Long.toString(measured.ops()));
        fields.put("errors", Long.toString(measured.errors()));
        fields.put("seconds", String.format(Locale.ROOT, "%.3f", measured.seconds()));
        fields.put("p50_ms", ms(h.getValueAtPercentile(50)));
        fields.put("p99_ms", ms(h.getValueAtPercentile(99)));
        fields.put("p999_ms", ms(h.getValueAtPercentile(99.9)));
        fields.put("max_ms", ms(h.getMaxValue()));
        fields.put("mean_ms", String.format(Locale.ROOT, "%.3f", h.getMean() / 1000.0));
        fields.put("leader_fsyncs", Long.toString(syncs[1] - syncs[0]));
        fields.put("leader_heap_peak_mb", Long.toString(heapPeakMb[0]));
        return fields;
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    /** The leader's synced batches so far and its heap peak (MiB) since the last ask. */
    private static long[] askSyncs(Replica leader) {
        try {
            leader.send("syncs");
            String[] words = leader.await("syncs", 30).split(" ");
            return new long[] {Long.parseLong(words[1]), Long.parseLong(words[2])};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the leader for its fsync count", e);
        }
    }

    private String invalidOptions() {
        if (replicas != 3 && replicas != 5) {
            return "--replicas must be 3 or 5, got " + replicas;
        }
        if (clients < 1 || clients > 4096) {
            return "--clients must be between 1 and 4096, got " + clients;
        }
        if (valueBytes < 12 || valueBytes > 1 << 20) {
            return "--value-bytes must be between 12 (client id and sequence number) and 1048576, got " + valueBytes;
        }
        if (warmupSeconds < 0 || seconds <= 0 || warmupSeconds + seconds > 3600) {
            return "--warmup must be >= 0 and --seconds > 0, together at most 3600 s; got " + warmupSeconds + " and " + seconds;
        }
        if (!mode.equals("embedded") && !mode.equals("remote")) {
            return "--mode must be embedded or remote, got '" + mode + "'";
        }
        if (maxOps < 1) {
            return "--max-ops must be at least 1, got " + maxOps;
        }
        return null;
    }

    /** The replica that has led for at least a second (a new group may change leaders while its JVMs warm up). */
    private static Replica awaitLeader(List<Replica> replicas, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (Replica replica : replicas) {
                long since = replica.leadingSinceNanos;
                if (since != 0 && System.nanoTime() - since >= STABLE_LEADER_NANOS) {
                    return replica;
                }
                replica.drainRoles();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no replica became leader within " + seconds + " s; see the logs in the"
                + " replicas' directory");
    }

    private static Map<String, String> parse(String resultLine) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : resultLine.substring("result ".length()).split(" ")) {
            String[] kv = pair.split("=", 2);
            fields.put(kv[0], kv[1]);
        }
        return fields;
    }

    private String json(Map<String, String> r, CpuSample before, CpuSample after) {
        long ops = Long.parseLong(r.get("ops"));
        double window = Double.parseDouble(r.get("seconds"));
        double wall = (after.wallNanos - before.wallNanos) / 1e9;
        double own = after.ownSeconds - before.ownSeconds;
        double machine = after.machineSeconds - before.machineSeconds;
        long fsyncs = Long.parseLong(r.get("leader_fsyncs"));
        String client = mode.equals("remote") ? "remote, POST /propose over HTTP/1.1 (JDK HttpClient, a connection per client)"
                : "in-process (leader JVM), propose()";
        return String.format(Locale.ROOT, "{\"system\":\"synod\",\"client\":\"%s\","
                        + "\"replicas\":%d,\"clients\":%d,\"value_bytes\":%d,\"ops\":%d,\"seconds\":%.3f,\"ops_per_s\":%.1f,"
                        + "\"p50_ms\":%s,\"p99_ms\":%s,\"p999_ms\":%s,\"max_ms\":%s,\"mean_ms\":%s,\"errors\":%s,"
                        + "\"warmup_s\":%.1f,\"fsync\":\"per batch: RocksDB WAL synced before a vote is sent, on every replica\","
                        + "\"leader_fsyncs_per_op\":%.4f,\"leader_heap_peak_mb\":%s,"
                        + "\"win_own_cpu_cores\":%.2f,\"win_other_cpu_cores\":%.2f,\"cpu_ms_per_op\":%.4f}",
                client, replicas, clients, valueBytes, ops, window, ops / window, r.get("p50_ms"), r.get("p99_ms"),
                r.get("p999_ms"), r.get("max_ms"), r.get("mean_ms"), r.get("errors"), warmupSeconds,
                ops == 0 ? 0.0 : (double) fsyncs / ops, r.get("leader_heap_peak_mb"),
                own / wall, Math.max(0, machine - own) / wall, ops == 0 ? 0.0 : own * 1000 / ops);
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }

    /** CPU used so far by the replica processes and by the whole machine. */
    private record CpuSample(long wallNanos, double ownSeconds, double machineSeconds) {
        static CpuSample take(List<Replica> replicas) {
            double own = replicas.stream().mapToDouble(r -> ProcessCpu.processSeconds(r.process.pid())).sum()
                    + ProcessCpu.processSeconds(ProcessHandle.current().pid());
            return new CpuSample(System.nanoTime(), own, ProcessCpu.machineSeconds());
        }
    }

    /** One replica process and the lines it prints. */
    private static final class Replica {
        final int id;
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        /** When this replica last reported becoming leader (System.nanoTime()), or 0 while it does not lead. */
        volatile long leadingSinceNanos;

        private Replica(int id, Process process) {
            this.id = id;
            this.process = process;
        }

        static Replica start(int id, String members, String http, Path root, String jvmOptions) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(List.of(jvmOptions.trim().split("\\s+")));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.synod.examples.Synod", "bench-node",
                    "--node", Integer.toString(id), "--members", members, "--data", root.resolve("node-" + id).toString()));
            if (http != null) {
                command.addAll(List.of("--http", http));
            }
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("node-" + id + ".log").toFile())).start();
            Replica replica = new Replica(id, process);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.equals("leader")) {
                            replica.leadingSinceNanos = Math.max(1, System.nanoTime());
                        } else if (line.equals("follower")) {
                            replica.leadingSinceNanos = 0;
                        }
                        replica.lines.add(line);
                    }
                } catch (IOException e) {
                    // the replica ended
                }
            }, "bench-replica-" + id);
            reader.setDaemon(true);
            reader.start();
            return replica;
        }

        void send(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** Waits for a line starting with {@code prefix}, skipping others (role changes). */
        String await(String prefix, long seconds) throws InterruptedException {
            return awaitAny(List.of(prefix), seconds);
        }

        /** Waits for a line starting with one of {@code prefixes}, skipping others; throws naming them on timeout. */
        String awaitAny(List<String> prefixes, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IllegalStateException("replica " + id + " did not report " + prefixes + " within " + seconds
                            + " s" + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
                }
                for (String prefix : prefixes) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
            }
        }

        /** Drops role lines already read (their effect is in {@link #leadingSinceNanos}). */
        void drainRoles() {
            lines.removeIf(l -> l.equals("leader") || l.equals("follower"));
        }

        void stop() throws InterruptedException {
            if (process.isAlive()) {
                try {
                    send("exit");
                } catch (IOException e) {
                    // already gone
                }
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
