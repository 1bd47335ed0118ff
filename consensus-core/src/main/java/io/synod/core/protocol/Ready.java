package io.synod.core.protocol;

import java.util.List;

/**
 * The effects of one step of a {@link Replica}, as plain data for the runtime to carry out.
 *
 * <ul>
 *   <li>{@code records}: append to durable storage in this order, then call
 *       {@link Replica#persisted(long)} with {@code persistSeq} once they (and every earlier batch)
 *       are synced. Replies that depend on them are held inside the replica until then, so the
 *       runtime cannot release a promise early by mistake.</li>
 *   <li>{@code messages}: send now; none of them depends on an unsynced record.</li>
 *   <li>{@code committed}: chosen slots, contiguous and in slot order, to apply to the state machine.</li>
 *   <li>{@code rejections}: proposals refused before they reached a slot.</li>
 *   <li>{@code snapshotsNeeded}: this replica is behind what its peers still keep and must install a
 *       snapshot of the named replica before it can catch up from the log.</li>
 *   <li>{@code reads}: outcomes of {@link Replica#readIndex} requests.</li>
 *   <li>{@code journalReads}: catch-up requests for slots whose values left memory (see
 *       {@link ProtocolConfig#retainedAppliedSlots()}); the runtime reads them from the journal, off
 *       the replica's thread, and sends them as a {@link Message.CatchUpReply}.</li>
 * </ul>
 *
 * @param persistSeq the sequence number of {@code records}, or 0 when there are none
 */
public record Ready(List<JournalRecord> records, long persistSeq, List<Message> messages,
                   List<ChosenEntry> committed, List<Rejection> rejections, List<SnapshotNeeded> snapshotsNeeded,
                   List<ReadIndex> reads, List<JournalRead> journalReads) {

    /**
     * Send node {@code to} the chosen values of slots in {@code [fromSlot, toSlot)} that the journal
     * holds, at most {@code maxSlots} of them in slot order, as a {@link Message.CatchUpReply} from this
     * replica with {@code snapshotSlot} 0. Every slot in the range is chosen and applied here. A slot
     * whose record is missing (not yet synced, or truncated by a snapshot since) is simply left out:
     * the requester learns what it gets and asks again.
     */
    public record JournalRead(int to, long fromSlot, long toSlot, int maxSlots) {
    }

    /** Install a snapshot from {@code source} covering at least every slot up to {@code slot}. */
    public record SnapshotNeeded(int source, long slot) {
    }

    public Ready {
        records = List.copyOf(records);
        messages = List.copyOf(messages);
        committed = List.copyOf(committed);
        rejections = List.copyOf(rejections);
        snapshotsNeeded = List.copyOf(snapshotsNeeded);
        reads = List.copyOf(reads);
        journalReads = List.copyOf(journalReads);
    }

    public boolean isEmpty() {
        return records.isEmpty() && messages.isEmpty() && committed.isEmpty() && rejections.isEmpty()
                && snapshotsNeeded.isEmpty() && reads.isEmpty() && journalReads.isEmpty();
    }
}
