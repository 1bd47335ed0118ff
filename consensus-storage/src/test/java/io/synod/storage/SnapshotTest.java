package io.synod.storage;

import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotReader;
import io.synod.core.storage.SnapshotWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Snapshot storage beyond the contract: chunk bookkeeping, unfinished snapshots, readers during a replacement. */
class SnapshotTest {
    private static final long GROUP = 5;
    private static final int CHUNK = 4096;

    @TempDir
    Path directory;

    private RocksDbStorage open() {
        return RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "snapshots").snapshotChunkBytes(CHUNK).build());
    }

    private static byte[] data(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static SnapshotMetadata metadata(long slot, byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return new SnapshotMetadata(GROUP, slot, data.length, (int) crc.getValue());
    }

    private static void write(RocksDbStorage storage, long slot, byte[] data) {
        try (SnapshotWriter writer = storage.beginSnapshot(metadata(slot, data))) {
            writer.write(data, 0, data.length);
            writer.commit();
        }
    }

    private static byte[] readAll(SnapshotReader reader) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1000];
        int n;
        while ((n = reader.read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The snapshot ids that have chunks stored, read directly from the database. */
    private Set<Long> storedSnapshotIds() throws Exception {
        Set<Long> ids = new TreeSet<>();
        try (RawRocksDb raw = RawRocksDb.openReadOnly(directory); RocksIterator it = raw.db().newIterator()) {
            for (it.seek(Keys.kindStart(Keys.SNAPSHOT_CHUNK)); it.isValid() && Keys.isChunkKey(it.key()); it.next()) {
                ids.add(Keys.slotOf(it.key()));
            }
        }
        return ids;
    }

    @Test
    void chunksOfASnapshotThatWasNeverCommittedAreDeletedOnOpen() throws Exception {
        byte[] committed = data(1, 3 * CHUNK + 100);
        try (RocksDbStorage storage = open()) {
            write(storage, 10, committed);
        }
        long committedId = storedSnapshotIds().iterator().next();
        try (RawRocksDb raw = RawRocksDb.open(directory)) { // what a crash in the middle of a snapshot leaves
            raw.putSynced(Keys.chunk(GROUP, committedId + 1, 0), CheckedFrame.encode(data(2, CHUNK)));
            raw.putSynced(Keys.chunk(GROUP + 1, committedId + 2, 0), CheckedFrame.encode(data(3, CHUNK)));
        }
        assertEquals(Set.of(committedId, committedId + 1, committedId + 2), storedSnapshotIds());
        try (RocksDbStorage storage = open(); SnapshotReader reader = storage.openSnapshot(GROUP).orElseThrow()) {
            assertArrayEquals(committed, readAll(reader));
        }
        assertEquals(Set.of(committedId), storedSnapshotIds());
    }

    @Test
    void aReaderKeepsReadingTheSnapshotItOpenedWhileANewerOneIsCommitted() throws Exception {
        byte[] first = data(4, 5 * CHUNK);
        byte[] second = data(5, 2 * CHUNK + 7);
        try (RocksDbStorage storage = open()) {
            write(storage, 10, first);
            try (SnapshotReader old = storage.openSnapshot(GROUP).orElseThrow()) {
                byte[] start = new byte[100];
                assertEquals(100, old.read(start, 0, 100));
                write(storage, 20, second);
                assertEquals(2, storedSnapshotIds().size(), "the old chunks stay while they are read");
                byte[] rest = readAll(old);
                byte[] all = new byte[100 + rest.length];
                System.arraycopy(start, 0, all, 0, 100);
                System.arraycopy(rest, 0, all, 100, rest.length);
                assertArrayEquals(first, all);
            }
            assertEquals(1, storedSnapshotIds().size(), "closing the last reader deletes the replaced chunks");
            try (SnapshotReader current = storage.openSnapshot(GROUP).orElseThrow()) {
                assertEquals(20, current.metadata().lastIncludedSlot());
                assertArrayEquals(second, readAll(current));
            }
        }
    }

    @Test
    void anEmptySnapshotAndOneOfExactlyWholeChunksRoundTrip() throws Exception {
        try (RocksDbStorage storage = open()) {
            write(storage, 1, new byte[0]);
            try (SnapshotReader reader = storage.openSnapshot(GROUP).orElseThrow()) {
                assertArrayEquals(new byte[0], readAll(reader));
            }
            byte[] whole = data(6, 3 * CHUNK);
            write(storage, 2, whole);
            try (SnapshotReader reader = storage.openSnapshot(GROUP).orElseThrow()) {
                assertArrayEquals(whole, readAll(reader));
            }
        }
    }

    @Test
    void aCommittedOrAbortedWriterRefusesFurtherUse() {
        try (RocksDbStorage storage = open()) {
            byte[] bytes = data(7, 10);
            SnapshotWriter writer = storage.beginSnapshot(metadata(3, bytes));
            writer.write(bytes, 0, bytes.length);
            writer.commit();
            assertThrows(IllegalStateException.class, () -> writer.write(bytes, 0, 1));
            assertThrows(IllegalStateException.class, writer::commit);
            SnapshotWriter aborted = storage.beginSnapshot(metadata(4, bytes));
            aborted.abort();
            assertThrows(IllegalStateException.class, () -> aborted.write(bytes, 0, 1));
        }
    }
}
