package io.synod.core.storage;

import io.synod.core.protocol.AcceptedEntry;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Storage} must do, run against each implementation (a subclass per
 * implementation, in its module). {@link #open()} opens the implementation on the same durable
 * location every time within one test, so "close, then open" is a restart.
 */
public abstract class StorageContract {
    protected static final long GROUP = 11;
    private final List<Storage> opened = new ArrayList<>();

    /** Opens the implementation on this test's durable location (the same location on every call). */
    protected abstract Storage openOnTestLocation();

    protected final Storage open() {
        Storage storage = openOnTestLocation();
        opened.add(storage);
        return storage;
    }

    protected final Storage reopen(Storage storage) {
        storage.close();
        return open();
    }

    @AfterEach
    void closeAll() {
        for (Storage storage : opened) {
            storage.close();
        }
    }

    protected static Value batch(long... ids) {
        List<Command> commands = new ArrayList<>();
        for (long id : ids) {
            commands.add(new Command(id, ("payload-" + id).getBytes()));
        }
        return new Value.Batch(commands);
    }

    protected static JournalRecord promise(long group, long round, int node) {
        return new JournalRecord.PromisedBallot(group, new Ballot(round, node));
    }

    protected static JournalRecord vote(long group, long slot, long round, int node, Value value) {
        return new JournalRecord.AcceptedValue(group, slot, new Ballot(round, node), value);
    }

    protected static JournalRecord chosen(long group, long slot, Value value) {
        return new JournalRecord.ChosenValue(group, slot, value);
    }

    @Test
    void aGroupNeverWrittenRecoversEmpty() {
        DurableState state = open().recover(GROUP);
        assertEquals(Ballot.ZERO, state.promised());
        assertTrue(state.accepted().isEmpty());
        assertTrue(state.chosen().isEmpty());
    }

    @Test
    void appendedRecordsSurviveARestart() {
        Storage storage = open();
        storage.append(GROUP, List.of(promise(GROUP, 3, 1), vote(GROUP, 1, 3, 1, batch(10)),
                vote(GROUP, 2, 3, 1, Value.NOOP), chosen(GROUP, 1, batch(10)))).join();
        storage.append(GROUP, List.of(vote(GROUP, 2, 4, 2, batch(20)), promise(GROUP, 4, 2))).join();

        DurableState state = reopen(storage).recover(GROUP);
        assertEquals(new Ballot(4, 2), state.promised());
        assertEquals(new AcceptedEntry(1, new Ballot(3, 1), batch(10)), state.accepted().get(1L));
        assertEquals(new AcceptedEntry(2, new Ballot(4, 2), batch(20)), state.accepted().get(2L), "the later vote wins");
        assertEquals(Map.of(1L, batch(10)), state.chosen());
    }

    @Test
    void groupsSharingOneStorageAreIsolated() {
        Storage storage = open();
        storage.append(1, List.of(promise(1, 5, 1), vote(1, 1, 5, 1, batch(1)))).join();
        storage.append(2, List.of(promise(2, 7, 3), vote(2, 1, 7, 3, batch(2)))).join();
        storage = reopen(storage);
        assertEquals(new Ballot(5, 1), storage.recover(1).promised());
        assertEquals(batch(1), storage.recover(1).accepted().get(1L).value());
        assertEquals(new Ballot(7, 3), storage.recover(2).promised());
        assertEquals(batch(2), storage.recover(2).accepted().get(1L).value());
        assertEquals(Set.of(1L, 2L), storage.groups());
    }

    @Test
    void anEmptyAppendCompletes() {
        open().append(GROUP, List.of()).join();
    }

    @Test
    void appendsOfOneGroupCompleteInOrder() throws Exception {
        Storage storage = open();
        ConcurrentLinkedQueue<Integer> completed = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            int n = i;
            futures.add(storage.append(GROUP, List.of(vote(GROUP, n, 1, 1, batch(n))))
                    .thenRun(() -> completed.add(n)));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        List<Integer> order = new ArrayList<>(completed);
        List<Integer> sorted = new ArrayList<>(order);
        sorted.sort(Integer::compare);
        assertEquals(sorted, order);
    }

    @Test
    void concurrentAppendersFromManyGroupsAreAllDurable() throws Exception {
        Storage storage = open();
        int threads = 8;
        int appendsPerThread = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
            ConcurrentLinkedQueue<CompletableFuture<Void>> all = new ConcurrentLinkedQueue<>();
            for (int t = 0; t < threads; t++) {
                long group = 100 + t % 4;
                int thread = t;
                submitted.add(pool.submit(() -> {
                    for (int i = 1; i <= appendsPerThread; i++) {
                        long slot = thread * 1000L + i;
                        all.add(storage.append(group, List.of(vote(group, slot, 1, 1, batch(slot)))));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : submitted) {
                f.get(30, TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Storage reopened = reopen(storage);
        for (int t = 0; t < threads; t++) {
            DurableState state = reopened.recover(100 + t % 4);
            for (int i = 1; i <= appendsPerThread; i++) {
                long slot = t * 1000L + i;
                assertEquals(batch(slot), state.accepted().get(slot).value(), "group " + (100 + t % 4) + " slot " + slot);
            }
        }
    }

    @Test
    void truncatingAPrefixRemovesOnlyVotesAndChosenValuesBelowIt() {
        Storage storage = open();
        List<JournalRecord> records = new ArrayList<>();
        records.add(promise(GROUP, 2, 1));
        for (long slot = 1; slot <= 10; slot++) {
            records.add(vote(GROUP, slot, 2, 1, batch(slot)));
            records.add(chosen(GROUP, slot, batch(slot)));
        }
        storage.append(GROUP, records).join();
        storage.truncatePrefix(GROUP, 6).join();
        storage.append(GROUP, List.of(vote(GROUP, 11, 2, 1, batch(11)))).join();

        DurableState state = reopen(storage).recover(GROUP);
        assertEquals(new Ballot(2, 1), state.promised(), "the promise is never truncated");
        assertEquals(Set.of(6L, 7L, 8L, 9L, 10L, 11L), state.accepted().keySet());
        assertEquals(Set.of(6L, 7L, 8L, 9L, 10L), state.chosen().keySet());
    }

    private static List<Long> slots(List<ChosenEntry> entries) {
        return entries.stream().map(ChosenEntry::slot).toList();
    }

    @Test
    void readChosenReturnsChosenValuesOfARangeInSlotOrderUpToTheLimit() {
        Storage storage = open();
        List<JournalRecord> records = new ArrayList<>();
        for (long slot = 10; slot >= 1; slot--) { // out of order, and votes in between: only chosen values count
            records.add(vote(GROUP, slot, 2, 1, batch(100 + slot)));
            if (slot != 4) {
                records.add(chosen(GROUP, slot, batch(slot)));
            }
        }
        storage.append(GROUP, records).join();
        storage.append(GROUP + 1, List.of(chosen(GROUP + 1, 3, batch(99)))).join();

        assertEquals(List.of(new ChosenEntry(2, batch(2)), new ChosenEntry(3, batch(3)), new ChosenEntry(5, batch(5))),
                storage.readChosen(GROUP, 2, 6, 100), "slot 4 has no chosen record: a gap, not a vote");
        assertEquals(List.of(1L, 2L, 3L), slots(storage.readChosen(GROUP, 0, 100, 3)));
        assertEquals(List.of(), storage.readChosen(GROUP, 11, 20, 10));
        assertEquals(List.of(), storage.readChosen(GROUP, 5, 5, 10), "an empty range");
        assertEquals(List.of(new ChosenEntry(3, batch(99))), storage.readChosen(GROUP + 1, 1, 100, 10), "groups are apart");
    }

    @Test
    void readChosenSkipsWhatATruncationRemovedAndSurvivesARestart() {
        Storage storage = open();
        List<JournalRecord> records = new ArrayList<>();
        for (long slot = 1; slot <= 10; slot++) {
            records.add(chosen(GROUP, slot, batch(slot)));
        }
        storage.append(GROUP, records).join();
        storage.truncatePrefix(GROUP, 6).join();
        assertEquals(List.of(6L, 7L, 8L), slots(storage.readChosen(GROUP, 1, 9, 10)));

        storage = reopen(storage);
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), slots(storage.readChosen(GROUP, 1, Long.MAX_VALUE, 10)));
        assertEquals(List.of(new ChosenEntry(7, batch(7))), storage.readChosen(GROUP, 7, 8, 10));
    }

    @Test
    void truncationNeverLowersThePromiseAVoteImplied() {
        Storage storage = open();
        // Voting at 9.2 promised 9.2; no separate promise record says so.
        storage.append(GROUP, List.of(promise(GROUP, 3, 1), vote(GROUP, 1, 9, 2, batch(1)), vote(GROUP, 2, 4, 1, batch(2))))
                .join();
        storage.truncatePrefix(GROUP, 2).join();
        assertEquals(new Ballot(9, 2), reopen(storage).recover(GROUP).promised());
    }

    @Test
    void aCommittedSnapshotIsReadBackExactlyAfterARestart() {
        Storage storage = open();
        byte[] data = randomBytes(1, 300_000);
        writeSnapshot(storage, 40, data);
        storage = reopen(storage);
        Optional<SnapshotReader> reader = storage.openSnapshot(GROUP);
        assertTrue(reader.isPresent());
        assertEquals(40, reader.get().metadata().lastIncludedSlot());
        assertArrayEquals(data, readAll(reader.get()));
    }

    @Test
    void aNewSnapshotReplacesTheOldOneAndAnAbortedOneChangesNothing() {
        Storage storage = open();
        writeSnapshot(storage, 10, randomBytes(2, 1000));
        byte[] second = randomBytes(3, 5000);
        writeSnapshot(storage, 20, second);
        try (SnapshotWriter aborted = storage.beginSnapshot(metadataOf(30, randomBytes(4, 100)))) {
            aborted.write(randomBytes(4, 100), 0, 50);
            aborted.abort();
        }
        try (SnapshotWriter abandoned = storage.beginSnapshot(metadataOf(31, randomBytes(5, 100)))) {
            abandoned.write(randomBytes(5, 100), 0, 100); // closed without commit, like a crash mid-install
        }
        storage = reopen(storage);
        SnapshotReader reader = storage.openSnapshot(GROUP).orElseThrow();
        assertEquals(20, reader.metadata().lastIncludedSlot());
        assertArrayEquals(second, readAll(reader));
    }

    @Test
    void aSnapshotOfOurOwnComputesItsMetadataAndRecoveryReportsItsSlot() {
        Storage storage = open();
        byte[] data = randomBytes(7, 200_000);
        SnapshotMetadata committed;
        try (SnapshotWriter writer = storage.beginSnapshot(GROUP, 77)) {
            writer.write(data, 0, 150_000);
            writer.write(data, 150_000, 50_000);
            assertEquals(200_000, writer.bytesWritten());
            committed = writer.commit();
        }
        assertEquals(metadataOf(77, data), committed);
        storage.truncatePrefix(GROUP, 78).join();
        storage = reopen(storage);
        assertEquals(77, storage.recover(GROUP).snapshotSlot(), "recovery says which slots the snapshot covers");
        assertEquals(0, storage.recover(GROUP + 1).snapshotSlot());
        assertArrayEquals(data, readAll(storage.openSnapshot(GROUP).orElseThrow()));
    }

    @Test
    void aSnapshotWhoseBytesDoNotMatchItsMetadataIsRefused() {
        Storage storage = open();
        byte[] data = randomBytes(6, 1000);
        SnapshotWriter writer = storage.beginSnapshot(metadataOf(5, data));
        data[10] ^= 1;
        writer.write(data, 0, data.length);
        assertThrows(StorageException.Corrupt.class, writer::commit);
        assertFalse(storage.openSnapshot(GROUP).isPresent());
    }

    @Test
    void callsAfterCloseFailClearly() {
        Storage storage = open();
        storage.close();
        StorageException.Closed e = assertThrows(StorageException.Closed.class,
                () -> storage.append(GROUP, List.of(promise(GROUP, 1, 1))).join());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(StorageException.Closed.class, () -> storage.recover(GROUP));
    }

    protected static SnapshotMetadata metadataOf(long slot, byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return new SnapshotMetadata(GROUP, slot, data.length, (int) crc.getValue());
    }

    protected static void writeSnapshot(Storage storage, long slot, byte[] data) {
        try (SnapshotWriter writer = storage.beginSnapshot(metadataOf(slot, data))) {
            for (int offset = 0; offset < data.length; offset += 64 * 1024) {
                writer.write(data, offset, Math.min(64 * 1024, data.length - offset));
            }
            writer.commit();
        }
    }

    protected static byte[] readAll(SnapshotReader reader) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = reader.read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
        }
        reader.close();
        return out.toByteArray();
    }

    protected static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
