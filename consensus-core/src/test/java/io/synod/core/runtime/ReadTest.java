package io.synod.core.runtime;

import io.synod.core.api.NodeClosedException;
import io.synod.core.api.ReadConsistency;
import io.synod.core.api.ReadTimeoutException;
import io.synod.core.api.ReplicatedGroup;
import io.synod.core.api.StateMachine;
import io.synod.core.api.SynodException;
import io.synod.core.api.SynodOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads outside the log through the public API, on a three-node in-memory cluster. */
class ReadTest {
    private static final SynodOptions OPTIONS = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20)
            .electionTimeoutMillis(150).retransmitMillis(40).maxElectionBackoffMillis(600).proposalTimeoutMillis(5_000)
            .readTimeoutMillis(1_000).registerJmx(false).build();

    private static long get(CompletableFuture<byte[]> future) throws Exception {
        return ByteBuffer.wrap(future.get(30, TimeUnit.SECONDS)).getLong();
    }

    private static long timesApplied(ReplicatedGroup group, String command, ReadConsistency consistency) throws Exception {
        return get(group.read(command.getBytes(), consistency));
    }

    @Test
    void linearizableAndLeaseReadsOnEveryNodeSeeEveryWriteAcknowledgedBeforeThem() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, OPTIONS).startAll()) {
            int leader = cluster.awaitLeader(0);
            for (int i = 0; i < 30; i++) {
                int writer = 1 + i % 3;
                String command = "w" + i;
                cluster.group(writer, 0).propose(command.getBytes()).get(30, TimeUnit.SECONDS);
                int reader = 1 + (i + 1) % 3; // always another node than the one that acknowledged
                assertEquals(1, timesApplied(cluster.group(reader, 0), command, ReadConsistency.LINEARIZABLE),
                        "linearizable read on node " + reader + " after " + command);
                assertEquals(1, timesApplied(cluster.group(reader, 0), command, ReadConsistency.LEASE),
                        "lease read (a fallback on followers) on node " + reader + " after " + command);
                assertEquals(1, timesApplied(cluster.group(leader, 0), command, ReadConsistency.LEASE),
                        "lease read on the leader after " + command);
            }
        }
    }

    @Test
    void aBoundedStaleReadOnAFollowerSeesTheWriteWhoseIndexItWaitsFor() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, OPTIONS).startAll()) {
            int leader = cluster.awaitLeader(0);
            int follower = leader % 3 + 1;
            for (int i = 0; i < 20; i++) {
                cluster.group(leader, 0).propose(("w" + i).getBytes()).get(30, TimeUnit.SECONDS);
                long seen = cluster.group(leader, 0).appliedIndex();
                assertTrue(seen >= i + 1, "appliedIndex covers the acknowledged write");
                long answer = get(cluster.group(follower, 0).readAtLeast(("w" + i).getBytes(), seen));
                assertEquals(1, answer, "read-your-writes on a follower through readAtLeast");
            }
            assertTrue(get(cluster.group(follower, 0).read(new byte[0], ReadConsistency.STALE)) <= 20);
        }
    }

    @Test
    void aNodeCutOffFromTheQuorumTimesLinearizableReadsOutButStillServesStaleOnes() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, OPTIONS).startAll()) {
            int leader = cluster.awaitLeader(0);
            cluster.group(leader, 0).propose("before".getBytes()).get(30, TimeUnit.SECONDS);
            int follower = leader % 3 + 1;
            LocalCluster.await("the follower applied the write",
                    () -> cluster.counter(follower).applied().contains("before"));
            for (int other = 1; other <= 3; other++) {
                if (other != follower) {
                    cluster.network.cut(follower, other);
                    cluster.network.cut(other, follower);
                }
            }
            Throwable error = LocalCluster.failureOf(cluster.group(follower, 0).read("before".getBytes()));
            assertInstanceOf(ReadTimeoutException.class, error);
            assertTrue(error.getMessage().contains("safe to retry"), error.getMessage());
            assertEquals(1, timesApplied(cluster.group(follower, 0), "before", ReadConsistency.STALE));

            Throwable tooFar = LocalCluster.failureOf(cluster.group(follower, 0).readAtLeast(new byte[0], 1_000));
            assertInstanceOf(ReadTimeoutException.class, tooFar);
            assertTrue(tooFar.getMessage().contains("apply command 1000"), tooFar.getMessage());
        }
    }

    @Test
    void aLeaderCutOffFromItsFollowersServesNoLinearizableRead() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, OPTIONS).startAll()) {
            int leader = cluster.awaitLeader(0);
            for (int other = 1; other <= 3; other++) {
                if (other != leader) {
                    cluster.network.cut(leader, other);
                    cluster.network.cut(other, leader);
                }
            }
            Thread.sleep(OPTIONS.electionTimeoutMillis()); // the lease (shorter than this) runs out
            assertInstanceOf(ReadTimeoutException.class,
                    LocalCluster.failureOf(cluster.group(leader, 0).read(new byte[0], ReadConsistency.LEASE)));
            assertInstanceOf(ReadTimeoutException.class,
                    LocalCluster.failureOf(cluster.group(leader, 0).read(new byte[0], ReadConsistency.LINEARIZABLE)));
        }
    }

    @Test
    void aFailingQueryAndAStateMachineWithoutQueriesFailTheReadWithAClearError() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, OPTIONS).startAll()) {
            int leader = cluster.awaitLeader(0);
            Throwable error = LocalCluster.failureOf(cluster.group(leader, 0).read("fail".getBytes()));
            assertInstanceOf(SynodException.class, error);
            assertTrue(error.getMessage().contains("query failed") && error.getMessage().contains("always fails"),
                    error.getMessage());
        }
        StateMachine writeOnly = (index, command) -> new byte[0];
        try (LocalCluster cluster = new LocalCluster(1, OPTIONS, Set.of(0L), g -> writeOnly).startAll()) {
            cluster.awaitLeader(0);
            Throwable error = LocalCluster.failureOf(cluster.group(1, 0).read(new byte[0], ReadConsistency.STALE));
            assertTrue(error.getMessage().contains("implement StateMachine.query"), error.getMessage());
        }
    }

    @Test
    void readsAfterCloseFailWithNodeClosed() throws Exception {
        LocalCluster cluster = LocalCluster.ofCounters(1, OPTIONS).startAll();
        ReplicatedGroup group = cluster.group(1, 0);
        cluster.close();
        assertInstanceOf(NodeClosedException.class, LocalCluster.failureOf(group.read(new byte[0])));
    }
}
