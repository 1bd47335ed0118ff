package io.synod.core.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolConfigTest {

    /** The least a caller must say: which group, which node, which members. */
    private static ProtocolConfig.Builder minimal() {
        return ProtocolConfig.builder().groupId(1).nodeId(1).members(Set.of(1, 2, 3));
    }

    /** Asserts that building fails and the message names every fragment (the setting, and what to do). */
    private static void assertRejected(ProtocolConfig.Builder builder, String... fragments) {
        Executable build = builder::build;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message should mention '" + fragment + "': " + e.getMessage());
        }
    }

    @Test
    void defaultsBuildWithOnlyGroupNodeAndMembers() {
        ProtocolConfig config = minimal().build();
        assertEquals(1, config.groupId());
        assertEquals(1, config.nodeId());
        assertEquals(2, config.quorum().phase1Size());
        assertEquals(2, config.quorum().phase2Size());
        assertEquals(32, config.pipelineWindow());
        assertEquals(512, config.maxBatchCommands());
        assertEquals(1 << 20, config.maxBatchBytes());
        assertEquals(10_000, config.maxPendingCommands());
        assertEquals(2, config.heartbeatIntervalTicks());
        assertEquals(10, config.electionTimeoutTicks());
        assertEquals(80, config.maxElectionBackoffTicks());
        assertEquals(4, config.retransmitTicks());
        assertEquals(256, config.catchUpBatchSlots());
    }

    @Test
    void leaderQuorumTimeoutDefaultsToTheElectionTimeout() {
        assertEquals(25, minimal().electionTimeoutTicks(25).build().leaderQuorumTimeoutTicks());
        assertEquals(7, minimal().leaderQuorumTimeoutTicks(7).build().leaderQuorumTimeoutTicks());
    }

    @Test
    void singleNodeGroupBuilds() {
        ProtocolConfig config = ProtocolConfig.builder().nodeId(5).members(Set.of(5)).build();
        assertEquals(1, config.quorum().phase1Size());
    }

    @Test
    void flexibleQuorumSizesAreUsedWhenSet() {
        ProtocolConfig config = minimal().members(Set.of(1, 2, 3, 4, 5)).quorumSizes(4, 2).build();
        assertEquals(4, config.quorum().phase1Size());
        assertEquals(2, config.quorum().phase2Size());
    }

    @Test
    void builderCopiesMembersSoLaterChangesToTheCallersSetDoNotLeakIn() {
        HashSet<Integer> members = new HashSet<>(Set.of(1, 2, 3));
        ProtocolConfig.Builder builder = ProtocolConfig.builder().nodeId(1).members(members);
        members.add(4);
        assertEquals(3, builder.build().quorum().members().size());
    }

    // ---- every validation names the setting ------------------------------------------------------

    @Test
    void rejectsNegativeGroupId() {
        assertRejected(minimal().groupId(-1), "groupId", "-1");
    }

    @Test
    void rejectsEmptyMembers() {
        assertRejected(ProtocolConfig.builder().nodeId(1), "members is empty");
    }

    @Test
    void rejectsNodeIdNotAmongMembers() {
        assertRejected(minimal().nodeId(4), "nodeId 4", "not among members [1, 2, 3]", "add it to members, fix nodeId");
    }

    @Test
    void rejectsDefaultNodeIdZero() {
        assertRejected(ProtocolConfig.builder().members(Set.of(1, 2, 3)), "nodeId 0");
    }

    @Test
    void rejectsNonPositiveMemberIds() {
        assertRejected(ProtocolConfig.builder().nodeId(0).members(Set.of(0, 1, 2)), "positive");
    }

    @Test
    void rejectsNonIntersectingFlexibleQuorum() {
        assertRejected(minimal().members(Set.of(1, 2, 3, 4, 5)).quorumSizes(2, 3), "do not intersect", "raise either size");
    }

    @Test
    void rejectsQuorumSizesOutsideTheMemberCount() {
        assertRejected(minimal().quorumSizes(4, 2), "between 1 and the member count 3");
        assertRejected(minimal().quorumSizes(3, 0), "between 1 and the member count 3");
    }

    @Test
    void rejectsPipelineWindowBelowOne() {
        assertRejected(minimal().pipelineWindow(0), "pipelineWindow", ">= 1");
    }

    @Test
    void rejectsMaxBatchCommandsBelowOne() {
        assertRejected(minimal().maxBatchCommands(0), "maxBatchCommands");
    }

    @Test
    void rejectsMaxBatchBytesBelowOne() {
        assertRejected(minimal().maxBatchBytes(0), "maxBatchBytes");
    }

    @Test
    void rejectsMaxPendingCommandsBelowOne() {
        assertRejected(minimal().maxPendingCommands(0), "maxPendingCommands");
    }

    @Test
    void rejectsHeartbeatIntervalBelowOne() {
        assertRejected(minimal().heartbeatIntervalTicks(0), "heartbeatIntervalTicks");
    }

    @Test
    void rejectsElectionTimeoutBelowTwiceTheHeartbeatInterval() {
        assertRejected(minimal().heartbeatIntervalTicks(3).electionTimeoutTicks(5),
                "electionTimeoutTicks (5)", "heartbeatIntervalTicks (3)", "raise the timeout or shorten the interval");
        minimal().heartbeatIntervalTicks(3).electionTimeoutTicks(6).build(); // exactly twice is enough
    }

    @Test
    void rejectsNegativeElectionBackoff() {
        assertRejected(minimal().maxElectionBackoffTicks(-1), "maxElectionBackoffTicks");
        minimal().maxElectionBackoffTicks(0).build();
    }

    @Test
    void rejectsLeaderQuorumTimeoutBelowTwiceTheHeartbeatInterval() {
        assertRejected(minimal().heartbeatIntervalTicks(2).leaderQuorumTimeoutTicks(3),
                "leaderQuorumTimeoutTicks (3)", "heartbeatIntervalTicks (2)");
    }

    @Test
    void rejectsRetransmitTicksBelowOne() {
        assertRejected(minimal().retransmitTicks(0), "retransmitTicks");
    }

    @Test
    void rejectsCatchUpBatchSlotsBelowOne() {
        assertRejected(minimal().catchUpBatchSlots(0), "catchUpBatchSlots");
    }

    @Test
    void everyRejectionSaysItIsAConfigProblem() {
        assertRejected(minimal().pipelineWindow(-3), "invalid protocol config");
    }

    // ---- toBuilder --------------------------------------------------------------------------------

    @Test
    void toBuilderRoundTripsEverySetting() {
        ProtocolConfig original = ProtocolConfig.builder().groupId(42).nodeId(3).members(Set.of(1, 2, 3, 4, 5))
                .quorumSizes(4, 2).pipelineWindow(7).maxBatchCommands(9).maxBatchBytes(1234).maxPendingCommands(55)
                .heartbeatIntervalTicks(3).electionTimeoutTicks(11).maxElectionBackoffTicks(13)
                .leaderQuorumTimeoutTicks(17).retransmitTicks(5).catchUpBatchSlots(19).build();
        assertSameSettings(original, original.toBuilder().build());
    }

    @Test
    void toBuilderRoundTripsDefaults() {
        ProtocolConfig original = minimal().build();
        assertSameSettings(original, original.toBuilder().build());
    }

    @Test
    void toBuilderDerivesAnotherNodeOfTheSameGroup() {
        ProtocolConfig node1 = minimal().quorumSizes(3, 1).build();
        ProtocolConfig node2 = node1.toBuilder().nodeId(2).build();
        assertEquals(2, node2.nodeId());
        assertEquals(node1.quorum().toString(), node2.quorum().toString());
        assertEquals(node1.groupId(), node2.groupId());
    }

    private static void assertSameSettings(ProtocolConfig expected, ProtocolConfig actual) {
        assertEquals(expected.groupId(), actual.groupId());
        assertEquals(expected.nodeId(), actual.nodeId());
        assertEquals(expected.quorum().members(), actual.quorum().members());
        assertEquals(expected.quorum().phase1Size(), actual.quorum().phase1Size());
        assertEquals(expected.quorum().phase2Size(), actual.quorum().phase2Size());
        assertEquals(expected.pipelineWindow(), actual.pipelineWindow());
        assertEquals(expected.maxBatchCommands(), actual.maxBatchCommands());
        assertEquals(expected.maxBatchBytes(), actual.maxBatchBytes());
        assertEquals(expected.maxPendingCommands(), actual.maxPendingCommands());
        assertEquals(expected.heartbeatIntervalTicks(), actual.heartbeatIntervalTicks());
        assertEquals(expected.electionTimeoutTicks(), actual.electionTimeoutTicks());
        assertEquals(expected.maxElectionBackoffTicks(), actual.maxElectionBackoffTicks());
        assertEquals(expected.leaderQuorumTimeoutTicks(), actual.leaderQuorumTimeoutTicks());
        assertEquals(expected.retransmitTicks(), actual.retransmitTicks());
        assertEquals(expected.catchUpBatchSlots(), actual.catchUpBatchSlots());
    }
}
