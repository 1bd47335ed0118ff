package io.synod.core.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node whose disk fails stops acknowledging, and rejoins by itself once the disk works again. */
class StorageFailureTest {

    @Test
    void aNodeWhoseWritesFailRecoversWithoutARestartAndLosesNothingAcknowledged() throws Exception {
        Map<Integer, FlakyStorage> storages = new HashMap<>();
        try (LocalCluster cluster = LocalCluster.ofCounters(3, LocalCluster.FAST)) {
            int[] next = {1};
            cluster.wrapStorage(s -> {
                FlakyStorage flaky = new FlakyStorage(s);
                storages.put(next[0]++, flaky);
                return flaky;
            });
            cluster.startAll();
            int leader = cluster.awaitLeader(0);
            List<CompletableFuture<byte[]>> acknowledged = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                acknowledged.add(cluster.group(leader, 0).propose(("before-" + i).getBytes()));
            }
            for (CompletableFuture<byte[]> f : acknowledged) {
                f.get(30, TimeUnit.SECONDS);
            }

            storages.get(leader).failing = true; // the leader's disk fills up
            List<CompletableFuture<byte[]>> during = new ArrayList<>();
            int other = leader % 3 + 1;
            for (int i = 0; i < 50; i++) {
                during.add(cluster.group(other, 0).propose(("during-" + i).getBytes()));
            }
            for (CompletableFuture<byte[]> f : during) {
                f.get(30, TimeUnit.SECONDS); // the other two carry on
            }
            assertTrue(storages.get(leader).failedAppends.get() > 0, "the failing disk was written to");

            storages.get(leader).failing = false; // space freed: no restart, it must rejoin by itself
            for (int i = 0; i < 20; i++) {
                cluster.group(other, 0).propose(("after-" + i).getBytes()).get(30, TimeUnit.SECONDS);
            }
            LocalCluster.await("the recovered node catches up", () ->
                    cluster.counter(leader).applied().size() == 120 && cluster.counter(other).applied().size() == 120);
            assertEquals(cluster.counter(other).applied(), cluster.counter(leader).applied());
        }
    }
}
