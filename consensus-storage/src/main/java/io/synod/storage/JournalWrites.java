package io.synod.storage;

import io.synod.core.codec.JournalCodec;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.JournalRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * The writes of the journal: appending records and truncating a prefix. Records are encoded on
 * the caller's thread (with core's {@link JournalCodec}: format version + CRC32C), so the writer
 * thread only copies bytes into its batch.
 */
final class JournalWrites {
    /** Per-record bookkeeping counted against the batch and queue bounds besides key and value. */
    static final int RECORD_OVERHEAD_BYTES = 32;

    private JournalWrites() {
    }

    /**
     * Appends already-encoded records, in order, and keeps the group's stored promise at the
     * highest ballot ever promised or voted at. A vote implies a promise of its ballot, but votes
     * are overwritten per slot and deleted by truncation; if the implied promise lived only in the
     * vote, either could lower the durable promise, and an acceptor that restarts with a lower
     * promise can accept what it promised to refuse. So a vote above the stored promise also
     * writes it as the promise, and a promise record is written only if it is higher.
     */
    static final class Append implements WriteOp<Void> {
        private final long groupId;
        private final List<byte[]> keys;
        private final List<byte[]> values;
        /** Per record: the ballot it promises (a promise's, or a vote's implied one), or null. */
        private final List<Ballot> ballots;
        private final long sizeBytes;
        private final boolean needsSync;

        private Append(long groupId, List<byte[]> keys, List<byte[]> values, List<Ballot> ballots, long sizeBytes,
                       boolean needsSync) {
            this.groupId = groupId;
            this.keys = keys;
            this.values = values;
            this.ballots = ballots;
            this.sizeBytes = sizeBytes;
            this.needsSync = needsSync;
        }

        @Override
        public long sizeBytes() {
            return sizeBytes;
        }

        /** Only chosen values: written without a sync of their own (they are relearnable from peers). */
        @Override
        public boolean needsSync() {
            return needsSync;
        }

        @Override
        public Void addTo(Context context) throws org.rocksdb.RocksDBException {
            for (int i = 0; i < keys.size(); i++) {
                Ballot ballot = ballots.get(i);
                boolean raisesPromise = ballot != null && ballot.isAbove(context.caches().promise(context.db(), groupId));
                boolean isPromise = keys.get(i)[0] == Keys.PROMISE;
                if (!isPromise) {
                    context.batch().put(keys.get(i), values.get(i));
                }
                if (raisesPromise) {
                    byte[] promise = isPromise ? values.get(i)
                            : JournalCodec.encode(new JournalRecord.PromisedBallot(groupId, ballot));
                    context.batch().put(Keys.group(Keys.PROMISE, groupId), promise);
                    context.caches().promise(groupId, ballot);
                }
            }
            return null;
        }
    }

    /** Validates and encodes {@code records} of {@code groupId}. */
    static Append append(long groupId, List<JournalRecord> records) {
        List<byte[]> keys = new ArrayList<>(records.size());
        List<byte[]> values = new ArrayList<>(records.size());
        List<Ballot> ballots = new ArrayList<>(records.size());
        long size = 0;
        boolean needsSync = false;
        for (JournalRecord record : records) {
            if (record.groupId() != groupId) {
                throw new IllegalArgumentException("record of group " + record.groupId() + " appended to group " + groupId);
            }
            byte[] key = keyOf(record);
            byte[] value = JournalCodec.encode(record);
            keys.add(key);
            values.add(value);
            ballots.add(promisedBy(record));
            size += key.length + value.length + RECORD_OVERHEAD_BYTES;
            needsSync |= record.needsSync();
        }
        return new Append(groupId, keys, values, ballots, size, needsSync);
    }

    private static Ballot promisedBy(JournalRecord record) {
        if (record instanceof JournalRecord.PromisedBallot p) {
            return p.ballot();
        }
        if (record instanceof JournalRecord.AcceptedValue a) {
            return a.ballot();
        }
        return null;
    }

    /** The promise has one key per group; votes and chosen values one per slot (a later one overwrites). */
    static byte[] keyOf(JournalRecord record) {
        if (record instanceof JournalRecord.PromisedBallot p) {
            return Keys.group(Keys.PROMISE, p.groupId());
        }
        if (record instanceof JournalRecord.AcceptedValue a) {
            return Keys.slot(Keys.VOTE, a.groupId(), checkSlot(a.groupId(), a.slot()));
        }
        if (record instanceof JournalRecord.ChosenValue c) {
            return Keys.slot(Keys.CHOSEN, c.groupId(), checkSlot(c.groupId(), c.slot()));
        }
        throw new IllegalArgumentException("no storage key for " + record.getClass().getName());
    }

    private static long checkSlot(long groupId, long slot) {
        if (slot < 1) {
            throw new IllegalArgumentException("group " + groupId + ": slot " + slot + " is out of range (slots start at 1)");
        }
        return slot;
    }

    /**
     * Deletes the group's votes and chosen values below the floor with two range deletions, and
     * records the floor so that recovery also ignores records appended below it later. The floor
     * only rises, as in the in-memory storage.
     */
    static final class Truncate implements WriteOp<Void> {
        private final long groupId;
        private final long beforeSlot;

        Truncate(long groupId, long beforeSlot) {
            if (beforeSlot < 0) {
                throw new IllegalArgumentException("group " + groupId + ": cannot truncate before slot " + beforeSlot);
            }
            this.groupId = groupId;
            this.beforeSlot = beforeSlot;
        }

        @Override
        public long sizeBytes() {
            return 3L * (17 + 17) + RECORD_OVERHEAD_BYTES;
        }

        @Override
        public Void addTo(Context context) throws org.rocksdb.RocksDBException {
            long floor = Math.max(beforeSlot, context.caches().floor(context.db(), groupId));
            context.batch().deleteRange(Keys.slot(Keys.VOTE, groupId, 0), Keys.slot(Keys.VOTE, groupId, floor));
            context.batch().deleteRange(Keys.slot(Keys.CHOSEN, groupId, 0), Keys.slot(Keys.CHOSEN, groupId, floor));
            context.batch().put(Keys.group(Keys.FLOOR, groupId), SlotFloor.encode(floor));
            context.caches().floor(groupId, floor);
            return null;
        }
    }
}
