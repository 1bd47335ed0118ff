package io.synod.storage;

import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotWriter;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * Child process of {@link KillNineTest}: appends votes and chosen values from several threads
 * (many in flight, so group commit forms real batches), commits snapshots, and keeps truncating a
 * prefix of {@link #TRUNCATED_GROUP}. It prints {@code ACK group slot}, {@code SNAP slot} and
 * {@code TRUNC group slot} only after storage reported them durable, and {@code TRUNC-START group
 * slot} before it asks for a truncation (which may then be durable without having been reported). It runs
 * until killed, or stops by itself after {@link #MAX_RUN_MILLIS} or {@link #MAX_APPENDS_PER_THREAD}.
 *
 * <p>Args: data directory, cluster id, run number.
 */
public final class CrashWriter {
    static final int THREADS = 4;
    static final int GROUPS = 3;
    static final long SNAPSHOT_GROUP = 99;
    /** Truncated continuously, {@link #TRUNCATION_LAG} slots behind what thread 0 (of this group) has acknowledged. */
    static final long TRUNCATED_GROUP = 1;
    static final long TRUNCATION_LAG = 1000;
    static final long SLOTS_PER_RUN = 10_000_000;
    static final long SLOTS_PER_THREAD = 1_000_000;
    static final int SNAPSHOT_CHUNK_BYTES = 16 * 1024;
    private static final long MAX_RUN_MILLIS = 20_000;
    private static final int MAX_APPENDS_PER_THREAD = 200_000;
    private static final int IN_FLIGHT_PER_THREAD = 16;

    private CrashWriter() {
    }

    /** The first slot of thread {@code thread} in run {@code run}. */
    static long firstSlot(int run, int thread) {
        return (run + 1) * SLOTS_PER_RUN + thread * SLOTS_PER_THREAD;
    }

    static long groupOf(int thread) {
        return 1 + thread % GROUPS;
    }

    static byte[] snapshotData(long slot) {
        byte[] data = new byte[20_000 + (int) (slot % 7) * 9_000];
        new Random(slot).nextBytes(data);
        return data;
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int run = Integer.parseInt(args[2]);
        RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(directory, args[1])
                .snapshotChunkBytes(SNAPSHOT_CHUNK_BYTES).build());
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        out.println("READY");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_RUN_MILLIS);
        AtomicLong ackedByThread0 = new AtomicLong(firstSlot(run, 0));
        Thread[] threads = new Thread[THREADS + 2];
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> appendLoop(storage, out, run, thread, deadline,
                    thread == 0 ? ackedByThread0 : new AtomicLong()));
        }
        threads[THREADS] = new Thread(() -> snapshotLoop(storage, out, run, deadline));
        threads[THREADS + 1] = new Thread(() -> truncationLoop(storage, out, run, deadline, ackedByThread0));
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        storage.close();
        out.println("DONE");
    }

    private static void appendLoop(RocksDbStorage storage, PrintStream out, int run, int thread, long deadline,
                                   AtomicLong highestAcked) {
        long group = groupOf(thread);
        long first = firstSlot(run, thread);
        Semaphore inFlight = new Semaphore(IN_FLIGHT_PER_THREAD);
        for (long slot = first; slot < first + MAX_APPENDS_PER_THREAD && System.nanoTime() < deadline; slot++) {
            inFlight.acquireUninterruptibly();
            long acked = slot;
            storage.append(group, List.of(Records.vote(group, slot), Records.chosen(group, slot)))
                    .whenComplete((ok, error) -> {
                        if (error == null) {
                            out.println("ACK " + group + " " + acked);
                            highestAcked.accumulateAndGet(acked, Math::max);
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquireUninterruptibly(IN_FLIGHT_PER_THREAD);
    }

    /** Keeps one truncation of {@link #TRUNCATED_GROUP} in flight most of the time, trailing thread 0's appends. */
    private static void truncationLoop(RocksDbStorage storage, PrintStream out, int run, long deadline, AtomicLong acked) {
        long floor = firstSlot(run, 0);
        while (System.nanoTime() < deadline) {
            long target = acked.get() - TRUNCATION_LAG;
            if (target <= floor) {
                LockSupport.parkNanos(200_000); // a load generator pacing itself, not waiting for a condition
                continue;
            }
            floor = target;
            out.println("TRUNC-START " + TRUNCATED_GROUP + " " + floor);
            storage.truncatePrefix(TRUNCATED_GROUP, floor).join();
            out.println("TRUNC " + TRUNCATED_GROUP + " " + floor);
        }
    }

    private static void snapshotLoop(RocksDbStorage storage, PrintStream out, int run, long deadline) {
        for (long k = 1; k < 10_000 && System.nanoTime() < deadline; k++) {
            long slot = (run + 1) * 100_000L + k;
            byte[] data = snapshotData(slot);
            CRC32C crc = new CRC32C();
            crc.update(data);
            try (SnapshotWriter writer = storage.beginSnapshot(new SnapshotMetadata(SNAPSHOT_GROUP, slot, data.length,
                    (int) crc.getValue()))) {
                for (int offset = 0; offset < data.length; offset += 5000) {
                    writer.write(data, offset, Math.min(5000, data.length - offset));
                }
                writer.commit();
            }
            out.println("SNAP " + slot);
        }
    }
}
