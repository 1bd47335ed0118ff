package io.synod.core.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readable end-to-end scenarios on a hand-driven cluster; each names the rule it shows. */
class ReplicaScenarioTest {

    @Test
    void electsOneLeaderAndEveryReplicaAppliesTheSameCommandsInOrder() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        assertEquals(1, cluster.leader());
        for (long id = 1; id <= 10; id++) {
            cluster.propose(1, id, "cmd-" + id);
        }
        cluster.run(10);
        List<Long> expected = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        for (int node = 1; node <= 3; node++) {
            assertEquals(expected, cluster.appliedCommandIds(node), "node " + node);
        }
    }

    @Test
    void commandsProposedTogetherShareOneSlotAndOneAcceptPerFollower() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        List<Command> commands = List.of(new Command(1, "a".getBytes()), new Command(2, "b".getBytes()),
                new Command(3, "c".getBytes()));
        Ready ready = cluster.replica(1).proposeAll(commands);
        List<Message> accepts = ready.messages().stream().filter(m -> m instanceof Message.Accept).toList();
        assertEquals(2, accepts.size(), "one Accept per other member (the leader votes locally): " + accepts);
        for (Message accept : accepts) {
            assertEquals(new Value.Batch(commands), ((Message.Accept) accept).value());
        }
        cluster.handle(1, ready);
        cluster.deliverAll();
        for (int node = 1; node <= 3; node++) {
            assertEquals(List.of(1L, 2L, 3L), cluster.appliedCommandIds(node), "node " + node);
        }
    }

    @Test
    void commandsProposedTogetherOnAFollowerAreEachRefusedWithTheLeader() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        Ready ready = cluster.replica(2).proposeAll(List.of(new Command(5, "x".getBytes()), new Command(6, "y".getBytes())));
        assertEquals(List.of(5L, 6L), ready.rejections().stream().map(Rejection::commandId).toList());
        assertTrue(ready.rejections().stream().allMatch(r -> r.reason() == Rejection.Reason.NOT_LEADER && r.leaderHint() == 1),
                ready.rejections().toString());
    }

    @Test
    void followersLearnACommitAtOnceWhenNoAcceptWouldCarryIt() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        cluster.propose(1, 77, "a lone write");
        cluster.deliverAll(); // no tick: no regular heartbeat goes out
        assertEquals(List.of(77L), cluster.appliedCommandIds(1));
        assertEquals(List.of(77L), cluster.appliedCommandIds(2), "the leader told node 2 without waiting for a heartbeat");
        assertEquals(List.of(77L), cluster.appliedCommandIds(3));
    }

    @Test
    void promiseLeavesOnlyAfterItsRecordIsDurable() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.holdSyncs(2);
        cluster.pastStartQuarantine(2);
        Replica acceptor = cluster.replica(2);
        Ready ready = acceptor.receive(new Message.Prepare(TestCluster.GROUP, 1, 2, new Ballot(1, 1), 1));
        assertEquals(List.of(new JournalRecord.PromisedBallot(TestCluster.GROUP, new Ballot(1, 1))), ready.records());
        assertTrue(ready.messages().isEmpty(), "no promise before the promise is synced: " + ready.messages());

        Ready afterSync = acceptor.persisted(ready.persistSeq());
        assertEquals(1, afterSync.messages().size());
        assertTrue(afterSync.messages().get(0) instanceof Message.Promise);
    }

    @Test
    void acceptedLeavesOnlyAfterTheVoteIsDurable() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        Replica acceptor = cluster.replica(2);
        Ready ready = acceptor.receive(new Message.Accept(TestCluster.GROUP, 1, 2, new Ballot(1, 1), 1, Value.NOOP, 1));
        assertEquals(1, ready.records().size());
        assertFalse(ready.messages().stream().anyMatch(m -> m instanceof Message.Accepted));
        assertTrue(acceptor.persisted(ready.persistSeq()).messages().stream().anyMatch(m -> m instanceof Message.Accepted));
    }

    @Test
    void aDuplicatePrepareWaitsForTheFirstPromiseToBeDurable() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.pastStartQuarantine(2);
        Replica acceptor = cluster.replica(2);
        Message.Prepare prepare = new Message.Prepare(TestCluster.GROUP, 1, 2, new Ballot(1, 1), 1);
        Ready first = acceptor.receive(prepare);
        Ready duplicate = acceptor.receive(prepare);
        assertTrue(duplicate.records().isEmpty(), "nothing new to write");
        assertTrue(duplicate.messages().isEmpty(), "but the promise it repeats is not durable yet");
        assertEquals(2, acceptor.persisted(first.persistSeq()).messages().size());
    }

    @Test
    void leaderHeartbeatsDoNotWaitForItsDisk() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        cluster.holdSyncs(1);
        cluster.propose(1, 1, "stuck behind a slow sync");
        cluster.network.clear();
        for (int i = 0; i < 4; i++) {
            cluster.tick(1);
        }
        long heartbeats = cluster.network.stream().filter(m -> m instanceof Message.Heartbeat).count();
        assertTrue(heartbeats >= 2, "heartbeats sent while the leader's own vote is unsynced: " + heartbeats);
    }

    @Test
    void aReplicaThatWasCutOffDoesNotDeposeAHealthyLeaderWhenItReturns() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        Ballot leaderBallot = cluster.replica(1).ownBallot();
        cluster.isolate(3);
        cluster.run(200); // node 3 campaigns again and again on its own
        cluster.reconnect(3);
        cluster.run(50);
        assertEquals(1, cluster.leader());
        assertEquals(leaderBallot, cluster.replica(1).ownBallot(), "the leader kept its ballot");
        assertEquals(Replica.Role.FOLLOWER, cluster.replica(3).role());
        assertEquals(leaderBallot, cluster.replica(3).promised(), "node 3 never raised anyone's promise");
    }

    @Test
    void acceptorsThatHearALiveLeaderRefuseToPromiseANewcomer() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        Ready ready = cluster.replica(2).receive(
                new Message.Prepare(TestCluster.GROUP, 3, 2, new Ballot(99, 3), 1));
        assertTrue(ready.records().isEmpty());
        Message.Nack nack = (Message.Nack) ready.messages().get(0);
        assertEquals(Message.NackReason.LEADER_ALIVE, nack.reason());
    }

    @Test
    void leaderStepsDownWhenAnAcceptorReportsAHigherPromise() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        Ballot own = cluster.replica(1).ownBallot();
        Ready ready = cluster.replica(1).receive(new Message.Nack(TestCluster.GROUP, 2, 1, own,
                new Ballot(own.round() + 5, 3), Message.NackReason.PROMISED_HIGHER));
        assertEquals(Replica.Role.FOLLOWER, cluster.replica(1).role());
        assertTrue(ready.isEmpty() || ready.records().isEmpty());
    }

    @Test
    void leaderThatCannotReachAQuorumStopsLeadingAndRejectsQueuedCommands() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        cluster.isolate(1);
        for (int i = 0; i < 12; i++) {
            cluster.tick(1);
        }
        assertEquals(Replica.Role.FOLLOWER, cluster.replica(1).role());
        cluster.propose(1, 7, "too late");
        assertEquals(Rejection.Reason.NOT_LEADER, cluster.rejections.get(1).get(0).reason());
    }

    @Test
    void newLeaderReproposesTheHighestBallotVoteOfAnOpenSlot() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        // Leader 1 gets command 42 accepted by node 2 only, then dies.
        cluster.isolate(3);
        cluster.propose(1, 42, "must survive");
        cluster.deliverAll();
        cluster.crash(1);
        cluster.reconnect(3);
        assertTrue(cluster.appliedCommandIds(2).isEmpty() || cluster.appliedCommandIds(2).contains(42L));
        cluster.run(80);
        int leader = cluster.leader();
        assertNotEquals(1, leader);
        for (int node : List.of(2, 3)) {
            assertEquals(List.of(42L), cluster.appliedCommandIds(node), "node " + node);
        }
    }

    @Test
    void aReplicaThatMissedSlotsCatchesUpFromTheLeader() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        cluster.isolate(3);
        for (long id = 1; id <= 20; id++) {
            cluster.propose(1, id, "while 3 is away");
            cluster.run(1);
        }
        cluster.run(5);
        assertTrue(cluster.appliedCommandIds(3).isEmpty());
        cluster.reconnect(3);
        cluster.run(30);
        assertEquals(cluster.appliedCommandIds(1), cluster.appliedCommandIds(3));
        assertEquals(20, cluster.appliedCommandIds(3).size());
        assertTrue(cluster.sentLog.stream().anyMatch(m -> m instanceof Message.CatchUpRequest && m.from() == 3));
    }

    @Test
    void aRestartedReplicaRecoversItsPromiseAndNeverCampaignsBelowIt() {
        TestCluster cluster = new TestCluster(3, Map.of(1, 0, 2, 3));
        cluster.run(30);
        Ballot used = cluster.replica(1).ownBallot();
        cluster.crash(1);
        cluster.start(1, bound -> 0);
        assertEquals(used, cluster.replica(1).promised(), "the promise of its own ballot survived the crash");
        cluster.run(60);
        for (Message m : cluster.sentLog) {
            if (m instanceof Message.Prepare p && p.from() == 1 && !p.ballot().equals(used)) {
                assertTrue(p.ballot().isAbove(used), "prepare " + p.ballot() + " after using " + used);
            }
        }
    }

    @Test
    void aSlotHoldingOnlyAFallenLeadersVoteIsDecidedByTheNextLeader() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        long first = cluster.replica(1).firstUnchosenSlot();
        cluster.isolate(1);
        for (long id = 97; id <= 99; id++) {
            cluster.propose(1, id, "only the old leader votes for this"); // slots first .. first + 2
        }
        cluster.deliverAll();
        cluster.run(60); // 2 and 3 elect a leader whose phase 1 never sees those votes
        int next = cluster.leader();
        assertNotEquals(1, next);
        assertEquals(first + 1, cluster.replica(next).firstUnchosenSlot(),
                "the new leader decided only its own election no-op, at " + first);
        cluster.reconnect(1);
        cluster.run(40);
        for (int node = 1; node <= 3; node++) {
            assertTrue(cluster.replica(node).firstUnchosenSlot() > first + 2,
                    "node " + node + " knows every slot holding a vote decided");
        }
        assertTrue(cluster.appliedCommandIds(2).isEmpty(), "decided as a no-op: the command is free to be proposed again");
    }

    @Test
    void nonLeaderRejectsProposalsWithALeaderHint() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        cluster.propose(2, 5, "wrong door");
        Rejection rejection = cluster.rejections.get(2).get(0);
        assertEquals(Rejection.Reason.NOT_LEADER, rejection.reason());
        assertEquals(1, rejection.leaderHint());
    }
}
