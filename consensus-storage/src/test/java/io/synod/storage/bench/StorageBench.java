package io.synod.storage.bench;

import io.synod.core.codec.JournalCodec;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.Value;
import io.synod.storage.BenchSupport;
import io.synod.storage.RocksDbStorage;
import io.synod.storage.RocksDbStorageOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Synced appends per second through group commit, next to raw RocksDB in the same run.
 *
 * <ul>
 *   <li><b>raw</b>: N threads, each calling {@code db.write(sync=true, batch of one put)} directly;
 *       RocksDB groups concurrent writers into one WAL write and one sync by itself.</li>
 *   <li><b>ours</b>: N threads, each appending one vote with a 128-byte payload through
 *       {@link RocksDbStorage#append} and waiting for its future.</li>
 *   <li><b>ideal</b>: one thread writing synced batches of N puts back to back — what the disk
 *       allows when batches of N are free: no caller waits, no thread hand-offs. A ceiling no group
 *       commit whose callers each wait for their own record can reach; reported for scale.</li>
 * </ul>
 * Both use the storage's RocksDB options, write the same key and value sizes (raw values are as
 * long as our encoded records), and each run starts on a fresh directory. Runs alternate raw and
 * ours; the median of the runs is reported.
 *
 * <p>Args: {@code [appenders,...] [runs] [warmupSeconds] [measureSeconds]}, default {@code 1,8,64 3 2 5}.
 * Not a unit test; run it under {@code flock /tmp/synod-bench.lock} (see docs/benchmarks.md).
 */
public final class StorageBench {
    static final int PAYLOAD_BYTES = 128;

    private StorageBench() {
    }

    public static void main(String[] args) throws Exception {
        String[] counts = (args.length > 0 ? args[0] : "1,8,64").split(",");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        double warmupSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 2;
        double measureSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 5;
        RocksDB.loadLibrary();
        System.out.printf("rocksdb %s, %d cores, record payload %d bytes (stored value %d bytes), %d runs of %.0f+%.0f s%n",
                RocksDB.rocksdbVersion(), Runtime.getRuntime().availableProcessors(), PAYLOAD_BYTES,
                encodedRecordBytes(), runs, warmupSeconds, measureSeconds);
        Path root = Files.createTempDirectory("synod-storage-bench");
        try {
            for (String count : counts) {
                int appenders = Integer.parseInt(count.trim());
                List<Double> raw = new ArrayList<>();
                List<Double> ours = new ArrayList<>();
                List<Double> ideal = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    raw.add(rawRun(root.resolve("raw-" + appenders + "-" + run), appenders, warmupSeconds, measureSeconds));
                    ours.add(oursRun(root.resolve("ours-" + appenders + "-" + run), appenders, warmupSeconds, measureSeconds));
                    ideal.add(idealRun(root.resolve("ideal-" + appenders + "-" + run), appenders, warmupSeconds, measureSeconds));
                }
                double rawMedian = median(raw);
                double oursMedian = median(ours);
                System.out.printf("RESULT appenders=%d raw=%.0f/s ours=%.0f/s ratio=%.2f ideal=%.0f/s (raw runs %s, ours runs %s,"
                        + " ideal runs %s)%n", appenders, rawMedian, oursMedian, oursMedian / rawMedian, median(ideal),
                        format(raw), format(ours), format(ideal));
            }
        } finally {
            deleteTree(root);
        }
    }

    static int encodedRecordBytes() {
        return JournalCodec.encode(vote(1, 1, payload())).length;
    }

    private static double rawRun(Path dir, int appenders, double warmupSeconds, double measureSeconds) throws Exception {
        byte[] value = new byte[encodedRecordBytes()];
        new Random(1).nextBytes(value);
        try (Options options = BenchSupport.rocksDbOptions();
             RocksDB db = RocksDB.open(options, dir.toString());
             WriteOptions sync = new WriteOptions().setSync(true)) {
            double rate = measure(appenders, warmupSeconds, measureSeconds, (thread, i) -> {
                try (WriteBatch batch = new WriteBatch()) {
                    batch.put(ByteBuffer.allocate(17).put((byte) 2).putLong(thread % 4).putLong(i).array(), value);
                    db.write(sync, batch);
                }
            });
            System.out.printf("  raw  appenders=%d %.0f/s%n", appenders, rate);
            return rate;
        } finally {
            deleteTree(dir);
        }
    }

    private static double idealRun(Path dir, int batchSize, double warmupSeconds, double measureSeconds) throws Exception {
        byte[] value = new byte[encodedRecordBytes()];
        new Random(1).nextBytes(value);
        try (Options options = BenchSupport.rocksDbOptions();
             RocksDB db = RocksDB.open(options, dir.toString());
             WriteOptions sync = new WriteOptions().setSync(true)) {
            double batches = measure(1, warmupSeconds, measureSeconds, (thread, i) -> {
                try (WriteBatch batch = new WriteBatch()) {
                    for (int k = 0; k < batchSize; k++) {
                        batch.put(ByteBuffer.allocate(17).put((byte) 2).putLong(k % 4).putLong(i * batchSize + k).array(), value);
                    }
                    db.write(sync, batch);
                }
            });
            System.out.printf("  ideal batch=%d %.0f/s%n", batchSize, batches * batchSize);
            return batches * batchSize;
        } finally {
            deleteTree(dir);
        }
    }

    private static double oursRun(Path dir, int appenders, double warmupSeconds, double measureSeconds) throws Exception {
        byte[] payload = payload();
        try (RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(dir, "bench").build())) {
            double rate = measure(appenders, warmupSeconds, measureSeconds, (thread, i) -> {
                long group = thread % 4;
                storage.append(group, List.of(vote(group, i, payload))).join();
            });
            System.out.printf("  ours appenders=%d %.0f/s (%.1f appends per sync on average)%n", appenders, rate,
                    (double) BenchSupport.opsWritten(storage) / BenchSupport.batchesWritten(storage));
            return rate;
        } finally {
            deleteTree(dir);
        }
    }

    /** One operation of appender {@code thread}, its {@code i}-th. */
    @FunctionalInterface
    interface Op {
        void run(int thread, long i) throws Exception;
    }

    /** Runs {@code appenders} threads for warmup + measure seconds; returns operations per second during the measurement. */
    static double measure(int appenders, double warmupSeconds, double measureSeconds, Op op) throws Exception {
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < appenders; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    for (long i = 1; !stop.get(); i++) {
                        op.run(thread, thread * 1_000_000_000L + i);
                        done.increment();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(worker);
            worker.start();
        }
        Thread.sleep((long) (warmupSeconds * 1000)); // a fixed measurement window, not a wait for a condition
        long startCount = done.sum();
        long start = System.nanoTime();
        Thread.sleep((long) (measureSeconds * 1000));
        long endCount = done.sum();
        long end = System.nanoTime();
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("an appender failed", errors.get(0));
        }
        return (endCount - startCount) / ((end - start) / 1e9);
    }

    static JournalRecord vote(long group, long slot, byte[] payload) {
        return new JournalRecord.AcceptedValue(group, slot, new Ballot(1, 1), new Value.Batch(List.of(new Command(slot, payload))));
    }

    static byte[] payload() {
        byte[] payload = new byte[PAYLOAD_BYTES];
        new Random(2).nextBytes(payload);
        return payload;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format("%.0f", v)).toList().toString();
    }

    static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
