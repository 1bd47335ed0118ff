package io.synod.examples;

import io.synod.core.api.MetricsListener;
import io.synod.core.api.ReadConsistency;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One Synod node with a {@link BulkMachine}, in its own JVM, for {@code SnapshotInstallProcessTest}.
 * Arguments: {@code clusterId nodeId dataDir transferBytesPerSecond id=host:port,...}. Reports on
 * standard output ({@code ready}, {@code installed <slot> <bytes> <millis>}) and answers commands
 * read from standard input: {@code read <query>} (a linearizable read), {@code heap} (peak heap
 * use since start), {@code exit}.
 */
public final class SnapshotReplicaMain {
    private SnapshotReplicaMain() {
    }

    public static void main(String[] args) throws Exception {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        Map<Integer, InetSocketAddress> members = new TreeMap<>();
        for (String member : args[4].split(",")) {
            String[] idAddress = member.split("=");
            String[] hostPort = idAddress[1].split(":");
            members.put(Integer.parseInt(idAddress[0]), new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
        }
        SynodNode node = SynodNode.builder()
                .clusterId(args[0]).nodeId(Integer.parseInt(args[1])).members(members)
                .dataDirectory(Path.of(args[2]))
                .options(SnapshotInstallProcessTest.options(Long.parseLong(args[3])))
                .metricsListener(new MetricsListener() {
                    @Override
                    public void snapshotInstalled(long groupId, long slot, long bytes, long transferNanos) {
                        say("installed " + slot + " " + bytes + " " + TimeUnit.NANOSECONDS.toMillis(transferNanos));
                    }
                })
                .stateMachine(new BulkMachine())
                .build();
        say("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("read ")) {
                try {
                    byte[] answer = node.group(0).read(line.substring(5).getBytes(StandardCharsets.UTF_8),
                            ReadConsistency.LINEARIZABLE).get(30, TimeUnit.SECONDS);
                    say("answer " + new String(answer, StandardCharsets.UTF_8));
                } catch (Exception e) {
                    say("error " + e);
                }
            } else if (line.equals("heap")) {
                say("heap " + peakHeapBytes() + " " + peakOldGenerationBytes());
            } else if (line.equals("exit")) {
                break;
            }
        }
        node.close();
        say("bye");
    }

    /** The sum of the heap pools' peak use since start (the pools peak at different times, so an upper bound). */
    static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    /** The old generation's peak use since start: roughly the most the JVM held live at once. */
    static long peakOldGenerationBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && (pool.getName().contains("Old") || pool.getName().contains("Tenured"))) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
