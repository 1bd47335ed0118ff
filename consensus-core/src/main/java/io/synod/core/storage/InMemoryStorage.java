package io.synod.core.storage;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * {@link Storage} in memory, for tests and simulations. Records are "durable" as soon as
 * {@link #append} returns; durability across a restart is modelled by a {@link Disk} that
 * outlives the storage instance: open a new {@code InMemoryStorage} on the same disk to recover.
 *
 * <p>Thread-safe (every method synchronizes on the disk).
 */
public final class InMemoryStorage implements Storage {

    /** The surviving state; share it between an instance and its successor after a "restart". */
    public static final class Disk {
        private final Map<Long, List<JournalRecord>> journals = new HashMap<>();
        private final Map<Long, Long> truncatedBefore = new HashMap<>();
        private final Map<Long, StoredSnapshot> snapshots = new HashMap<>();
    }

    private record StoredSnapshot(SnapshotMetadata metadata, byte[] data) {
    }

    private final Disk disk;
    private boolean closed;

    public InMemoryStorage() {
        this(new Disk());
    }

    public InMemoryStorage(Disk disk) {
        this.disk = disk;
    }

    @Override
    public DurableState recover(long groupId) {
        synchronized (disk) {
            checkOpen();
            long before = disk.truncatedBefore.getOrDefault(groupId, 0L);
            List<JournalRecord> kept = new ArrayList<>();
            for (JournalRecord record : disk.journals.getOrDefault(groupId, List.of())) {
                if (slotOf(record) >= before) {
                    kept.add(record);
                }
            }
            StoredSnapshot snapshot = disk.snapshots.get(groupId);
            return DurableState.replay(groupId, kept).withSnapshotSlot(snapshot == null ? 0 : snapshot.metadata().lastIncludedSlot());
        }
    }

    @Override
    public CompletableFuture<Void> append(long groupId, List<JournalRecord> records) {
        synchronized (disk) {
            checkOpen();
            for (JournalRecord record : records) {
                if (record.groupId() != groupId) {
                    throw new IllegalArgumentException("record of group " + record.groupId() + " appended to group " + groupId);
                }
            }
            disk.journals.computeIfAbsent(groupId, g -> new ArrayList<>()).addAll(records);
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public List<ChosenEntry> readChosen(long groupId, long fromSlot, long toSlot, int maxEntries) {
        synchronized (disk) {
            checkOpen();
            long from = Math.max(fromSlot, disk.truncatedBefore.getOrDefault(groupId, 0L));
            TreeMap<Long, ChosenEntry> inRange = new TreeMap<>();
            for (JournalRecord record : disk.journals.getOrDefault(groupId, List.of())) {
                if (record instanceof JournalRecord.ChosenValue c && c.slot() >= from && c.slot() < toSlot) {
                    inRange.putIfAbsent(c.slot(), new ChosenEntry(c.slot(), c.value()));
                }
            }
            List<ChosenEntry> result = new ArrayList<>(Math.min(maxEntries, inRange.size()));
            for (ChosenEntry entry : inRange.values()) {
                if (result.size() == maxEntries) {
                    break;
                }
                result.add(entry);
            }
            return result;
        }
    }

    @Override
    public CompletableFuture<Void> truncatePrefix(long groupId, long beforeSlot) {
        synchronized (disk) {
            checkOpen();
            disk.truncatedBefore.merge(groupId, beforeSlot, Math::max);
            List<JournalRecord> journal = disk.journals.get(groupId);
            if (journal != null) {
                long cut = disk.truncatedBefore.get(groupId);
                // A vote also promised its ballot; keep that promise when the vote goes.
                Ballot promised = DurableState.replay(groupId, journal).promised();
                journal.removeIf(record -> slotOf(record) < cut);
                if (!promised.equals(Ballot.ZERO) && DurableState.replay(groupId, journal).promised().compareTo(promised) < 0) {
                    journal.add(new JournalRecord.PromisedBallot(groupId, promised));
                }
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public SnapshotWriter beginSnapshot(SnapshotMetadata expected) {
        synchronized (disk) {
            checkOpen();
        }
        return new Writer(expected.groupId(), expected.lastIncludedSlot(), expected);
    }

    @Override
    public SnapshotWriter beginSnapshot(long groupId, long lastIncludedSlot) {
        synchronized (disk) {
            checkOpen();
        }
        return new Writer(groupId, lastIncludedSlot, null);
    }

    @Override
    public Optional<SnapshotReader> openSnapshot(long groupId) {
        synchronized (disk) {
            checkOpen();
            StoredSnapshot snapshot = disk.snapshots.get(groupId);
            return snapshot == null ? Optional.empty() : Optional.of(new Reader(snapshot));
        }
    }

    @Override
    public Set<Long> groups() {
        synchronized (disk) {
            checkOpen();
            Set<Long> groups = new TreeSet<>(disk.journals.keySet());
            groups.addAll(disk.snapshots.keySet());
            return groups;
        }
    }

    @Override
    public void close() {
        synchronized (disk) {
            closed = true;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException.Closed("in-memory storage is closed");
        }
    }

    /** Promises have no slot and are never truncated. */
    private static long slotOf(JournalRecord record) {
        if (record instanceof JournalRecord.AcceptedValue a) {
            return a.slot();
        }
        if (record instanceof JournalRecord.ChosenValue c) {
            return c.slot();
        }
        return Long.MAX_VALUE;
    }

    private final class Writer implements SnapshotWriter {
        private final long groupId;
        private final long slot;
        private final SnapshotMetadata expected;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private final CRC32C crc = new CRC32C();
        private boolean done;

        Writer(long groupId, long slot, SnapshotMetadata expected) {
            this.groupId = groupId;
            this.slot = slot;
            this.expected = expected;
        }

        @Override
        public long bytesWritten() {
            return data.size();
        }

        @Override
        public int crc32c() {
            return (int) crc.getValue();
        }

        @Override
        public void write(byte[] chunk, int offset, int length) {
            if (done) {
                throw new IllegalStateException("snapshot of group " + groupId + " already committed or aborted");
            }
            data.write(chunk, offset, length);
            crc.update(chunk, offset, length);
        }

        @Override
        public SnapshotMetadata commit() {
            if (done) {
                throw new IllegalStateException("snapshot of group " + groupId + " already committed or aborted");
            }
            done = true;
            byte[] bytes = data.toByteArray();
            SnapshotMetadata actual = new SnapshotMetadata(groupId, slot, bytes.length, crc32c());
            if (expected != null && (expected.sizeBytes() != actual.sizeBytes() || expected.crc32c() != actual.crc32c())) {
                throw new StorageException.Corrupt("snapshot of group " + groupId + " at slot " + slot + ": wrote "
                        + bytes.length + " bytes with CRC32C " + Integer.toHexString(actual.crc32c()) + ", expected "
                        + expected.sizeBytes() + " bytes with " + Integer.toHexString(expected.crc32c()), null);
            }
            synchronized (disk) {
                checkOpen();
                disk.snapshots.put(groupId, new StoredSnapshot(actual, bytes));
            }
            return actual;
        }

        @Override
        public void abort() {
            done = true;
        }

        @Override
        public void close() {
            done = true;
        }
    }

    private static final class Reader implements SnapshotReader {
        private final StoredSnapshot snapshot;
        private int position;

        Reader(StoredSnapshot snapshot) {
            this.snapshot = snapshot;
        }

        @Override
        public SnapshotMetadata metadata() {
            return snapshot.metadata();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position >= snapshot.data().length) {
                return -1;
            }
            int n = Math.min(length, snapshot.data().length - position);
            System.arraycopy(snapshot.data(), position, buffer, offset, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
