package io.synod.core.runtime;

import io.synod.core.api.SynodOptions;
import io.synod.core.protocol.DurableState;
import io.synod.core.storage.InMemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshots through the runtime: taken and compacted, restored on restart, installed on a lagging replica. */
class SnapshotTest {
    static final SynodOptions SNAPSHOTS = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20)
            .electionTimeoutMillis(150).retransmitMillis(40).maxElectionBackoffMillis(600).proposalTimeoutMillis(10_000)
            .snapshotEveryEntries(20).snapshotChunkBytes(4096).registerJmx(false).build();

    private static void proposeAll(LocalCluster cluster, int node, String prefix, int count) throws Exception {
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(cluster.group(node, 0).propose((prefix + i).getBytes()));
        }
        for (CompletableFuture<byte[]> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    private static DurableState stored(LocalCluster cluster, int node) {
        try (InMemoryStorage storage = new InMemoryStorage(cluster.disks.get(node))) {
            return storage.recover(0);
        }
    }

    @Test
    void aReplicaBehindTheCompactedLogInstallsASnapshotAndCatchesUp() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, SNAPSHOTS).startAll()) {
            int leader = cluster.awaitLeader(0);
            proposeAll(cluster, leader, "a", 100);
            int lagging = leader % 3 + 1;
            cluster.stop(lagging);
            long laggingKnows = stored(cluster, lagging).chosen().isEmpty() ? 0 : stored(cluster, lagging).chosen().lastKey();
            // Snapshots come every 20 slots, and how many commands share a slot depends on timing:
            // propose in small waves until the leader has compacted well past the stopped replica.
            int proposed = 100;
            for (int wave = 0; stored(cluster, leader).snapshotSlot() <= laggingKnows + 20; wave++) {
                assertTrue(wave < 200, "no snapshot past slot " + (laggingKnows + 20) + " after " + proposed + " commands");
                proposeAll(cluster, leader, "b" + wave + "-", 10);
                proposed += 10;
            }
            int total = proposed;

            LocalCluster.await("the log below the snapshot truncated (it follows the snapshot's commit)", () -> {
                DurableState leaderState = stored(cluster, leader);
                return leaderState.accepted().isEmpty() || leaderState.accepted().firstKey() > leaderState.snapshotSlot();
            });

            cluster.start(lagging); // its log ends where the others' snapshots begin
            LocalCluster.await("the lagging replica caught up", () -> cluster.counter(lagging).applied().size() == total);
            assertEquals(cluster.counter(leader).applied(), cluster.counter(lagging).applied());
            assertTrue(stored(cluster, lagging).snapshotSlot() > laggingKnows + 20, "it holds a snapshot past its old log");

            proposeAll(cluster, lagging, "c", 10); // and takes part again
            LocalCluster.await("everyone applied the last 10 too", () -> cluster.counter(leader).applied().size() == total + 10
                    && cluster.counter(lagging).applied().size() == total + 10);
        }
    }

    @Test
    void aRestartedReplicaRestoresItsSnapshotThenReplaysTheRest() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, SNAPSHOTS).startAll()) {
            int leader = cluster.awaitLeader(0);
            int other = leader % 3 + 1;
            int proposed = 0;
            for (int wave = 0; proposed < 95 || stored(cluster, other).snapshotSlot() == 0; wave++) {
                assertTrue(wave < 200, "no snapshot on node " + other + " after " + proposed + " commands");
                proposeAll(cluster, leader, "x" + wave + "-", 5);
                proposed += 5;
                int expected = proposed;
                LocalCluster.await("replica applied " + expected, () -> cluster.counter(other).applied().size() == expected);
            }
            int total = proposed;
            List<String> before = cluster.counter(other).applied();
            cluster.stop(other);
            assertTrue(stored(cluster, other).snapshotSlot() > 0);
            cluster.start(other);
            LocalCluster.await("restored and replayed", () -> cluster.counter(other).applied().size() == total);
            assertEquals(before, cluster.counter(other).applied());
        }
    }
}
