package io.synod.testkit.sim;

import io.synod.core.codec.CodecException;
import io.synod.core.codec.JournalCodec;
import io.synod.core.protocol.JournalRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One replica's disk. Writes queue up while a sync is in progress and are synced together (group
 * commit). A crash loses every write whose sync had not completed — or, in torn-write mode, keeps
 * an arbitrary prefix of them (the OS may have flushed some pages; those records are durable though
 * the replica was never told) and leaves the next one torn: a journal frame cut short, which
 * recovery must detect by its checksum and drop. Slow-disk faults stretch the sync latency.
 *
 * <p>A batch of chosen values only is acknowledged after a short write, without a sync, as the
 * RocksDB storage does (see {@code Storage}): those records are readable at once but become
 * durable only with the next synced batch, and a crash before it loses them (in torn-write mode, an
 * in-order prefix of everything unsynced survives).
 */
final class SimDisk {
    interface DurabilityObserver {
        void onDurable(int node, JournalRecord record);
    }

    private final int node;
    private final EventLoop loop;
    private final SimRandom random;
    private final DurabilityObserver observer;
    private final List<JournalRecord> durable = new ArrayList<>();
    private final List<JournalRecord> pending = new ArrayList<>();
    private final List<JournalRecord> syncingBatch = new ArrayList<>();
    /** Chosen values acknowledged without a sync: readable, lost by a crash until the next sync. */
    private final List<JournalRecord> writtenUnsynced = new ArrayList<>();
    private long acknowledgedChosenLost;
    private final boolean tornWrites;
    /** The bytes of a record torn by a crash, at the end of the log until recovery drops it. */
    private byte[] tornTail;
    private long tornTailsDropped;
    private long unacknowledgedButDurable;
    private Snapshot snapshot;

    /** A snapshot of the state machine covering every slot up to {@code slot}, with the memberships folded through it. */
    record Snapshot(long slot, SimMachine state, io.synod.core.protocol.MembershipHistory memberships) {
    }
    private long pendingMaxSeq;
    private boolean syncing;
    private boolean slow;
    private int generation;
    private LongConsumer onPersisted = seq -> { };
    private long syncs;

    SimDisk(int node, EventLoop loop, SimRandom random, DurabilityObserver observer, boolean tornWrites) {
        this.node = node;
        this.tornWrites = tornWrites;
        this.loop = loop;
        this.random = random;
        this.observer = observer;
    }

    /** Who to tell, after each sync, up to which sequence number writes are durable. */
    void onPersisted(LongConsumer onPersisted) {
        this.onPersisted = onPersisted;
    }

    void write(long seq, List<JournalRecord> records) {
        pending.addAll(records);
        pendingMaxSeq = Math.max(pendingMaxSeq, seq);
        startSyncIfIdle();
    }

    /** Unsynced writes are lost (or, in torn-write mode, a prefix survives); a sync in progress never completes. */
    void crash() {
        if (tornWrites) {
            List<JournalRecord> unsynced = new ArrayList<>(writtenUnsynced);
            unsynced.addAll(syncingBatch);
            unsynced.addAll(pending);
            int survivors = random.nextInt(unsynced.size() + 1);
            for (JournalRecord record : unsynced.subList(0, survivors)) {
                durable.add(record);
                observer.onDurable(node, record);
            }
            unacknowledgedButDurable += Math.max(0, survivors - writtenUnsynced.size());
            acknowledgedChosenLost += Math.max(0, writtenUnsynced.size() - survivors);
            if (survivors < unsynced.size() && random.chance(0.5)) {
                byte[] frame = JournalCodec.encode(unsynced.get(survivors));
                tornTail = java.util.Arrays.copyOf(frame, 1 + random.nextInt(frame.length - 1));
            }
        } else {
            acknowledgedChosenLost += writtenUnsynced.size();
        }
        writtenUnsynced.clear();
        syncingBatch.clear();
        pending.clear();
        pendingMaxSeq = 0;
        syncing = false;
        generation++;
    }

    void setSlow(boolean slow) {
        this.slow = slow;
    }

    /**
     * What a restarting replica reads back. A torn last frame must fail its checksum (it is then
     * dropped, as a write-ahead log truncates a torn tail); one that decoded would be a codec bug.
     */
    List<JournalRecord> recover() {
        if (tornTail != null) {
            try {
                JournalRecord misread = JournalCodec.decode(tornTail);
                throw new IllegalStateException("node " + node + ": a torn journal frame of " + tornTail.length
                        + " bytes decoded as " + misread);
            } catch (CodecException expected) {
                tornTail = null;
                tornTailsDropped++;
            }
        }
        return durable;
    }

