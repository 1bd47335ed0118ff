package io.synod.core.api;

import java.util.Map;

/**
 * The node's monitoring view over JMX ({@code io.synod:type=Node,node=<id>}). Latencies are in
 * milliseconds over the last reporting interval (the time between two reads, at most a minute).
 */
public interface SynodNodeMXBean {
    int getNodeId();

    /** Members and whether this node heard from each within the last election timeout. */
    Map<Integer, Boolean> getMemberReachability();

    /** Group id to the leader this node believes in (0: none known). */
    Map<Long, Integer> getLeaders();

    int getGroupsLed();

    long getLeaderChanges();

    long getProposalsSubmitted();

    long getProposalsApplied();

    long getProposalsFailed();

    int getPendingProposals();

    long getApplyBacklogBytes();

    double getCommitLatencyP50Millis();

    double getCommitLatencyP99Millis();

    double getApplyLatencyP99Millis();

    double getJournalSyncP50Millis();

    double getJournalSyncP99Millis();

    double getBytesChosenPerSecond();

    /** For the groups this node leads: the largest number of slots a follower is behind. */
    long getMaxFollowerLagSlots();

    long getMessagesDropped();
}
