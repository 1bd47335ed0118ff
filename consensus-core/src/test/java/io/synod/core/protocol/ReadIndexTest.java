package io.synod.core.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Linearizable reads outside the log, scenario by scenario; each test names the rule it shows. */
class ReadIndexTest {

    private static TestCluster clusterWithLeader1() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        assertEquals(1, cluster.leader());
        for (long id = 1; id <= 3; id++) {
            cluster.propose(1, id, "write-" + id);
        }
        cluster.run(5);
        return cluster;
    }

    @Test
    void aLeaderConfirmsAReadOnlyAfterAQuorumAnswersAHeartbeatSentAfterItArrived() {
        TestCluster cluster = clusterWithLeader1();
        long committed = cluster.replica(1).firstUnchosenSlot() - 1;
        cluster.network.clear();

        cluster.readIndex(1, 7);
        assertTrue(cluster.reads.get(1).isEmpty(), "no answer before a quorum confirmed the leadership");
        assertTrue(cluster.network.stream().anyMatch(m -> m instanceof Message.Heartbeat),
                "the read sends a heartbeat round at once instead of waiting for the next interval");

        cluster.deliverAll();
        assertEquals(List.of(new ReadIndex(7, true, committed, 0)), cluster.reads.get(1));
    }

    @Test
    void aLeaderCutOffFromItsQuorumNeverConfirmsAndRefusesWhenItStepsDown() {
        TestCluster cluster = clusterWithLeader1();
        cluster.isolate(1);
        cluster.readIndex(1, 7);
        int ticks = 0;
        while (cluster.replica(1).role() == Replica.Role.LEADER) {
            assertTrue(cluster.reads.get(1).isEmpty(), "an isolated leader must not answer: " + cluster.reads.get(1));
            assertTrue(++ticks <= cluster.replica(1).config().leaderQuorumTimeoutTicks(), "steps down in time");
            cluster.tick(1);
            cluster.deliverAll();
        }
        assertEquals(1, cluster.reads.get(1).size());
        assertFalse(cluster.reads.get(1).get(0).confirmed(), "the waiting read is refused, so its caller can retry");
    }

    @Test
    void aFollowerGetsItsReadIndexFromTheLeader() {
        TestCluster cluster = clusterWithLeader1();
        long committed = cluster.replica(1).firstUnchosenSlot() - 1;

        cluster.readIndex(2, 42);
        assertTrue(cluster.network.stream().anyMatch(m -> m instanceof Message.ReadIndexRequest r && r.to() == 1));
        cluster.deliverAll();

        assertEquals(List.of(new ReadIndex(42, true, committed, 0)), cluster.reads.get(2));
    }

    @Test
    void aReplicaThatKnowsNoLeaderRefusesAtOnce() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.readIndex(2, 5);
        assertEquals(List.of(new ReadIndex(5, false, 0, 0)), cluster.reads.get(2));
    }

    @Test
    void aNewLeaderServesNoReadUntilTheSlotsItRecoveredAreChosenAtItsBallot() {
        // Node 2 campaigns second, node 3 last.
        TestCluster cluster = new TestCluster(3, Map.of(1, 0, 2, 3));
        cluster.run(30);
        assertEquals(1, cluster.leader());
        // A write the old leader gets chosen (its client sees the acknowledgement), but nobody
        // else learns that before the old leader dies.
        cluster.drop(m -> m.from() == 1 && !(m instanceof Message.Accept));
        cluster.drop(m -> m instanceof Message.Heartbeat);
        cluster.propose(1, 99, "acknowledged by the old leader");
        cluster.deliverAll();
        assertTrue(cluster.appliedCommandIds(1).contains(99L), "chosen and applied at the old leader");
        long writeSlot = cluster.replica(1).firstUnchosenSlot() - 1;
        cluster.crash(1);
        cluster.drop(m -> false);
        assertTrue(cluster.replica(2).firstUnchosenSlot() <= writeSlot, "node 2 does not know the write is chosen");

        // Node 2 takes over; its re-proposals of what it recovered are lost for now.
        cluster.drop(m -> m instanceof Message.Accept && m.from() == 2);
        for (int tick = 0; tick < 30 && cluster.leader() == null; tick++) {
            cluster.tick(2);
            cluster.tick(3);
            cluster.deliverAll();
        }
        assertEquals(2, cluster.leader());
        cluster.readIndex(2, 8);
        cluster.run(4);
        assertTrue(cluster.reads.get(2).isEmpty(),
                "with the quorum round confirmed but the recovered slot not chosen again, the read must wait: "
                        + cluster.reads.get(2));
        assertNull(cluster.replica(2).leaseRead(), "and no lease read either");

        cluster.drop(m -> false);
        cluster.run(10);
        assertEquals(1, cluster.reads.get(2).size());
        ReadIndex outcome = cluster.reads.get(2).get(0);
        assertTrue(outcome.confirmed());
        assertTrue(outcome.index() >= writeSlot, "the read sees the old leader's acknowledged write: " + outcome);
    }

    @Test
    void aLeaseStartsAtAConfirmedRoundAndLapsesWithoutFreshConfirmation() {
        TestCluster cluster = clusterWithLeader1();
        LeaseRead lease = cluster.replica(1).leaseRead();
        assertNotNull(lease, "regular heartbeats confirm rounds, so a healthy leader holds a lease");
        assertEquals(cluster.replica(1).config().leaseTicks(), lease.ticks());
        assertEquals(cluster.replica(1).firstUnchosenSlot() - 1, lease.index());

        cluster.isolate(1);
        long since = lease.sinceTick();
        while (cluster.replica(1).now() < since + lease.ticks()) {
            assertNotNull(cluster.replica(1).leaseRead());
            cluster.tick(1);
            cluster.deliverAll();
        }
        assertNull(cluster.replica(1).leaseRead(), "lease ticks counted from the confirming heartbeat's send");
        assertTrue(cluster.replica(1).config().leaseTicks() < cluster.replica(1).config().electionTimeoutTicks() - 1,
                "the lease ends before a follower may time out even when clocks drift by the configured bound");
    }

    @Test
    void aFollowerHasNoLease() {
        TestCluster cluster = clusterWithLeader1();
        assertNull(cluster.replica(2).leaseRead());
    }

    @Test
    void aFreshlyStartedReplicaPromisesNothingForOneElectionTimeout() {
        // It may have voted for a leader whose lease is still running before it crashed; a prompt
        // promise to someone else would let a new leader be chosen inside that lease.
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        Replica fresh = cluster.replica(2);
        Ready early = fresh.receive(new Message.Prepare(TestCluster.GROUP, 3, 2, new Ballot(1, 3), 1));
        assertTrue(early.records().isEmpty() && early.messages().stream().noneMatch(m -> m instanceof Message.Promise),
                "no promise during the start quarantine");
        cluster.pastStartQuarantine(2);
        Ready later = fresh.receive(new Message.Prepare(TestCluster.GROUP, 3, 2, new Ballot(1, 3), 1));
        assertFalse(later.records().isEmpty(), "promises after it");
    }
}
