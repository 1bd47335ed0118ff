package io.synod.storage;

import io.synod.core.storage.StorageException;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: one thread takes everything queued (up to {@code maxBatchBytes}), writes it as one
 * RocksDB {@link WriteBatch} with one sync, and only then completes the callers' futures, in the
 * order they were submitted. While a sync runs, new ops queue up and form the next batch. A batch
 * whose ops all say they need no sync ({@link WriteOp#needsSync()}: chosen values only) is written
 * without one; RocksDB's write-ahead log is written in order, so the next synced batch makes it
 * durable too.
 *
 * <p><b>Failure.</b> If a batch fails, every op in it and in the queue fails with
 * {@link StorageException.WriteFailed} and the writer enters a failing state: new ops are refused
 * at once, and every {@code faultProbeInterval} the writer reopens the database (so that all it
 * can read again was replayed from disk and is synced, and new writes go to a fresh log) and
 * tries a synced probe write. When that succeeds it accepts ops again — no restart needed.
 *
 * <p>Thread-safe. Futures complete on the writer thread: dependent actions should be short or
 * run elsewhere. The queue is bounded by bytes: {@link #submit} blocks while it is full (except
 * on the writer thread itself, so a callback that appends cannot deadlock).
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final long IDLE_SPIN_NANOS = 50_000;
    /** After a spin that found no work, only every this many idle waits spin again (see {@link #spinWhileIdle}). */
    private static final int SPIN_RETRY_INTERVAL = 16;

    private final DbHandle handle;
    private final BatchWriter batchWriter;
    private final WriteOptions writeOptions;
    /** {@code writeOptions}' sync flag, kept here: reading it back is a JNI call per batch. */
    private final boolean syncWrites;
    /** For batches that need no sync (or all batches, when syncing is off). */
    private final WriteOptions unsyncedWriteOptions;
    private final long maxBatchBytes;
    private final long maxQueuedBytes;
    private final Duration probeInterval;
    private final WriterCaches caches = new WriterCaches();
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workOrClose = lock.newCondition();
    private final Condition spaceOrStateChange = lock.newCondition();
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    /** {@code queue.size()}, readable without the lock so the writer can spin on it. */
    private volatile int queuedOps;
    private long queuedBytes;
    private volatile boolean closing;
    private volatile WriteFailure failure;
    private volatile long batchesWritten;
    private volatile long batchesSynced;
    /** Idle waits to skip spinning in, after a spin that found nothing (writer thread only). */
    private int skipSpins;
    private volatile long opsWritten;

    GroupCommitWriter(DbHandle handle, RocksDbStorageOptions options) {
        this.handle = handle;
        this.batchWriter = options.batchWriter();
        this.syncWrites = options.syncWrites();
        this.writeOptions = new WriteOptions().setSync(syncWrites);
        this.unsyncedWriteOptions = new WriteOptions().setSync(false);
        this.maxBatchBytes = options.maxBatchBytes();
        this.maxQueuedBytes = options.maxQueuedBytes();
        this.probeInterval = options.faultProbeInterval();
        this.thread = new Thread(this::run, "synod-storage-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues {@code op}; the future completes once its batch is durable, or fails with WriteFailed. */
    <T> CompletableFuture<T> submit(WriteOp<T> op) {
        Pending<T> pending = new Pending<>(op);
        lock.lock();
        try {
            while (true) {
                checkNotClosing();
                WriteFailure current = failure;
                if (current != null) {
                    pending.future.completeExceptionally(current.refusal());
                    return pending.future;
                }
                if (queue.isEmpty() || queuedBytes + op.sizeBytes() <= maxQueuedBytes || Thread.currentThread() == thread) {
                    break;
                }
                spaceOrStateChange.awaitUninterruptibly();
            }
            queue.addLast(pending);
            queuedOps = queue.size();
            queuedBytes += op.sizeBytes();
            if (queue.size() == 1) {
                workOrClose.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return pending.future;
    }

    /** Throws the current refusal if the storage is failing. */
    void checkHealthy() {
        WriteFailure current = failure;
        if (current != null) {
            throw current.refusal();
        }
    }

    boolean isHealthy() {
        return failure == null;
    }

    /**
     * Reports a write that failed outside group commit (a snapshot chunk): the log may now hold a
     * damaged record, so the storage recovers exactly as after a failed batch.
     */
    StorageException.WriteFailed reportFailure(String what, Throwable cause) {
        enterFailing(cause);
        return new StorageException.WriteFailed(what + " failed in " + handle.directory() + ": " + cause.getMessage()
                + "; it is not durable", cause);
    }

    long batchesWritten() {
        return batchesWritten;
    }

    long batchesSynced() {
        return batchesSynced;
    }

    long opsWritten() {
        return opsWritten;
    }

    /** Writes what is queued, then stops the thread. Blocks until an in-progress sync returns. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            workOrClose.signalAll();
            spaceOrStateChange.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>();
        // writeOptions are closed here, by this thread, not by close(): close() may run on this
        // thread, inside a future's callback, before the loop has finished.
        try (writeOptions; unsyncedWriteOptions; WriteBatch writeBatch = new WriteBatch()) {
            while (true) {
                if (failure != null) {
                    if (!awaitProbeTime()) {
                        return;
                    }
                    probe();
                } else if (take(batch)) {
                    write(writeBatch, batch);
                    batch.clear();
                } else {
                    return;
                }
            }
        } catch (Throwable t) {
            LOG.error("the storage writer thread of {} stopped unexpectedly", handle.directory(), t);
            StorageException.WriteFailed failed = enterFailing(t);
            batch.forEach(p -> p.future.completeExceptionally(failed));
            throw t;
        }
    }

    /** Moves queued ops into {@code batch}; false once closing and nothing is left. */
    private boolean take(List<Pending<?>> batch) {
        spinWhileIdle();
        lock.lock();
        try {
            while (queue.isEmpty() && !closing && failure == null) {
                workOrClose.awaitUninterruptibly();
            }
            long bytes = 0;
            while (!queue.isEmpty() && (batch.isEmpty() || bytes + queue.peekFirst().op.sizeBytes() <= maxBatchBytes)) {
                Pending<?> next = queue.pollFirst();
                bytes += next.op.sizeBytes();
                batch.add(next);
            }
            queuedBytes -= bytes;
            queuedOps = queue.size();
            spaceOrStateChange.signalAll();
            return !(batch.isEmpty() && closing);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Spins up to {@link #IDLE_SPIN_NANOS} for the next op before the writer parks: a caller that
     * appends again right after its future completes then finds the writer awake, which saves a
     * thread wake-up (tens of microseconds) per sync under load. When a spin finds nothing (light
     * load: the next append comes a round trip later), the next {@link #SPIN_RETRY_INTERVAL} idle
     * waits park at once, so a lightly loaded node does not burn a core's slice on every batch
     * (on a small machine that slice is taken from the threads doing the work).
     */
    private void spinWhileIdle() {
        if (queuedOps != 0 || closing) {
            return;
        }
        if (skipSpins > 0) {
            skipSpins--;
            return;
        }
        long deadline = System.nanoTime() + IDLE_SPIN_NANOS;
        while (queuedOps == 0 && !closing && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        if (queuedOps == 0) {
            skipSpins = SPIN_RETRY_INTERVAL;
        }
    }

    private void write(WriteBatch writeBatch, List<Pending<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        writeBatch.clear();
        boolean sync = syncWrites && needsSync(batch);
        try {
            handle.call(db -> {
                WriteOp.Context context = new WriteOp.Context(writeBatch, db, caches);
                for (Pending<?> pending : batch) {
                    pending.addTo(context);
                }
                batchWriter.write(db, sync ? writeOptions : unsyncedWriteOptions, writeBatch);
                return null;
            });
        } catch (StorageException.Closed e) {
            batch.forEach(p -> p.future.completeExceptionally(e));
            return;
        } catch (RocksDBException | RuntimeException e) {
            StorageException.WriteFailed failed = enterFailing(e);
            batch.forEach(p -> p.future.completeExceptionally(failed));
            return;
        }
        batchesWritten++;
        if (sync) {
            batchesSynced++;
        }
        opsWritten += batch.size();
        for (Pending<?> pending : batch) {
            pending.complete();
        }
    }

    private static boolean needsSync(List<Pending<?>> batch) {
        for (Pending<?> pending : batch) {
            if (pending.op.needsSync()) {
                return true;
            }
        }
        return false;
    }

    /** Enters (or stays in) the failing state and fails everything queued; returns the error for the failed batch. */
    private StorageException.WriteFailed enterFailing(Throwable cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = new WriteFailure(handle.directory().toString(), cause, Instant.now(), probeInterval);
                LOG.error("a write to {} failed; refusing writes until a probe write succeeds (every {} ms)",
                        handle.directory(), probeInterval.toMillis(), cause);
            }
            StorageException.WriteFailed refusal = failure.refusal();
            queue.forEach(p -> p.future.completeExceptionally(refusal));
            queue.clear();
            queuedOps = 0;
            queuedBytes = 0;
            spaceOrStateChange.signalAll();
            workOrClose.signalAll();
        } finally {
            lock.unlock();
        }
        return new StorageException.WriteFailed("writing a batch to " + handle.directory() + " failed: " + cause
                + "; none of its records is durable (treat them as lost)", cause);
    }

    /** Waits one probe interval; false if the writer is closing. */
    private boolean awaitProbeTime() {
        lock.lock();
        try {
            long remaining = probeInterval.toNanos();
            while (!closing && remaining > 0) {
                remaining = workOrClose.awaitNanos(remaining);
            }
            return !closing;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Reopens the database and tries one synced write; on success the storage is healthy again. */
    private void probe() {
        caches.clear();
        try {
            handle.reopen();
            handle.call(db -> {
                try (WriteBatch probeBatch = new WriteBatch()) {
                    probeBatch.put(Keys.probe(), CheckedFrame.encode(ByteBuffer.allocate(8).putLong(System.currentTimeMillis()).array()));
                    batchWriter.write(db, writeOptions, probeBatch);
                }
                return null;
            });
        } catch (StorageException.Closed e) {
            return;
        } catch (RocksDBException | RuntimeException e) {
            LOG.warn("storage in {} is still failing: {}", handle.directory(), e.toString());
            failure = failure.withLatest(e);
            return;
        }
        lock.lock();
        try {
            LOG.info("storage in {} recovered from a write failure of {}; accepting writes again",
                    handle.directory(), failure.since());
            failure = null;
            spaceOrStateChange.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void checkNotClosing() {
        if (closing) {
            throw new StorageException.Closed("RocksDB storage in " + handle.directory() + " is closed");
        }
    }

    /** An op waiting for its batch, and what it will report. */
    private static final class Pending<T> {
        final WriteOp<T> op;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;

        Pending(WriteOp<T> op) {
            this.op = op;
        }

        void addTo(WriteOp.Context context) throws RocksDBException {
            result = op.addTo(context);
        }

        void complete() {
            future.complete(result);
        }
    }
}
