package io.synod.storage;

import io.synod.core.protocol.DurableState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit: one sync for everything queued meanwhile, and nothing reported before the sync returns. */
class GroupCommitTest {
    @TempDir
    Path directory;
    private final FaultyBatchWriter disk = new FaultyBatchWriter();
    private RocksDbStorage storage;

    @AfterEach
    void close() {
        if (disk.hold != null) {
            disk.hold.countDown();
        }
        if (storage != null) {
            storage.close();
        }
    }

    private RocksDbStorage open() {
        storage = RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "gc").batchWriter(disk).build());
        return storage;
    }

    /** Appends a vote for slot 1 and returns once its batch is held at the disk (its sync not returning). */
    private CompletableFuture<Void> appendVoteHeldAtTheDisk(RocksDbStorage storage) throws InterruptedException {
        disk.hold = new CountDownLatch(1);
        CompletableFuture<Void> vote = storage.append(1, List.of(Records.vote(1, 1)));
        assertTrue(disk.holding.await(10, TimeUnit.SECONDS), "the vote's batch reached the disk");
        return vote;
    }

    @Test
    void nothingIsReportedDurableBeforeTheSyncReturnsAndAppendsQueuedMeanwhileShareOneBatch() throws Exception {
        RocksDbStorage storage = open();
        CompletableFuture<Void> first = appendVoteHeldAtTheDisk(storage);
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (long slot = 2; slot <= 101; slot++) {
            queued.add(storage.append(1 + slot % 3, List.of(Records.vote(1 + slot % 3, slot))));
        }
        assertFalse(first.isDone(), "reported durable while its sync had not returned");
        queued.forEach(f -> assertFalse(f.isDone()));

        long batchesBefore = storage.batchesWritten();
        disk.hold.countDown();
        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(queued.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        assertEquals(batchesBefore + 2, storage.batchesWritten(), "the 100 appends queued during the sync form one batch");
        assertEquals(101, storage.opsWritten());
    }

    @Test
    void aBatchIsBoundedByMaxBatchBytes() throws Exception {
        storage = RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "gc").batchWriter(disk)
                .maxBatchBytes(RocksDbStorageOptions.MIN_BATCH_BYTES).build());
        disk.hold = new CountDownLatch(1);
        CompletableFuture<Void> first = storage.append(1, List.of(Records.vote(1, 1)));
        assertTrue(disk.holding.await(10, TimeUnit.SECONDS));
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (long slot = 2; slot <= 101; slot++) {
            queued.add(storage.append(1, List.of(Records.vote(1, slot))));
        }
        disk.hold.countDown();
        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(queued.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        // each append is ~200 bytes with overhead: 4 KiB holds about 20 of them
        assertTrue(storage.batchesWritten() >= 1 + 100 / 25, "batches: " + storage.batchesWritten());
    }

    @Test
    void aFullQueueBlocksTheAppenderUntilTheWriterCatchesUp() throws Exception {
        storage = RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "gc").batchWriter(disk)
                .maxBatchBytes(RocksDbStorageOptions.MIN_BATCH_BYTES).maxQueuedBytes(RocksDbStorageOptions.MIN_BATCH_BYTES)
                .build());
        disk.hold = new CountDownLatch(1);
        storage.append(1, List.of(Records.vote(1, 1)));
        assertTrue(disk.holding.await(10, TimeUnit.SECONDS));
        CountDownLatch appenderDone = new CountDownLatch(1);
        Thread appender = new Thread(() -> {
            for (long slot = 2; slot <= 200; slot++) {
                storage.append(1, List.of(Records.vote(1, slot)));
            }
            appenderDone.countDown();
        });
        appender.start();
        Deadline.await(Duration.ofSeconds(10), "the appender blocks on the full queue",
                () -> appender.getState() == Thread.State.WAITING);
        assertEquals(1, appenderDone.getCount());
        disk.hold.countDown();
        assertTrue(appenderDone.await(10, TimeUnit.SECONDS), "the appender resumed once the writer drained the queue");
        storage.append(1, List.of()).get(10, TimeUnit.SECONDS);
        DurableState state = storage.recover(1);
        assertEquals(200, state.accepted().size());
    }

    @Test
    void closingOrAppendingFromAFutureCallbackNeitherDeadlocksNorCrashes() throws Exception {
        storage = RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "gc")
                .maxBatchBytes(RocksDbStorageOptions.MIN_BATCH_BYTES).maxQueuedBytes(RocksDbStorageOptions.MIN_BATCH_BYTES)
                .build());
        List<CompletableFuture<Void>> chained = new ArrayList<>();
        storage.append(1, List.of(Records.vote(1, 1))).thenRun(() -> {
            for (long slot = 2; slot <= 100; slot++) { // far beyond maxQueuedBytes, on the writer thread
                chained.add(storage.append(1, List.of(Records.vote(1, slot))));
            }
        }).get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(chained.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        assertEquals(100, storage.recover(1).accepted().size());

        storage.append(1, List.of(Records.vote(1, 101))).thenRun(storage::close).get(10, TimeUnit.SECONDS);
        assertThrows(io.synod.core.storage.StorageException.Closed.class,
                () -> storage.append(1, List.of(Records.vote(1, 102))));
        try (RocksDbStorage reopened = RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "gc").build())) {
            assertEquals(101, reopened.recover(1).accepted().size());
        }
    }

    @Test
    void chosenValuesAloneAreWrittenWithoutASyncAndAnyOtherRecordInTheBatchSyncsIt() throws Exception {
        RocksDbStorage storage = open();
        storage.append(1, List.of(Records.chosen(1, 1), Records.chosen(1, 2))).get(10, TimeUnit.SECONDS);
        storage.append(1, List.of(Records.vote(1, 3))).get(10, TimeUnit.SECONDS);
        storage.append(1, List.of(Records.chosen(1, 3), Records.vote(1, 4))).get(10, TimeUnit.SECONDS);
        storage.append(1, List.of(Records.promise(1, 7))).get(10, TimeUnit.SECONDS);

        assertEquals(List.of(false, true, true, true), disk.synced);
        assertEquals(4, storage.batchesWritten());
        assertEquals(3, storage.batchesSynced());
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(storage.recover(1).chosen().keySet()),
                "chosen values written without a sync are read back by this process");
        assertEquals(2, storage.readChosen(1, 1, 3, 10).size());
    }

    @Test
    void chosenValuesWithoutASyncStillCompleteOnlyAfterEverythingAppendedBeforeThem() throws Exception {
        RocksDbStorage storage = open();
        CompletableFuture<Void> vote = appendVoteHeldAtTheDisk(storage);
        CompletableFuture<Void> chosen = storage.append(1, List.of(Records.chosen(1, 1)));
        Thread.sleep(50);
        assertFalse(chosen.isDone(), "a chosen value completed while an earlier vote's sync was still running");

        disk.hold.countDown();
        vote.get(10, TimeUnit.SECONDS);
        chosen.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(true, false), disk.synced);
    }

    @Test
    void withSyncingOffNoBatchCountsAsSynced() throws Exception {
        storage = RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "gc").batchWriter(disk)
                .syncWrites(false).build());
        storage.append(1, List.of(Records.vote(1, 1))).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(false), disk.synced);
        assertEquals(0, storage.batchesSynced());
    }
}
