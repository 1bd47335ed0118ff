package io.synod.examples.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Asks the nodes' {@code /status} who leads. */
final class Status {
    private final LocalProcesses cluster;
    private long electedAtNanos;

    Status(LocalProcesses cluster) {
        this.cluster = cluster;
    }

    /** Waits until every node in {@code nodes} names the same leader, which is one of them; returns it. */
    int awaitLeader(List<Integer> nodes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Integer agreed = null;
            boolean all = true;
            for (int id : nodes) {
                Object leader = leaderSeenBy(id);
                if (!(leader instanceof Long l) || !nodes.contains(l.intValue()) || (agreed != null && agreed != l.intValue())) {
                    all = false;
                    break;
                }
                agreed = l.intValue();
            }
            if (all && agreed != null) {
                electedAtNanos = System.nanoTime();
                return agreed;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leader agreed by nodes " + nodes + " within " + timeout.toSeconds() + " s");
    }

    long lastElectionMillis(long sinceNanos) {
        return (electedAtNanos - sinceNanos) / 1_000_000;
    }

    private Object leaderSeenBy(int id) {
        Map<String, Object> status = cluster.status(id);
        return status == null ? null : status.get("leader"); // null: not up yet
    }
}
