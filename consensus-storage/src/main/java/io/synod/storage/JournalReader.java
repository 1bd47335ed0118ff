package io.synod.storage;

import io.synod.core.codec.CodecException;
import io.synod.core.codec.JournalCodec;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.storage.StorageException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds a group's {@link DurableState} from the database: every stored record is decoded and
 * checked (format version, CRC32C, and that it belongs under the key it is stored at); the first
 * one that fails stops recovery with an error naming the group and slot. Reads from one RocksDB
 * snapshot, so concurrent writes never give a mixed view. Stateless.
 */
final class JournalReader {
    private static final String WHAT_TO_DO = ". This replica must not act as an acceptor on state it cannot trust:"
            + " stop the node, then restore its data directory from a backup, or move the directory aside and re-add"
            + " the node as a new replica so that it catches up from its peers";

    private JournalReader() {
    }

    static DurableState recover(RocksDB db, long groupId) throws RocksDBException {
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot).setFillCache(false)
                .setReadaheadSize(2 * 1024 * 1024)) {
            DurableState state = new DurableState(groupId);
            long floor = readFloor(db, read, groupId);
            byte[] promise = db.get(read, Keys.group(Keys.PROMISE, groupId));
            if (promise != null) {
                state.apply(decode(promise, groupId, -1, "promise", JournalRecord.PromisedBallot.class));
            }
            replaySlots(db, read, Keys.VOTE, groupId, floor, state);
            replaySlots(db, read, Keys.CHOSEN, groupId, floor, state);
            return state;
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    /**
     * The group's chosen values in {@code [fromSlot, toSlot)} at or above the truncation floor, at most
     * {@code maxEntries}, in slot order; each is checked as in recovery. One RocksDB snapshot, so a
     * concurrent truncation never yields a record below the floor it read.
     */
    static List<ChosenEntry> readChosen(RocksDB db, long groupId, long fromSlot, long toSlot, int maxEntries)
            throws RocksDBException {
        List<ChosenEntry> result = new ArrayList<>();
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot);
             Slice upper = new Slice(Keys.slot(Keys.CHOSEN, groupId, toSlot));
             ReadOptions bounded = new ReadOptions(read).setIterateUpperBound(upper)) {
            long from = Math.max(fromSlot, readFloor(db, read, groupId));
            if (from >= toSlot) {
                return result;
            }
            try (RocksIterator it = db.newIterator(bounded)) {
                long lastSlot = from;
                for (it.seek(Keys.slot(Keys.CHOSEN, groupId, from)); it.isValid() && result.size() < maxEntries; it.next()) {
                    byte[] key = it.key();
                    if (!Keys.isSlotKey(key)) {
                        throw new StorageException.Corrupt("group " + groupId + ": a chosen value key of " + key.length
                                + " bytes after slot " + lastSlot + " is malformed" + WHAT_TO_DO, null);
                    }
                    lastSlot = Keys.slotOf(key);
                    JournalRecord.ChosenValue chosen = (JournalRecord.ChosenValue) decode(it.value(), groupId, lastSlot,
                            "chosen value", JournalRecord.ChosenValue.class);
                    result.add(new ChosenEntry(chosen.slot(), chosen.value()));
                }
                checkIterator(it, groupId, "chosen value", lastSlot);
            }
            return result;
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    /** Every group with a key of any kind; found by jumping from one group's range to the next. */
    static Set<Long> groups(RocksDB db) throws RocksDBException {
        Set<Long> groups = new TreeSet<>();
        byte[] kinds = {Keys.PROMISE, Keys.VOTE, Keys.CHOSEN, Keys.FLOOR, Keys.SNAPSHOT_META};
        try (RocksIterator it = db.newIterator()) {
            for (byte kind : kinds) {
                it.seek(Keys.kindStart(kind));
                while (it.isValid() && it.key()[0] == kind) {
                    long group = Keys.groupOf(it.key());
                    groups.add(group);
                    if (group == Long.MAX_VALUE) {
                        break;
                    }
                    it.seek(Keys.group(kind, group + 1));
                }
                it.status();
            }
        }
        return groups;
    }

    private static long readFloor(RocksDB db, ReadOptions read, long groupId) throws RocksDBException {
        byte[] stored = db.get(read, Keys.group(Keys.FLOOR, groupId));
        if (stored == null) {
            return 0;
        }
        try {
            return SlotFloor.decode(stored);
        } catch (CheckedFrame.FrameException e) {
            throw frameError(e, "group " + groupId + ": the truncation floor");
        }
    }

    private static void replaySlots(RocksDB db, ReadOptions read, byte kind, long groupId, long floor, DurableState state)
            throws RocksDBException {
        String what = kind == Keys.VOTE ? "vote" : "chosen value";
        Class<? extends JournalRecord> expected = kind == Keys.VOTE ? JournalRecord.AcceptedValue.class
                : JournalRecord.ChosenValue.class;
        try (Slice upper = new Slice(Keys.afterGroup(kind, groupId));
             ReadOptions bounded = new ReadOptions(read).setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(bounded)) {
            long lastSlot = floor;
            it.seek(Keys.slot(kind, groupId, floor));
            for (; it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!Keys.isSlotKey(key)) {
                    throw new StorageException.Corrupt("group " + groupId + ": a " + what + " key of " + key.length
                            + " bytes after slot " + lastSlot + " is malformed" + WHAT_TO_DO, null);
                }
                lastSlot = Keys.slotOf(key);
                state.apply(decode(it.value(), groupId, lastSlot, what, expected));
            }
            checkIterator(it, groupId, what, lastSlot);
        }
    }

    private static void checkIterator(RocksIterator it, long groupId, String what, long lastSlot) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StorageException.Corrupt("group " + groupId + ": RocksDB could not read the " + what
                    + "s after slot " + lastSlot + " (" + e.getMessage() + ")" + WHAT_TO_DO, e);
        }
    }

    /** Decodes one stored record and checks it belongs under its key ({@code slot} -1 for the promise). */
    private static JournalRecord decode(byte[] frame, long groupId, long slot, String what,
                                        Class<? extends JournalRecord> expected) {
        String where = "group " + groupId + (slot >= 0 ? ", slot " + slot : "") + ": the stored " + what;
        JournalRecord record;
        try {
            record = JournalCodec.decode(frame);
        } catch (JournalCodec.UnsupportedFormatException e) {
            throw new StorageException.Incompatible(where + " was written by a newer Synod (" + e.getMessage()
                    + "); nothing was modified. Run a Synod release that reads it");
        } catch (CodecException e) {
            throw new StorageException.Corrupt(where + " is damaged: " + e.getMessage() + WHAT_TO_DO, e);
        }
        if (record.groupId() != groupId || slot != slotOf(record) || !expected.isInstance(record)) {
            throw new StorageException.Corrupt(where + " holds a record of another place (" + record.getClass().getSimpleName()
                    + " of group " + record.groupId() + ", slot " + slotOf(record) + ")" + WHAT_TO_DO, null);
        }
        return record;
    }

    private static long slotOf(JournalRecord record) {
        if (record instanceof JournalRecord.AcceptedValue a) {
            return a.slot();
        }
        if (record instanceof JournalRecord.ChosenValue c) {
            return c.slot();
        }
        return -1;
    }

    /** A read that RocksDB could not do: damage it detected (block checksums) is Corrupt, anything else an I/O error. */
    static StorageException readError(RocksDBException e, String what) {
        if (e.getStatus() != null && e.getStatus().getCode() == org.rocksdb.Status.Code.Corruption) {
            return new StorageException.Corrupt(what + ": RocksDB detected damage (" + e.getMessage() + ")" + WHAT_TO_DO, e);
        }
        return new StorageException(what + " failed: " + e.getMessage(), e);
    }

    static StorageException frameError(CheckedFrame.FrameException e, String where) {
        if (e.problem() == CheckedFrame.Problem.NEWER_FORMAT) {
            return new StorageException.Incompatible(where + " was written by a newer Synod (" + e.getMessage()
                    + "); nothing was modified. Run a Synod release that reads it");
        }
        return new StorageException.Corrupt(where + " is damaged: " + e.getMessage() + WHAT_TO_DO, null);
    }
}
