package io.synod.storage;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.storage.InMemoryStorage;
import io.synod.core.storage.Storage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RocksDB storage against the in-memory storage as a model: random appends (promises in any
 * order, votes that overwrite earlier ones, chosen values), truncations (also below an earlier
 * floor, and appends below the floor afterwards) and restarts of two groups must recover the
 * same votes and chosen values from both, after every restart and at the end.
 *
 * <p>The promise is the one deliberate difference: RocksDB storage recovers the highest ballot
 * ever promised or voted at, while replaying the in-memory journal loses the promise implied by
 * a vote that was overwritten or truncated away (see {@code JournalWrites.Append}).
 */
class StorageModelProperties {
    private static final List<Long> GROUPS = List.of(1L, 2L);
    private static final int MAX_SLOT = 12;

    /** One step: an append of {@code records}, a truncation of {@code group} before {@code slot}, or a restart. */
    record Step(int kind, long group, long slot, List<JournalRecord> records) {
        static final int APPEND = 0;
        static final int TRUNCATE = 1;
        static final int RESTART = 2;
    }

    @Provide
    Arbitrary<List<Step>> scenarios() {
        Arbitrary<Step> append = Arbitraries.of(GROUPS).flatMap(group -> record(group).list().ofMinSize(1).ofMaxSize(4)
                .map(records -> new Step(Step.APPEND, group, 0, records)));
        Arbitrary<Step> truncate = Combinators.combine(Arbitraries.of(GROUPS), Arbitraries.longs().between(0, MAX_SLOT))
                .as((group, slot) -> new Step(Step.TRUNCATE, group, slot, List.of()));
        Arbitrary<Step> restart = Arbitraries.just(new Step(Step.RESTART, 0, 0, List.of()));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, append), net.jqwik.api.Tuple.of(2, truncate), net.jqwik.api.Tuple.of(1, restart))
                .list().ofMinSize(1).ofMaxSize(40);
    }

    private static Arbitrary<JournalRecord> record(long group) {
        Arbitrary<Ballot> ballots = Combinators.combine(Arbitraries.longs().between(1, 4), Arbitraries.integers().between(1, 3))
                .as(Ballot::new);
        Arbitrary<Long> slots = Arbitraries.longs().between(1, MAX_SLOT);
        Arbitrary<JournalRecord> promise = ballots.map(b -> new JournalRecord.PromisedBallot(group, b));
        Arbitrary<JournalRecord> vote = Combinators.combine(slots, ballots, Arbitraries.integers().between(0, 3))
                .as((slot, b, v) -> new JournalRecord.AcceptedValue(group, slot, b, Records.valueOf(group, slot * 10 + v)));
        Arbitrary<JournalRecord> chosen = slots.map(slot -> Records.chosen(group, slot));
        return Arbitraries.oneOf(promise, vote, chosen);
    }

    @Property(tries = 60)
    void recoversWhatTheInMemoryModelRecovers(@ForAll("scenarios") List<Step> steps) throws Exception {
        Path dir = Files.createTempDirectory("synod-model");
        InMemoryStorage.Disk modelDisk = new InMemoryStorage.Disk();
        Storage model = new InMemoryStorage(modelDisk);
        RocksDbStorageOptions options = RocksDbStorageOptions.builder(dir, "model").build();
        Storage rocks = RocksDbStorage.open(options);
        java.util.Map<Long, Ballot> highest = new java.util.HashMap<>();
        try {
            for (Step step : steps) {
                if (step.kind() == Step.APPEND) {
                    step.records().forEach(r -> highest.merge(step.group(), promisedBy(r), Ballot::max));
                    model.append(step.group(), step.records()).get(10, TimeUnit.SECONDS);
                    rocks.append(step.group(), step.records()).get(10, TimeUnit.SECONDS);
                } else if (step.kind() == Step.TRUNCATE) {
                    model.truncatePrefix(step.group(), step.slot()).get(10, TimeUnit.SECONDS);
                    rocks.truncatePrefix(step.group(), step.slot()).get(10, TimeUnit.SECONDS);
                } else {
                    model.close();
                    rocks.close();
                    model = new InMemoryStorage(modelDisk);
                    rocks = RocksDbStorage.open(options);
                    assertSameState(model, rocks, highest);
                }
            }
            assertSameState(model, rocks, highest);
        } finally {
            rocks.close();
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    private static Ballot promisedBy(JournalRecord record) {
        if (record instanceof JournalRecord.PromisedBallot p) {
            return p.ballot();
        }
        return record instanceof JournalRecord.AcceptedValue a ? a.ballot() : Ballot.ZERO;
    }

    private static void assertSameState(Storage model, Storage rocks, java.util.Map<Long, Ballot> highest) {
        for (long group : GROUPS) {
            DurableState expected = model.recover(group);
            DurableState actual = rocks.recover(group);
            assertEquals(highest.getOrDefault(group, Ballot.ZERO), actual.promised(), "promise of group " + group);
            assertTrue(actual.promised().isAtLeast(expected.promised()), "never below the model's promise");
            assertEquals(expected.accepted(), actual.accepted(), "votes of group " + group);
            assertEquals(expected.chosen(), actual.chosen(), "chosen values of group " + group);
        }
    }
}
