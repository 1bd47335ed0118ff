package io.synod.examples;

import io.synod.core.api.MetricsListener;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica in its own JVM joins a cluster whose log is compacted behind a large snapshot
 * (64 MiB by default; 1 GiB with {@code -Psnapshot-1g}), so it must install the snapshot. Midway
 * through the transfer the node it fetches from is shut down and restarted; the receiver resumes
 * from the offset it had reached (it does not start over), installs the snapshot — the state
 * machine checks every byte of it — catches up from the log, and then answers linearizable reads
 * correctly. Prints the transfer time and the peak heap of both JVMs.
 *
 * <p>The source side (nodes 1 and 2) runs in the test JVM; the receiver (node 3) is a child JVM
 * with a 256 MiB heap, so a receiver that buffered the snapshot in memory would not survive the
 * 1 GiB run.
 */
class SnapshotInstallProcessTest {
    static final long SNAPSHOT_BYTES = Long.getLong("synod.snapshot.test.bytes", 64L << 20);
    static final long TRANSFER_RATE = Long.getLong("synod.snapshot.test.rate", 16L << 20);
    private static final int BLOBS = 64;
    private static final String CLUSTER = "snapshot-install-test";
    private static final Pattern RECEIVING = Pattern.compile("receiving node (\\d+)'s snapshot at slot (\\d+) \\((\\d+) bytes\\)");
    private static final Pattern PROGRESS = Pattern.compile("snapshot at slot \\d+ from node \\d+: (\\d+) of (\\d+) bytes");
    private static final Pattern RESUMED = Pattern.compile("snapshot chunk at offset (\\d+) of (\\d+) from node \\d+ unanswered");

    @TempDir
    Path dataRoot;

    private final Map<Integer, SynodNode> nodes = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> largestSnapshotTaken = new ConcurrentHashMap<>();
    private Map<Integer, InetSocketAddress> members;
    private Process receiver;

    /** The nodes' options: fast timers, a snapshot every 8 entries, the receiver's rate limit. */
    static SynodOptions options(long transferBytesPerSecond) {
        return SynodOptions.builder().heartbeatIntervalMillis(30).electionTimeoutMillis(300).retransmitMillis(60)
                .proposalTimeoutMillis(60_000).readTimeoutMillis(30_000).snapshotEveryEntries(8)
                .snapshotTransferBytesPerSecond(transferBytesPerSecond).registerJmx(false).build();
    }

    /** The source nodes' options once their snapshot holds every blob: no new snapshot during the test. */
    private static SynodOptions optionsWithoutNewSnapshots() {
        return SynodOptions.builder().heartbeatIntervalMillis(30).electionTimeoutMillis(300).retransmitMillis(60)
                .proposalTimeoutMillis(60_000).readTimeoutMillis(30_000).snapshotEveryEntries(1_000_000)
                .registerJmx(false).build();
    }

    private SynodNode start(int id, SynodOptions options) {
        AtomicLong largest = largestSnapshotTaken.computeIfAbsent(id, i -> new AtomicLong());
        SynodNode node = SynodNode.builder().clusterId(CLUSTER).nodeId(id).members(members)
                .dataDirectory(dataRoot.resolve("node-" + id)).options(options)
                .metricsListener(new MetricsListener() {
                    @Override
                    public void snapshotTaken(long groupId, long slot, long bytes, long writeNanos) {
                        largest.accumulateAndGet(bytes, Math::max);
                    }
                })
                .stateMachine(new BulkMachine()).build();
        nodes.put(id, node);
        return node;
    }

