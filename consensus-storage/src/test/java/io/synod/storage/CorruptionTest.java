package io.synod.storage;

import io.synod.core.codec.JournalCodec;
import io.synod.core.protocol.DurableState;
import io.synod.core.storage.SnapshotReader;
import io.synod.core.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged state is detected on recovery, named by group and slot, and never used: the replica
 * must not act as an acceptor on it. Damage is made by writing to the database directly.
 */
class CorruptionTest {
    private static final long GROUP = 7;
    private static final long OTHER_GROUP = 8;

    @TempDir
    Path directory;

    private RocksDbStorage open() {
        return RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "corruption").snapshotChunkBytes(4096).build());
    }

    private void writeJournal() throws Exception {
        try (RocksDbStorage storage = open()) {
            List<io.synod.core.protocol.JournalRecord> records = new ArrayList<>();
            records.add(Records.promise(GROUP, 4));
            for (long slot = 1; slot <= 10; slot++) {
                records.add(Records.vote(GROUP, slot));
                records.add(Records.chosen(GROUP, slot));
            }
            storage.append(GROUP, records).get(10, TimeUnit.SECONDS);
            storage.append(OTHER_GROUP, List.of(Records.vote(OTHER_GROUP, 1))).get(10, TimeUnit.SECONDS);
        }
    }

    private void damage(byte[] key, int offset) throws Exception {
        try (RawRocksDb raw = RawRocksDb.open(directory)) {
            byte[] value = raw.get(key);
            value[Math.min(offset, value.length - 1)] ^= 0x40;
            raw.putSynced(key, value);
        }
    }

    @Test
    void aDamagedVoteIsReportedWithItsGroupAndSlot() throws Exception {
        writeJournal();
        damage(Keys.slot(Keys.VOTE, GROUP, 5), 20);
        try (RocksDbStorage storage = open()) {
            StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class, () -> storage.recover(GROUP));
            assertTrue(e.getMessage().contains("group 7, slot 5") && e.getMessage().contains("vote")
                    && e.getMessage().contains("must not act as an acceptor"), e.getMessage());
            assertEquals(Records.valueOf(OTHER_GROUP, 1), storage.recover(OTHER_GROUP).accepted().get(1L).value(),
                    "other groups are unaffected");
        }
    }

    @Test
    void aDamagedChosenValueAndADamagedPromiseAreReported() throws Exception {
        writeJournal();
        damage(Keys.slot(Keys.CHOSEN, GROUP, 9), 30);
        try (RocksDbStorage storage = open()) {
            StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class, () -> storage.recover(GROUP));
            assertTrue(e.getMessage().contains("group 7, slot 9") && e.getMessage().contains("chosen"), e.getMessage());
        }
        damage(Keys.group(Keys.PROMISE, GROUP), 1);
        try (RocksDbStorage storage = open()) {
            StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class, () -> storage.recover(GROUP));
            assertTrue(e.getMessage().contains("group 7") && e.getMessage().contains("promise"), e.getMessage());
        }
    }

    @Test
    void aTornValueIsReported() throws Exception {
        writeJournal();
        try (RawRocksDb raw = RawRocksDb.open(directory)) {
            byte[] value = raw.get(Keys.slot(Keys.VOTE, GROUP, 3));
            raw.putSynced(Keys.slot(Keys.VOTE, GROUP, 3), java.util.Arrays.copyOf(value, value.length / 2));
        }
        try (RocksDbStorage storage = open()) {
            StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class, () -> storage.recover(GROUP));
            assertTrue(e.getMessage().contains("group 7, slot 3"), e.getMessage());
        }
    }

    @Test
    void aRecordStoredUnderAnotherSlotIsReported() throws Exception {
        writeJournal();
        try (RawRocksDb raw = RawRocksDb.open(directory)) {
            raw.putSynced(Keys.slot(Keys.VOTE, GROUP, 4), raw.get(Keys.slot(Keys.VOTE, GROUP, 6)));
        }
        try (RocksDbStorage storage = open()) {
            StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class, () -> storage.recover(GROUP));
            assertTrue(e.getMessage().contains("group 7, slot 4") && e.getMessage().contains("slot 6"), e.getMessage());
        }
    }

    @Test
    void aRecordOfANewerFormatIsIncompatibleNotCorrupt() throws Exception {
        writeJournal();
        try (RawRocksDb raw = RawRocksDb.open(directory)) {
            byte[] value = raw.get(Keys.slot(Keys.VOTE, GROUP, 2));
            value[0] = JournalCodec.FORMAT_VERSION + 1;
            raw.putSynced(Keys.slot(Keys.VOTE, GROUP, 2), value);
        }
        try (RocksDbStorage storage = open()) {
            StorageException.Incompatible e = assertThrows(StorageException.Incompatible.class, () -> storage.recover(GROUP));
            assertTrue(e.getMessage().contains("group 7, slot 2") && e.getMessage().contains("newer"), e.getMessage());
        }
    }

    @Test
    void undamagedStateRecoversExactly() throws Exception {
        writeJournal();
        try (RocksDbStorage storage = open()) {
            DurableState state = storage.recover(GROUP);
            assertEquals(10, state.accepted().size());
            assertEquals(10, state.chosen().size());
            assertEquals(Records.valueOf(GROUP, 10), state.chosen().get(10L));
        }
    }

    @Test
    void aDamagedSnapshotChunkIsReportedWhileReading() throws Exception {
        byte[] data = new byte[20_000];
        new java.util.Random(3).nextBytes(data);
        CRC32C crc = new CRC32C();
        crc.update(data);
        try (RocksDbStorage storage = open()) {
            var writer = storage.beginSnapshot(new io.synod.core.storage.SnapshotMetadata(GROUP, 10, data.length, (int) crc.getValue()));
            writer.write(data, 0, data.length);
            writer.commit();
        }
        long snapshotId;
        try (RawRocksDb raw = RawRocksDb.open(directory)) {
            snapshotId = StoredSnapshot.decode(raw.get(Keys.group(Keys.SNAPSHOT_META, GROUP))).snapshotId();
        }
        damage(Keys.chunk(GROUP, snapshotId, 2), 100);
        try (RocksDbStorage storage = open(); SnapshotReader reader = storage.openSnapshot(GROUP).orElseThrow()) {
            byte[] buffer = new byte[1024];
            StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class, () -> {
                while (reader.read(buffer, 0, buffer.length) >= 0) {
                    // read to the damaged chunk
                }
            });
            assertTrue(e.getMessage().contains("group 7") && e.getMessage().contains("chunk 2"), e.getMessage());
        }
    }

    @Test
    void aSnapshotWithAValidChunkButWrongTotalChecksumIsReportedAtTheEnd() throws Exception {
        byte[] data = new byte[10_000];
        new java.util.Random(4).nextBytes(data);
        CRC32C crc = new CRC32C();
        crc.update(data);
        try (RocksDbStorage storage = open()) {
            var writer = storage.beginSnapshot(new io.synod.core.storage.SnapshotMetadata(GROUP, 10, data.length, (int) crc.getValue()));
            writer.write(data, 0, data.length);
            writer.commit();
        }
        try (RawRocksDb raw = RawRocksDb.open(directory)) {
            StoredSnapshot stored = StoredSnapshot.decode(raw.get(Keys.group(Keys.SNAPSHOT_META, GROUP)));
            byte[] other = new byte[4096];
            ByteBuffer.wrap(data, 0, 4096).get(other);
            other[7] ^= 1;
            raw.putSynced(Keys.chunk(GROUP, stored.snapshotId(), 0), CheckedFrame.encode(other));
        }
        try (RocksDbStorage storage = open(); SnapshotReader reader = storage.openSnapshot(GROUP).orElseThrow()) {
            StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class, () -> readAll(reader));
            assertTrue(e.getMessage().contains("snapshot of group 7 at slot 10 is damaged"), e.getMessage());
        }
    }

    @Test
    void damageInTheMiddleOfTheLogIsRefusedRatherThanSkipped() throws Exception {
        try (RocksDbStorage storage = open()) {
            for (long slot = 1; slot <= 100; slot++) { // one log record each, kept in the log (no flush)
                storage.append(GROUP, List.of(Records.vote(GROUP, slot))).get(10, TimeUnit.SECONDS);
            }
        }
        Path log;
        try (var files = java.nio.file.Files.list(directory)) {
            log = files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(log);
        bytes[bytes.length / 2] ^= 0x10;
        java.nio.file.Files.write(log, bytes);
        StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class, this::open,
                "acknowledged records after the damage must not be dropped silently");
        assertTrue(e.getMessage().contains("must not act as an acceptor"), e.getMessage());
    }

    private static void readAll(SnapshotReader reader) {
        byte[] buffer = new byte[1000];
        while (reader.read(buffer, 0, buffer.length) >= 0) {
            // to the end, where the checksum is verified
        }
    }
}
