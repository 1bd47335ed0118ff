package io.synod.storage.bench;

import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;
import io.synod.storage.RocksDbStorage;
import io.synod.storage.RocksDbStorageOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How long recovery of a large log takes: writes N slots of one group (a vote and a chosen value
 * per slot, 128-byte payloads, so 2N records), closes the storage, then measures opening it and
 * {@link RocksDbStorage#recover} several times, each on a freshly opened storage.
 *
 * <p>Args: {@code [slots] [runs]}, default {@code 1000000 3}. Needs about 2 GB of heap for 1M slots.
 */
public final class RecoveryBench {
    private static final int SLOTS_PER_APPEND = 1000;
    private static final int APPENDS_IN_FLIGHT = 8;

    private RecoveryBench() {
    }

    public static void main(String[] args) throws Exception {
        long slots = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("synod-recovery-bench");
        RocksDbStorageOptions options = RocksDbStorageOptions.builder(dir, "bench").build();
        try {
            long writeStart = System.nanoTime();
            write(options, slots);
            System.out.printf("wrote %d slots (%d records) in %.1f s%n", slots, 2 * slots, (System.nanoTime() - writeStart) / 1e9);
            List<Double> openSeconds = new ArrayList<>();
            List<Double> recoverSeconds = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                System.gc();
                long start = System.nanoTime();
                try (RocksDbStorage storage = RocksDbStorage.open(options)) {
                    long opened = System.nanoTime();
                    DurableState state = storage.recover(1);
                    long recovered = System.nanoTime();
                    if (state.accepted().size() != slots || state.chosen().size() != slots) {
                        throw new IllegalStateException("recovered " + state.accepted().size() + " votes and "
                                + state.chosen().size() + " chosen values, expected " + slots);
                    }
                    openSeconds.add((opened - start) / 1e9);
                    recoverSeconds.add((recovered - opened) / 1e9);
                    System.out.printf("  run %d: open %.3f s, recover %.3f s (%.0f records/s)%n", run, (opened - start) / 1e9,
                            (recovered - opened) / 1e9, 2 * slots / ((recovered - opened) / 1e9));
                }
            }
            System.out.printf("RESULT slots=%d records=%d open=%.3f s recover=%.3f s (medians of %d)%n", slots, 2 * slots,
                    StorageBench.median(openSeconds), StorageBench.median(recoverSeconds), runs);
        } finally {
            StorageBench.deleteTree(dir);
        }
    }

    private static void write(RocksDbStorageOptions options, long slots) {
        byte[] payload = StorageBench.payload();
        try (RocksDbStorage storage = RocksDbStorage.open(options)) {
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (long first = 1; first <= slots; first += SLOTS_PER_APPEND) {
                List<JournalRecord> records = new ArrayList<>(2 * SLOTS_PER_APPEND);
                for (long slot = first; slot < first + SLOTS_PER_APPEND && slot <= slots; slot++) {
                    JournalRecord.AcceptedValue vote = (JournalRecord.AcceptedValue) StorageBench.vote(1, slot, payload);
                    records.add(vote);
                    records.add(new JournalRecord.ChosenValue(1, slot, vote.value()));
                }
                inFlight.add(storage.append(1, records));
                if (inFlight.size() >= APPENDS_IN_FLIGHT) {
                    inFlight.remove(0).join();
                }
            }
            inFlight.forEach(CompletableFuture::join);
        }
    }
}
