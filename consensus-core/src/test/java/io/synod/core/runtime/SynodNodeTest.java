package io.synod.core.runtime;

import io.synod.core.api.CommandTooLargeException;
import io.synod.core.api.MonotonicClock;
import io.synod.core.api.NodeClosedException;
import io.synod.core.api.NotLeaderException;
import io.synod.core.api.OverloadedException;
import io.synod.core.api.StateMachine;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;
import io.synod.core.storage.InMemoryStorage;
import io.synod.core.transport.InMemoryNetwork;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding API on an in-process cluster (in-memory network and storage). */
class SynodNodeTest {

    @Test
    void everyReplicaAppliesTheSameCommandsInTheSameOrder() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, LocalCluster.FAST).startAll()) {
            cluster.awaitLeader(0);
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                int node = 1 + i % 3; // followers forward to the leader
                futures.add(cluster.group(node, 0).propose(("c" + i).getBytes()));
            }
            for (CompletableFuture<byte[]> f : futures) {
                long index = ByteBuffer.wrap(f.get(30, TimeUnit.SECONDS)).getLong();
                assertTrue(index >= 1 && index <= 300);
            }
            LocalCluster.await("all replicas applied 300", () ->
                    cluster.counter(1).applied().size() == 300 && cluster.counter(2).applied().size() == 300
                            && cluster.counter(3).applied().size() == 300);
            assertEquals(cluster.counter(1).applied(), cluster.counter(2).applied());
            assertEquals(cluster.counter(1).applied(), cluster.counter(3).applied());
            assertEquals(300, Set.copyOf(cluster.counter(1).applied()).size(), "each command applied once");
        }
    }

    @Test
    void withoutForwardingAFollowerRefusesWithTheLeadersId() throws Exception {
        SynodOptions noForwarding = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20)
                .electionTimeoutMillis(150).retransmitMillis(40).forwardToLeader(false).registerJmx(false).build();
        try (LocalCluster cluster = LocalCluster.ofCounters(3, noForwarding).startAll()) {
            int leader = cluster.awaitLeader(0);
            int follower = leader % 3 + 1;
            Throwable error = LocalCluster.failureOf(cluster.group(follower, 0).propose("x".getBytes()));
            NotLeaderException notLeader = assertInstanceOf(NotLeaderException.class, error);
            assertEquals(leader, notLeader.leaderHint().getAsInt());
            assertTrue(notLeader.getMessage().contains("node " + leader), notLeader.getMessage());
        }
    }

    @Test
    void overloadIsRefusedByCountAndByBytesNamingTheLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SynodOptions tight = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20).electionTimeoutMillis(150)
                .retransmitMillis(40).maxPendingProposals(5).maxCommandBytes(1024).maxBatchBytes(4096)
                .maxPendingBytes(2048).maxApplyBacklogBytes(1 << 20).registerJmx(false).build();
        StateMachine blocked = (index, command) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[0];
        };
        try (LocalCluster cluster = new LocalCluster(1, tight, Set.of(0L), g -> blocked).startAll()) {
            cluster.awaitLeader(0);
            List<CompletableFuture<byte[]>> admitted = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                admitted.add(cluster.group(1, 0).propose(new byte[10]));
            }
            OverloadedException byCount = assertInstanceOf(OverloadedException.class,
                    LocalCluster.failureOf(cluster.group(1, 0).propose(new byte[10])));
            assertEquals("maxPendingProposals", byCount.limit());
            release.countDown();
            for (CompletableFuture<byte[]> f : admitted) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        CountDownLatch release2 = new CountDownLatch(1);
        StateMachine blocked2 = (index, command) -> {
            try {
                release2.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[0];
        };
        try (LocalCluster cluster = new LocalCluster(1, tight, Set.of(0L), g -> blocked2).startAll()) {
            cluster.awaitLeader(0);
            CompletableFuture<byte[]> a = cluster.group(1, 0).propose(new byte[1000]);
            CompletableFuture<byte[]> b = cluster.group(1, 0).propose(new byte[1000]);
            OverloadedException byBytes = assertInstanceOf(OverloadedException.class,
                    LocalCluster.failureOf(cluster.group(1, 0).propose(new byte[100])));
            assertEquals("maxPendingBytes", byBytes.limit());
            release2.countDown();
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCommandAboveTheLimitIsRefused() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(1, LocalCluster.FAST).startAll()) {
            Throwable error = LocalCluster.failureOf(cluster.group(1, 0).propose(new byte[(1 << 20) + 1]));
            assertInstanceOf(CommandTooLargeException.class, error);
            assertTrue(error.getMessage().contains("maxCommandBytes"), error.getMessage());
        }
    }

    @Test
    void proposalsAfterCloseFailClearlyAndNothingIsLeftPending() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        StateMachine stuck = (index, command) -> {
            try {
                never.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[0];
        };
        LocalCluster cluster = new LocalCluster(1, LocalCluster.FAST, Set.of(0L), g -> stuck).startAll();
        cluster.awaitLeader(0);
        List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(cluster.group(1, 0).propose(("p" + i).getBytes()));
        }
        var group = cluster.group(1, 0);
        never.countDown();
        cluster.close();
        for (CompletableFuture<byte[]> f : inFlight) {
            assertTrue(f.isDone(), "every future completes by the time close returns");
        }
        Throwable after = LocalCluster.failureOf(group.propose("late".getBytes()));
        assertInstanceOf(NodeClosedException.class, after);
        assertTrue(after.getMessage().contains("closed"), after.getMessage());
    }

    @Test
    void aHundredGroupsOnThreeNodesAllCommit() throws Exception {
        Set<Long> groups = new java.util.TreeSet<>();
        for (long g = 1; g <= 100; g++) {
            groups.add(g);
        }
        try (LocalCluster cluster = new LocalCluster(3, LocalCluster.FAST, groups, g -> new Counter()).startAll()) {
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (long g : groups) {
                futures.add(cluster.group((int) (g % 3) + 1, g).propose(("group-" + g).getBytes()));
            }
            for (CompletableFuture<byte[]> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            Set<Integer> leaders = new java.util.TreeSet<>();
            for (long g : groups) {
                leaders.add(cluster.awaitLeader(g));
            }
            assertTrue(leaders.size() > 1, "leadership is spread over the nodes: " + leaders);
        }
    }

    @Test
    void theHeartbeatsOfManyGroupsTravelBetweenTwoNodesAsOneMessage() throws Exception {
        Set<Long> groups = new java.util.TreeSet<>();
        for (long g = 1; g <= 30; g++) {
            groups.add(g);
        }
        java.util.concurrent.atomic.AtomicLong heartbeatsAlone = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong heartbeatsInBatches = new java.util.concurrent.atomic.AtomicLong();
        try (LocalCluster cluster = new LocalCluster(3, LocalCluster.FAST, groups, g -> new Counter())) {
            cluster.wrapTransport(t -> new CountingTransport(t, m -> {
                if (m instanceof io.synod.core.protocol.Message.Batch b) {
                    batches.incrementAndGet();
                    heartbeatsInBatches.addAndGet(b.messages().size());
                } else if (m instanceof io.synod.core.protocol.Message.Heartbeat) {
                    heartbeatsAlone.incrementAndGet();
                }
            }));
            cluster.startAll();
            for (long g : groups) {
                cluster.awaitLeader(g);
            }
            heartbeatsAlone.set(0);
            batches.set(0);
            heartbeatsInBatches.set(0);
            LocalCluster.await("a second of heartbeats", () -> heartbeatsInBatches.get() > 1000);
            assertTrue(batches.get() * 5 < heartbeatsInBatches.get(),
                    batches.get() + " batches carried " + heartbeatsInBatches.get() + " heartbeats and replies");
            assertTrue(heartbeatsAlone.get() * 5 < heartbeatsInBatches.get(),
                    heartbeatsAlone.get() + " heartbeats went alone, " + heartbeatsInBatches.get() + " in batches");
        }
    }

    /** A clock the test moves by hand; the node's threads look at it again every real millisecond. */
    private static final class HandClock implements MonotonicClock {
        final AtomicLong nanos = new AtomicLong();

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public long realNanos(long clockNanos) {
            return 1_000_000;
        }
    }

    @Test
    void aNodeMeasuresTimeOnlyOnTheClockItWasGiven() throws Exception {
        HandClock clock = new HandClock();
        InMemoryNetwork network = new InMemoryNetwork();
        try (SynodNode node = SynodNode.builder().nodeId(1).memberIds(Set.of(1)).storage(new InMemoryStorage())
                .transport(network.join(1)).stateMachine(new Counter()).options(LocalCluster.FAST)
                .monotonicClock(clock).build()) {
            // Real time passes, the node's clock does not: no tick, so no election timeout, whatever the wait.
            Thread.sleep(LocalCluster.FAST.electionTimeoutMillis() * 3L);
            assertFalse(node.group(0).isLeader(), "campaigned although its clock stood still");
            long tickNanos = LocalCluster.FAST.tickMillis() * 1_000_000L;
            LocalCluster.await("the node to elect itself on its own clock", () -> {
                clock.nanos.addAndGet(tickNanos);
                return node.group(0).isLeader();
            });
        }
    }

    @Test
    void theBuilderRefusesAClockItCannotUse() {
        InMemoryNetwork network = new InMemoryNetwork();
        IllegalArgumentException noClock = assertThrows(IllegalArgumentException.class,
                () -> SynodNode.builder().monotonicClock(null));
        assertTrue(noClock.getMessage().contains("monotonicClock must not be null"), noClock.getMessage());
        MonotonicClock noRealTime = new MonotonicClock() {
            @Override
            public long nanoTime() {
                return 0;
            }

            @Override
            public long realNanos(long clockNanos) {
                return 0;
            }
        };
        IllegalArgumentException badRate = assertThrows(IllegalArgumentException.class, () -> SynodNode.builder()
                .nodeId(1).memberIds(Set.of(1)).storage(new InMemoryStorage()).transport(network.join(1))
                .stateMachine(new Counter()).monotonicClock(noRealTime).build());
        assertTrue(badRate.getMessage().contains("realNanos must be positive"), badRate.getMessage());
    }

    @Test
    void theBuilderSaysWhatToChange() {
        InMemoryNetwork network = new InMemoryNetwork();
        IllegalArgumentException noGroup = assertThrows(IllegalArgumentException.class, () -> SynodNode.builder()
                .nodeId(1).memberIds(Set.of(1)).storage(new InMemoryStorage()).transport(network.join(1)).build());
        assertTrue(noGroup.getMessage().contains("stateMachine"), noGroup.getMessage());
        IllegalArgumentException notMember = assertThrows(IllegalArgumentException.class, () -> SynodNode.builder()
                .nodeId(4).memberIds(Set.of(1, 2, 3)).storage(new InMemoryStorage()).stateMachine(new Counter()).build());
        assertTrue(notMember.getMessage().contains("nodeId 4 is not among the members"), notMember.getMessage());
        IllegalArgumentException noAddress = assertThrows(IllegalArgumentException.class, () -> SynodNode.builder()
                .nodeId(1).memberIds(Set.of(1, 2)).storage(new InMemoryStorage()).stateMachine(new Counter()).build());
        assertTrue(noAddress.getMessage().contains("no address for members [1, 2]"), noAddress.getMessage());
        IllegalArgumentException badOptions = assertThrows(IllegalArgumentException.class, () -> SynodOptions.builder()
                .heartbeatIntervalMillis(100).electionTimeoutMillis(150).build());
        assertTrue(badOptions.getMessage().contains("electionTimeoutMillis (150) must be at least twice"), badOptions.getMessage());
        assertFalse(Map.of().containsKey(1));
    }
}
