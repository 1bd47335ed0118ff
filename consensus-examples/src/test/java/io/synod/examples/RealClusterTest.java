package io.synod.examples;

import io.synod.core.api.NodeClosedException;
import io.synod.core.api.ProposalTimeoutException;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes on real sockets (Netty on 127.0.0.1) and real disks (RocksDB in temp directories),
 * found through the builder's defaults, as an embedder would run them.
 */
class RealClusterTest {
    static final SynodOptions TEST_TIMING = SynodOptions.builder().heartbeatIntervalMillis(30)
            .electionTimeoutMillis(300).retransmitMillis(60).proposalTimeoutMillis(20_000).registerJmx(false).build();

    @TempDir
    Path dataRoot;

    private final Map<Integer, SynodNode> nodes = new ConcurrentHashMap<>();
    private final Map<Integer, RecordingMachine> machines = new ConcurrentHashMap<>();
    private Map<Integer, InetSocketAddress> members;

    private SynodNode start(int id, Set<Long> groups) {
        SynodNode.Builder builder = SynodNode.builder().clusterId("real-cluster-test").nodeId(id).members(members)
                .dataDirectory(dataRoot.resolve("node-" + id)).options(TEST_TIMING);
        for (long group : groups) {
            RecordingMachine machine = new RecordingMachine();
            if (group == 0) {
                machines.put(id, machine);
            }
            builder.group(group, machine);
        }
        SynodNode node = builder.build();
        nodes.put(id, node);
        return node;
    }

    private int awaitLeader(long group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (Map.Entry<Integer, SynodNode> e : nodes.entrySet()) {
                if (e.getValue().group(group).isLeader()) {
                    return e.getKey();
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no leader of group " + group + " within 30 s");
    }

    @Test
    void tenThousandProposalsSurviveTwoLeaderRestartsAppliedOnceInOneOrder() throws Exception {
        members = Ports.loopbackMembers(3);
        for (int id = 1; id <= 3; id++) {
            start(id, Set.of(0L));
        }
        awaitLeader(0);

        int clients = 8;
        int perClient = 1250;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> unknown = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perClient; i++) {
                    String command = "c" + client + "-" + i;
                    SynodNode node = nodes.get(1 + (client + i) % 3);
                    if (node == null) {
                        node = nodes.values().iterator().next(); // that node is down: ask another
                    }
                    sent.incrementAndGet();
                    CompletableFuture<byte[]> future = node.group(0).propose(command.getBytes(StandardCharsets.UTF_8));
                    try {
                        future.get(60, TimeUnit.SECONDS);
                        acknowledged.add(command);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof NodeClosedException || e.getCause() instanceof ProposalTimeoutException) {
                            unknown.add(command);
                        } else {
                            refused.incrementAndGet(); // certainly not applied
                            refusals.computeIfAbsent(e.getCause().getClass().getSimpleName(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    } catch (TimeoutException e) {
                        throw new AssertionError("a future stayed pending for 60 s: " + command);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "client-" + c);
            threads.add(t);
            t.start();
        }

        for (int kill = 1; kill <= 2; kill++) {
            int before = 2500 * kill;
            LocalWait.until("progress before kill " + kill, () -> acknowledged.size() >= before, 60);
            int leader = awaitLeader(0);
            nodes.remove(leader).close(); // the leader goes down mid-load
            awaitLeader(0);                // the others elect a new one
            start(leader, Set.of(0L));     // and it comes back from its disk
        }
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(3));
            assertTrue(!t.isAlive(), t.getName() + " finished");
        }

        LocalWait.until("every replica applied the same number of commands", () -> {
            int size = machines.get(1).size();
            return size == machines.get(2).size() && size == machines.get(3).size()
                    && size >= acknowledged.size();
        }, 60);
        List<String> reference = machines.get(1).applied();
        assertEquals(reference, machines.get(2).applied(), "replicas 1 and 2 applied the same sequence");
        assertEquals(reference, machines.get(3).applied(), "replicas 1 and 3 applied the same sequence");
        assertEquals(new HashSet<>(reference).size(), reference.size(), "no command applied twice");
        assertTrue(reference.containsAll(acknowledged), "every acknowledged command was applied");
        for (String command : reference) {
            assertTrue(acknowledged.contains(command) || unknown.contains(command),
                    "only proposed commands are applied: " + command);
        }
        System.out.printf("real cluster: %d sent, %d acknowledged, %d outcome unknown, %d refused %s, %d applied%n",
                sent.get(), acknowledged.size(), unknown.size(), refused.get(), refusals, reference.size());
        nodes.values().forEach(SynodNode::close);
    }

    @Test
    void aHundredGroupsOnThreeNodesShareOneRocksDbPerNodeAndAllCommit() throws Exception {
        members = Ports.loopbackMembers(3);
        Set<Long> groups = new java.util.TreeSet<>();
        for (long g = 1; g <= 100; g++) {
            groups.add(g);
        }
        for (int id = 1; id <= 3; id++) {
            start(id, groups);
        }
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (long g : groups) {
            futures.add(nodes.get((int) (g % 3) + 1).group(g).propose(("group " + g).getBytes(StandardCharsets.UTF_8)));
        }
        for (CompletableFuture<byte[]> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        Map<Integer, Integer> ledBy = new HashMap<>();
        for (long g : groups) {
            ledBy.merge(awaitLeader(g), 1, Integer::sum);
        }
        for (int id = 1; id <= 3; id++) {
            assertTrue(dataRoot.resolve("node-" + id).toFile().isDirectory(), "one data directory per node");
        }
        System.out.println("100 groups committed; groups led per node: " + ledBy);
        nodes.values().forEach(SynodNode::close);
    }
}
