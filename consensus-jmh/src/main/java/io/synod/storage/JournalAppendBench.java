package io.synod.storage;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.Value;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One journal append as a slot makes it — the vote and the chosen value of a batch of commands —
 * through group commit into RocksDB, waited for; with and without the fsync. One caller, so no
 * batching across callers: the cost of one durable write. µs per append.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalAppendBench {
    @Param({"true", "false"})
    boolean fsync;

    @Param({"16"})
    int commands;

    private Path directory;
    private RocksDbStorage storage;
    private Value value;
    private long slot;

    @Setup
    public void open() throws IOException {
        directory = Files.createTempDirectory("synod-jmh-journal");
        storage = RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "jmh").syncWrites(fsync).build());
        List<Command> batch = new ArrayList<>();
        for (int i = 0; i < commands; i++) {
            batch.add(new Command(i, new byte[128]));
        }
        value = new Value.Batch(batch);
    }

    @Benchmark
    public void appendVoteAndChosen() {
        long s = ++slot;
        storage.append(1, List.of(new JournalRecord.AcceptedValue(1, s, new Ballot(1, 1), value),
                new JournalRecord.ChosenValue(1, s, value))).join();
    }

    @TearDown
    public void close() throws IOException {
        storage.close();
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
