package io.synod.core.protocol;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regression: {@link ProtocolConfig#toBuilder()} once wrote back the <em>resolved</em> values of
 * settings whose default is derived from another setting (majority quorum sizes, the leader
 * quorum timeout following the election timeout), so a derived config stopped following them.
 * A builder from {@code builder()} with the same explicit settings is the reference.
 */
class ProtocolConfigToBuilderTest {

    private static ProtocolConfig.Builder threeNodesWithDefaults() {
        return ProtocolConfig.builder().groupId(1).nodeId(1).members(Set.of(1, 2, 3));
    }

    @Test
    void derivedConfigWithMoreMembersKeepsMajorityQuorums() {
        ProtocolConfig original = threeNodesWithDefaults().build(); // majority of 3: sizes 2/2
        // Fresh builder: majority of 5 (3/3). Derived builder: throws "phase-1 quorum 2 and phase-2
        // quorum 2 do not intersect among 5 members", though the caller never set quorum sizes.
        ProtocolConfig derived = assertDoesNotThrow(
                () -> original.toBuilder().members(Set.of(1, 2, 3, 4, 5)).build());
        assertEquals(3, derived.quorum().phase1Size());
        assertEquals(3, derived.quorum().phase2Size());
    }

    @Test
    void derivedConfigWithLongerElectionTimeoutKeepsLeaderQuorumTimeoutEqualToIt() {
        ProtocolConfig original = threeNodesWithDefaults().build(); // leader quorum timeout = election timeout = 10
        ProtocolConfig derived = original.toBuilder().electionTimeoutTicks(40).build();
        // Fresh builder gives 40; the derived one keeps 10, so a leader gives up after a quarter of
        // the time followers wait before campaigning.
        assertEquals(40, derived.leaderQuorumTimeoutTicks());
    }

    @Test
    void derivedConfigWithLongerHeartbeatIntervalBuilds() {
        ProtocolConfig original = threeNodesWithDefaults().build();
        // Fresh builder with these settings builds. The derived one throws "leaderQuorumTimeoutTicks
        // (10) must be 0 (= election timeout) or at least twice heartbeatIntervalTicks (6)", naming a
        // setting the caller never set.
        assertDoesNotThrow(() -> original.toBuilder().heartbeatIntervalTicks(6).electionTimeoutTicks(12).build());
    }
}