    /**
     * Stores a snapshot (synced at once) and truncates the journal below it: votes and chosen values
     * up to {@code slot} go, but the promise any of them implied is kept.
     */
    void saveSnapshot(long slot, SimMachine state, io.synod.core.protocol.MembershipHistory memberships) {
        makeWrittenDurable(); // the snapshot's synced write syncs what was written before it
        snapshot = new Snapshot(slot, state.copy(), memberships.copy());
        JournalRecord.PromisedBallot highest = null;
        for (JournalRecord record : durable) {
            io.synod.core.protocol.Ballot ballot = record instanceof JournalRecord.PromisedBallot p ? p.ballot()
                    : record instanceof JournalRecord.AcceptedValue a ? a.ballot() : null;
            if (ballot != null && (highest == null || ballot.isAbove(highest.ballot()))) {
                highest = new JournalRecord.PromisedBallot(record.groupId(), ballot);
            }
        }
        durable.removeIf(record -> slotOf(record) <= slot);
        if (highest != null) {
            durable.add(0, highest);
        }
    }

    /**
     * The acknowledged chosen values of slots in {@code [fromSlot, toSlot)}, at most {@code max}, in slot
     * order (what {@code Storage.readChosen} returns): durable ones and those written without a sync;
     * writes not acknowledged yet are not there, truncated ones are gone.
     */
    List<io.synod.core.protocol.ChosenEntry> readChosen(long fromSlot, long toSlot, int max) {
        java.util.TreeMap<Long, io.synod.core.protocol.ChosenEntry> inRange = new java.util.TreeMap<>();
        for (List<JournalRecord> records : List.of(durable, writtenUnsynced)) {
            for (JournalRecord record : records) {
                if (record instanceof JournalRecord.ChosenValue c && c.slot() >= fromSlot && c.slot() < toSlot) {
                    inRange.putIfAbsent(c.slot(), new io.synod.core.protocol.ChosenEntry(c.slot(), c.value()));
                }
            }
        }
        return new ArrayList<>(inRange.values()).subList(0, Math.min(max, inRange.size()));
    }

    Snapshot snapshot() {
        return snapshot;
    }

    private static long slotOf(JournalRecord record) {
        if (record instanceof JournalRecord.AcceptedValue a) {
            return a.slot();
        }
        if (record instanceof JournalRecord.ChosenValue c) {
            return c.slot();
        }
        return Long.MAX_VALUE;
    }

    long tornTailsDropped() {
        return tornTailsDropped;
    }

    long unacknowledgedButDurable() {
        return unacknowledgedButDurable;
    }

    long syncs() {
        return syncs;
    }

    /** Chosen values that were acknowledged without a sync and then lost in a crash. */
    long acknowledgedChosenLost() {
        return acknowledgedChosenLost;
    }

    private void makeWrittenDurable() {
        for (JournalRecord record : writtenUnsynced) {
            durable.add(record);
            observer.onDurable(node, record);
        }
        writtenUnsynced.clear();
    }

    private void startSyncIfIdle() {
        if (syncing || pending.isEmpty()) {
            return;
        }
        syncing = true;
        syncingBatch.addAll(pending);
        List<JournalRecord> batch = new ArrayList<>(pending);
        long batchSeq = pendingMaxSeq;
        pending.clear();
        int syncGeneration = generation;
        if (batch.stream().noneMatch(JournalRecord::needsSync)) {
            loop.after(random.between(5, 50), () -> { // a write to the OS, no sync
                if (syncGeneration != generation) {
                    return;
                }
                syncingBatch.clear();
                writtenUnsynced.addAll(batch);
                syncing = false;
                onPersisted.accept(batchSeq);
                startSyncIfIdle();
            });
            return;
        }
        long latency = slow
                ? random.between(50 * SimScenario.MILLI, 400 * SimScenario.MILLI)
                : random.between(200, 4 * SimScenario.MILLI);
        loop.after(latency, () -> {
            if (syncGeneration != generation) {
                return; // crashed while syncing: the batch never reached the platter
            }
            syncs++;
            syncingBatch.clear();
            makeWrittenDurable();
            for (JournalRecord record : batch) {
                durable.add(record);
                observer.onDurable(node, record);
            }
            syncing = false;
            onPersisted.accept(batchSeq);
            startSyncIfIdle();
        });
    }
}
