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
 * </ul>
 *
 * @param persistSeq the sequence number of {@code records}, or 0 when there are none
 */
public record Ready(List<JournalRecord> records, long persistSeq, List<Message> messages,
                   List<ChosenEntry> committed, List<Rejection> rejections) {

    public Ready {
        records = List.copyOf(records);
        messages = List.copyOf(messages);
        committed = List.copyOf(committed);
        rejections = List.copyOf(rejections);
    }

    public boolean isEmpty() {
        return records.isEmpty() && messages.isEmpty() && committed.isEmpty() && rejections.isEmpty();
    }
}
