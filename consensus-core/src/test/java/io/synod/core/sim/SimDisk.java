package io.synod.core.sim;

import io.synod.core.protocol.JournalRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One replica's disk. Writes queue up while a sync is in progress and are synced together (group
 * commit); a crash loses every write whose sync had not completed. Slow-disk faults stretch the
 * sync latency.
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
    private long pendingMaxSeq;
    private boolean syncing;
    private boolean slow;
    private int generation;
    private LongConsumer onPersisted = seq -> { };
    private long syncs;

    SimDisk(int node, EventLoop loop, SimRandom random, DurabilityObserver observer) {
        this.node = node;
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

    /** Everything not yet synced is lost; a sync in progress never completes. */
    void crash() {
        pending.clear();
        pendingMaxSeq = 0;
        syncing = false;
        generation++;
    }

    void setSlow(boolean slow) {
        this.slow = slow;
    }

    List<JournalRecord> durableRecords() {
        return durable;
    }

    long syncs() {
        return syncs;
    }

    private void startSyncIfIdle() {
        if (syncing || pending.isEmpty()) {
            return;
        }
        syncing = true;
        List<JournalRecord> batch = new ArrayList<>(pending);
        long batchSeq = pendingMaxSeq;
        pending.clear();
        int syncGeneration = generation;
        long latency = slow
                ? random.between(50 * SimScenario.MILLI, 400 * SimScenario.MILLI)
                : random.between(200, 4 * SimScenario.MILLI);
        loop.after(latency, () -> {
            if (syncGeneration != generation) {
                return; // crashed while syncing: the batch never reached the platter
            }
            syncs++;
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
