package io.synod.storage;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.Value;

import java.util.List;
import java.util.Random;

/** Deterministic journal records for tests: the value of (group, slot) can be recomputed to check it. */
final class Records {
    static final int PAYLOAD_BYTES = 128;

    private Records() {
    }

    static Value valueOf(long groupId, long slot) {
        byte[] payload = new byte[PAYLOAD_BYTES];
        new Random(groupId * 1_000_003L + slot).nextBytes(payload);
        return new Value.Batch(List.of(new Command(slot, payload)));
    }

    static JournalRecord vote(long groupId, long slot) {
        return new JournalRecord.AcceptedValue(groupId, slot, new Ballot(1, 1), valueOf(groupId, slot));
    }

    static JournalRecord chosen(long groupId, long slot) {
        return new JournalRecord.ChosenValue(groupId, slot, valueOf(groupId, slot));
    }

    static JournalRecord promise(long groupId, long round) {
        return new JournalRecord.PromisedBallot(groupId, new Ballot(round, 1));
    }
}