    private int leader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (Map.Entry<Integer, SynodNode> e : nodes.entrySet()) {
                if (e.getValue().group(0).isLeader()) {
                    return e.getKey();
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no leader within 60 s");
    }

    private void propose(String command) throws Exception {
        nodes.get(leader()).group(0).propose(command.getBytes(StandardCharsets.UTF_8)).get(60, TimeUnit.SECONDS);
    }

    @Test
    void aLaggingReplicaInAnotherProcessInstallsALargeSnapshotResumesAfterAnInterruptionAndServesCorrectReads()
            throws Exception {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        members = Ports.loopbackMembers(3);
        start(1, options(0));
        start(2, options(0));
        long blobBytes = SNAPSHOT_BYTES / BLOBS;
        for (int i = 0; i < BLOBS; i++) {
            propose("put before-" + i + " value-" + i);
            propose("blob " + (i + 1) + " " + blobBytes);
        }
        // More entries until both replicas hold a durable snapshot with every blob in it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        for (int filler = 0; largestSnapshotTaken.get(1).get() < SNAPSHOT_BYTES
                || largestSnapshotTaken.get(2).get() < SNAPSHOT_BYTES; filler++) {
            assertTrue(System.nanoTime() < deadline, "no snapshot of " + SNAPSHOT_BYTES + " bytes within 300 s");
            propose("put filler-" + filler + " x");
            Thread.sleep(20);
        }
        // Restart both with a snapshot interval the test never reaches. Afterwards no snapshot is in
        // progress and none is taken, so the source serves the snapshot it has on disk (which holds
        // every blob) before and after its restart below: a newer one would rightly make the
        // receiver start over, which is not what this test is about.
        for (int id : List.of(1, 2)) {
            nodes.remove(id).close();
            start(id, optionsWithoutNewSnapshots());
        }

        Path receiverLog = Path.of("target", "snapshot-install-node3.log");
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        BlockingQueue<String> err = new LinkedBlockingQueue<>();
        receiver = startReceiver();
        pump(receiver.getInputStream(), out, null);
        pump(receiver.getErrorStream(), err, Files.newBufferedWriter(receiverLog, StandardCharsets.UTF_8));
        assertEquals("ready", next(out, 60, "the receiver to start"));

        Matcher receiving = await(err, RECEIVING, 60, "the receiver to start fetching a snapshot");
        int source = Integer.parseInt(receiving.group(1));
        long total = Long.parseLong(receiving.group(3));
        assertTrue(total >= SNAPSHOT_BYTES, "the snapshot holds every blob: " + total + " bytes");
        Matcher progress = await(err, PROGRESS, total / TRANSFER_RATE + 60, "a quarter of the snapshot to arrive");
        long progressAtInterruption = Long.parseLong(progress.group(1));

        // The interruption: the source node goes away mid-transfer and comes back from its disk.
        nodes.remove(source).close();
        Thread.sleep(1_000);
        start(source, optionsWithoutNewSnapshots());

        long transferBound = 3 * total / TRANSFER_RATE + 120;
        String installed = next(out, transferBound, "the snapshot to be installed");
        assertTrue(installed.startsWith("installed "), installed);
        String[] parts = installed.split(" ");
        long installedBytes = Long.parseLong(parts[2]);
        long transferMillis = Long.parseLong(parts[3]);
        assertEquals(total, installedBytes);

        List<String> log = new ArrayList<>(seenLines);
        log.addAll(err);
        List<String> starts = log.stream().filter(l -> RECEIVING.matcher(l).find()).collect(Collectors.toList());
        assertEquals(1, starts.size(), "the transfer resumed instead of starting over: " + starts);
        long resumedAt = log.stream().map(RESUMED::matcher).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1))).max()
                .orElseThrow(() -> new AssertionError("the receiver never had to ask again: no interruption seen"));
        assertTrue(resumedAt >= progressAtInterruption && resumedAt < total,
                "resumed at offset " + resumedAt + ", after " + progressAtInterruption + " bytes had arrived");

        for (int i = 0; i < 10; i++) {
            propose("put after-" + i + " later-" + i);
        }
        PrintWriter in = new PrintWriter(receiver.getOutputStream(), true, StandardCharsets.UTF_8);
        for (int i = 0; i < BLOBS; i += 7) {
            in.println("read get before-" + i);
            assertEquals("answer value-" + i, next(out, 60, "a read"), "a key from the snapshot");
        }
        for (int i = 0; i < 10; i++) {
            in.println("read get after-" + i);
            assertEquals("answer later-" + i, next(out, 60, "a read"), "a key written after the install");
        }
        in.println("read blobs");
        assertEquals("answer " + BLOBS + " " + SNAPSHOT_BYTES / BLOBS * BLOBS, next(out, 60, "a read"));
        in.println("heap");
        String[] heap = next(out, 60, "the heap figures").split(" ");
        long receiverPeakHeap = Long.parseLong(heap[1]);
        long receiverPeakOld = Long.parseLong(heap[2]);
        in.println("exit");
        assertEquals("bye", next(out, 60, "the receiver to close"));
        assertTrue(receiver.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, receiver.exitValue());

        System.out.printf("snapshot install across processes: %d bytes in %.1f s (%.1f MB/s, receiver limit %d MB/s),"
                        + " interrupted after %d bytes, resumed at offset %d; peak heap (sum of pool peaks / old generation):"
                        + " source JVM (nodes 1, 2 and the test) %d / %d MiB, receiver JVM (node 3, -Xmx256m) %d / %d MiB%n",
                total, transferMillis / 1000.0, total / 1e6 / (transferMillis / 1000.0), TRANSFER_RATE / 1_000_000,
                progressAtInterruption, resumedAt, SnapshotReplicaMain.peakHeapBytes() >> 20,
                SnapshotReplicaMain.peakOldGenerationBytes() >> 20, receiverPeakHeap >> 20, receiverPeakOld >> 20);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (receiver != null && receiver.isAlive()) {
            receiver.destroyForcibly();
            receiver.waitFor(30, TimeUnit.SECONDS);
        }
        nodes.values().forEach(SynodNode::close);
    }

    private Process startReceiver() throws IOException {
        String memberList = members.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().getHostString() + ":" + e.getValue().getPort())
                .collect(Collectors.joining(","));
        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.log.io.synod.core.runtime.SnapshotInstaller=info",
                "-cp", System.getProperty("java.class.path"), SnapshotReplicaMain.class.getName(),
                CLUSTER, "3", dataRoot.resolve("node-3").toString(), Long.toString(TRANSFER_RATE), memberList);
        return new ProcessBuilder(command).start();
    }

    /** Copies a child's stream, line by line, into {@code lines} (and {@code copy}, if given). */
    private static void pump(InputStream stream, BlockingQueue<String> lines, Writer copy) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                    if (copy != null) {
                        copy.write(line + "\n");
                        copy.flush();
                    }
                }
            } catch (IOException e) {
                // the child ended
            } finally {
                try {
                    if (copy != null) {
                        copy.close();
                    }
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }, "receiver-output");
        thread.setDaemon(true);
        thread.start();
    }

    private String next(BlockingQueue<String> lines, long seconds, String what) throws InterruptedException {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("timed out after " + seconds + " s waiting for " + what
                    + (receiver.isAlive() ? "" : " (the receiver exited with " + receiver.exitValue() + ")")
                    + "; its log is in target/snapshot-install-node3.log");
        }
        return line;
    }

    /** Waits for a line matching {@code pattern}, keeping every line read in {@code lines} for later checks. */
    private Matcher await(BlockingQueue<String> lines, Pattern pattern, long seconds, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> seen = new ArrayList<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("timed out after " + seconds + " s waiting for " + what
                            + "; its log is in target/snapshot-install-node3.log");
                }
                seen.add(line);
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
        } finally {
            seenLines.addAll(seen);
        }
    }

    private final List<String> seenLines = new ArrayList<>();
}
