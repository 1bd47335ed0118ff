package io.synod.core.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Membership changes and leadership transfer on a small deterministic cluster. */
class MembershipChangeScenarioTest {

    @Test
    void leadershipMovesToTheNamedVoterAndCommandsKeepFlowing() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        assertEquals(1, cluster.leader());
        cluster.propose(1, 1, "before");
        cluster.run(5);
        cluster.handle(1, cluster.replica(1).transferLeadership(3));
        cluster.run(10);
        assertEquals(3, cluster.leader(), "node 3 leads after the transfer");
        assertTrue(cluster.replica(1).lastTransition().contains("handed leadership to node 3"),
                cluster.replica(1).lastTransition());
        cluster.propose(3, 2, "after");
        cluster.run(10);
        for (int node = 1; node <= 3; node++) {
            assertEquals(List.of(1L, 2L), cluster.appliedCommandIds(node), "node " + node);
        }
    }

    @Test
    void transferRequestsNameTheProblem() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        assertTrue(assertThrows(IllegalStateException.class, () -> cluster.replica(2).transferLeadership(3))
                .getMessage().contains("does not lead"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cluster.replica(1).transferLeadership(9))
                .getMessage().contains("not a voter"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cluster.replica(1).transferLeadership(1))
                .getMessage().contains("already leads"));
    }

    @Test
    void aRemovedLeaderHandsOverAndTheRemainingVotersCarryOn() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        assertEquals(1, cluster.leader());
        cluster.handle(1, cluster.replica(1).proposeChange(
                new Value.Reconfigure(99, 1, Set.of(2, 3), Set.of(), Map.of())));
        cluster.run(200);
        Integer leader = cluster.leader();
        assertTrue(leader != null && leader != 1, "a remaining voter leads, got " + leader);
        assertEquals(Set.of(2, 3), Set.copyOf(cluster.replica(leader).membership().voters().members()));
        assertEquals(2, cluster.replica(leader).membership().epoch());
        cluster.propose(leader, 5, "after removal");
        cluster.run(20);
        assertTrue(cluster.appliedCommandIds(2).contains(5L) && cluster.appliedCommandIds(3).contains(5L));
    }

    @Test
    void aSecondChangeWhileOneIsPendingIsRefused() {
        TestCluster cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        Replica leader = cluster.replica(1);
        cluster.handle(1, leader.proposeChange(new Value.Reconfigure(1, 1, Set.of(1, 2), Set.of(3), Map.of())));
        Ready second = leader.proposeChange(new Value.Reconfigure(2, 1, Set.of(1, 3), Set.of(2), Map.of()));
        assertEquals(List.of(Rejection.local(2, Rejection.Reason.MEMBERSHIP_CHANGE_REFUSED, 1, 1)), second.rejections());
        cluster.handle(1, second);
    }
}
