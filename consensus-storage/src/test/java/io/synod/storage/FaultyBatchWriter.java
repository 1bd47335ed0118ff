package io.synod.storage;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link BatchWriter} whose writes a test can make fail (like a full disk) or hold (like a slow
 * sync). When {@link #reachMemtable} is set, a failing write first writes the batch without sync,
 * like a log write that succeeded followed by a sync that failed.
 */
final class FaultyBatchWriter implements BatchWriter {
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicBoolean reachMemtable = new AtomicBoolean();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger failedWrites = new AtomicInteger();
    /** Per successful write, in order: whether it was synced. */
    final java.util.List<Boolean> synced = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile CountDownLatch hold;
    final CountDownLatch holding = new CountDownLatch(1);

    @Override
    public void write(RocksDB db, WriteOptions options, WriteBatch batch) throws RocksDBException {
        CountDownLatch gate = hold;
        if (gate != null) {
            holding.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failing.get()) {
            failedWrites.incrementAndGet();
            if (reachMemtable.get()) {
                try (WriteOptions noSync = new WriteOptions()) {
                    db.write(noSync, batch);
                }
            }
            throw new RocksDBException("injected: No space left on device",
                    new Status(Status.Code.IOError, Status.SubCode.NoSpace, "injected: No space left on device"));
        }
        writes.incrementAndGet();
        BatchWriter.ROCKSDB.write(db, options, batch);
        synced.add(options.sync());
    }
}
