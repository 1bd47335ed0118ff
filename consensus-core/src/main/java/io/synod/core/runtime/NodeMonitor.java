package io.synod.core.runtime;

import io.synod.core.api.SynodNodeMXBean;

import java.util.Map;
import java.util.TreeMap;

/** The JMX view of a {@link NodeRuntime}. */
final class NodeMonitor implements SynodNodeMXBean {
    private final NodeRuntime node;

    NodeMonitor(NodeRuntime node) {
        this.node = node;
    }

    @Override
    public int getNodeId() {
        return node.nodeId();
    }

    @Override
    public Map<Integer, Boolean> getMemberReachability() {
        return node.memberReachability();
    }

    @Override
    public Map<Long, Integer> getLeaders() {
        Map<Long, Integer> leaders = new TreeMap<>();
        node.groupRuntimes().forEach(g -> leaders.put(g.groupId(), g.leaderHint()));
        return leaders;
    }

    @Override
    public int getGroupsLed() {
        return (int) node.groupRuntimes().stream().filter(GroupRuntime::isLeader).count();
    }

    @Override
    public long getLeaderChanges() {
        return node.metrics().leaderChanges.sum();
    }

    @Override
    public long getProposalsSubmitted() {
        return node.metrics().submitted.sum();
    }

    @Override
    public long getProposalsApplied() {
        return node.metrics().applied.sum();
    }

    @Override
    public long getProposalsFailed() {
        return node.metrics().failed.sum();
    }

    @Override
    public int getPendingProposals() {
        return node.admission().pendingProposals();
    }

    @Override
    public long getApplyBacklogBytes() {
        return node.admission().applyBacklogBytes();
    }

    @Override
    public double getCommitLatencyP50Millis() {
        return NodeMetrics.percentileMillis(node.metrics().interval().commit(), 50);
    }

    @Override
    public double getCommitLatencyP99Millis() {
        return NodeMetrics.percentileMillis(node.metrics().interval().commit(), 99);
    }

    @Override
    public double getApplyLatencyP99Millis() {
        return NodeMetrics.percentileMillis(node.metrics().interval().apply(), 99);
    }

    @Override
    public double getJournalSyncP50Millis() {
        return NodeMetrics.percentileMillis(node.metrics().interval().sync(), 50);
    }

    @Override
    public double getJournalSyncP99Millis() {
        return NodeMetrics.percentileMillis(node.metrics().interval().sync(), 99);
    }

    @Override
    public double getBytesChosenPerSecond() {
        return node.metrics().interval().bytesChosenPerSecond();
    }

    @Override
    public long getMaxFollowerLagSlots() {
        long max = 0;
        for (GroupRuntime group : node.groupRuntimes()) {
            for (long lag : group.followerLag().values()) {
                max = Math.max(max, lag);
            }
        }
        return max;
    }

    @Override
    public long getMessagesDropped() {
        return node.metrics().messagesDropped.sum();
    }
}
