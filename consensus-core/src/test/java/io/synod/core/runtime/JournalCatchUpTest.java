package io.synod.core.runtime;

import io.synod.core.api.SynodOptions;
import io.synod.core.protocol.DurableState;
import io.synod.core.storage.InMemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica that fell far behind catches up from its peers' journals: they keep only the last few
 * applied slots in memory and take no snapshots, so nothing else could bring it up to date.
 */
class JournalCatchUpTest {
    private static final int RETAINED = 8;
    static final SynodOptions SMALL_WINDOW = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20)
            .electionTimeoutMillis(150).retransmitMillis(40).maxElectionBackoffMillis(600).proposalTimeoutMillis(10_000)
            .retainedAppliedSlots(RETAINED).registerJmx(false).build();

    /** One at a time, so that each command gets a slot of its own. */
    private static void proposeOneByOne(LocalCluster cluster, int node, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            cluster.group(node, 0).propose((prefix + i).getBytes()).get(30, TimeUnit.SECONDS);
        }
    }

    private static DurableState stored(LocalCluster cluster, int node) {
        try (InMemoryStorage storage = new InMemoryStorage(cluster.disks.get(node))) {
            return storage.recover(0);
        }
    }

    @Test
    void aFollowerFarBehindCatchesUpFromTheJournalWithoutASnapshot() throws Exception {
        List<FlakyStorage> storages = new CopyOnWriteArrayList<>();
        try (LocalCluster cluster = LocalCluster.ofCounters(3, SMALL_WINDOW).wrapStorage(s -> {
            FlakyStorage counting = new FlakyStorage(s);
            storages.add(counting);
            return counting;
        }).startAll()) {
            int leader = cluster.awaitLeader(0);
            proposeOneByOne(cluster, leader, "a", 10);
            int lagging = leader % 3 + 1;
            cluster.stop(lagging);
            long laggingKnows = stored(cluster, lagging).chosen().lastKey();
            proposeOneByOne(cluster, leader, "b", 20 * RETAINED);
            long leaderKnows = stored(cluster, leader).chosen().lastKey();
            assertTrue(leaderKnows > laggingKnows + 10 * RETAINED, "the gap is many windows wide");

            cluster.start(lagging);
            LocalCluster.await("the lagging replica caught up",
                    () -> cluster.counter(lagging).applied().size() == 10 + 20 * RETAINED);
            assertEquals(cluster.counter(leader).applied(), cluster.counter(lagging).applied());
            assertEquals(0, stored(cluster, lagging).snapshotSlot(), "no snapshot was involved");
            // The last RETAINED slots come from the leader's memory, and the lagging replica may learn a
            // slot or two past its last chosen record from its own votes (the commit point it missed):
            // every other slot of the gap must have been read from a journal.
            long fromJournals = storages.stream().mapToLong(s -> s.chosenRead.get()).sum();
            assertTrue(fromJournals >= leaderKnows - laggingKnows - 2 * RETAINED,
                    "slots beyond the peers' memory came from their journals: " + fromJournals);

            proposeOneByOne(cluster, lagging, "c", 5); // and it takes part again
            LocalCluster.await("everyone applied the last 5 too", () -> cluster.counter(leader).applied().size() == 15 + 20 * RETAINED
                    && cluster.counter(lagging).applied().size() == 15 + 20 * RETAINED);
        }
    }
}
