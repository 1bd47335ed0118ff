package io.synod.storage;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durable promise never goes down: not when the votes that implied it are truncated away, not
 * when a vote is overwritten, not when a lower promise record arrives. Records appended below the
 * truncation floor are ignored, as in the in-memory storage.
 */
class PromiseDurabilityTest {
    private static final long GROUP = 3;

    @TempDir
    Path directory;

    private RocksDbStorage open() {
        return RocksDbStorage.open(RocksDbStorageOptions.builder(directory, "promise").build());
    }

    @Test
    void thePromiseImpliedByTruncatedVotesSurvivesARestart() throws Exception {
        try (RocksDbStorage storage = open()) {
            storage.append(GROUP, List.of(Records.promise(GROUP, 2),
                    new JournalRecord.AcceptedValue(GROUP, 1, new Ballot(5, 2), Records.valueOf(GROUP, 1)),
                    new JournalRecord.AcceptedValue(GROUP, 2, new Ballot(5, 2), Records.valueOf(GROUP, 2))))
                    .get(10, TimeUnit.SECONDS);
            storage.truncatePrefix(GROUP, 3).get(10, TimeUnit.SECONDS);
        }
        try (RocksDbStorage storage = open()) {
            DurableState state = storage.recover(GROUP);
            assertTrue(state.accepted().isEmpty());
            assertEquals(new Ballot(5, 2), state.promised(), "the votes are gone, the promise they implied is not");
        }
    }

    @Test
    void neitherALowerVoteNorALowerPromiseLowersIt() throws Exception {
        try (RocksDbStorage storage = open()) {
            storage.append(GROUP, List.of(new JournalRecord.AcceptedValue(GROUP, 1, new Ballot(7, 1), Records.valueOf(GROUP, 1))))
                    .get(10, TimeUnit.SECONDS);
            storage.append(GROUP, List.of(new JournalRecord.AcceptedValue(GROUP, 1, new Ballot(6, 1), Records.valueOf(GROUP, 9)),
                    Records.promise(GROUP, 3))).get(10, TimeUnit.SECONDS);
        }
        try (RocksDbStorage storage = open()) {
            DurableState state = storage.recover(GROUP);
            assertEquals(new Ballot(7, 1), state.promised());
            assertEquals(Records.valueOf(GROUP, 9), state.accepted().get(1L).value(), "the later vote is stored");
        }
    }

    @Test
    void recordsAppendedBelowTheFloorAreIgnoredAndTheFloorOnlyRises() throws Exception {
        try (RocksDbStorage storage = open()) {
            storage.truncatePrefix(GROUP, 10).get(10, TimeUnit.SECONDS);
            storage.truncatePrefix(GROUP, 4).get(10, TimeUnit.SECONDS);
            storage.append(GROUP, List.of(Records.vote(GROUP, 5), Records.chosen(GROUP, 5), Records.vote(GROUP, 10)))
                    .get(10, TimeUnit.SECONDS);
        }
        try (RocksDbStorage storage = open()) {
            DurableState state = storage.recover(GROUP);
            assertEquals(List.of(10L), List.copyOf(state.accepted().keySet()));
            assertTrue(state.chosen().isEmpty());
        }
    }
}
