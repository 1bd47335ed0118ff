package io.synod.core.protocol;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What a replica of one group remembers across a restart: its promise, its votes and the values it
 * learned were chosen. Built by replaying {@link JournalRecord}s in the order they were written;
 * a replica is recovered from this and nothing else.
 *
 * <p>Not thread-safe; built by one thread, then handed to the {@link Replica} it recovers.
 */
public final class DurableState {
    private final long groupId;
    private long snapshotSlot;
    private MembershipHistory snapshotMemberships;
    private Ballot promised = Ballot.ZERO;
    private final TreeMap<Long, AcceptedEntry> accepted = new TreeMap<>();
    private final TreeMap<Long, Value> chosen = new TreeMap<>();

    public DurableState(long groupId) {
        this.groupId = groupId;
    }

    /** Replays {@code records} in order into a fresh state. */
    public static DurableState replay(long groupId, Iterable<? extends JournalRecord> records) {
        DurableState state = new DurableState(groupId);
        for (JournalRecord record : records) {
            state.apply(record);
        }
        return state;
    }

    /** Folds one record into this state. */
    public void apply(JournalRecord record) {
        if (record.groupId() != groupId) {
            throw new IllegalArgumentException("record of group " + record.groupId() + " replayed into group " + groupId);
        }
        if (record instanceof JournalRecord.PromisedBallot p) {
            promised = Ballot.max(promised, p.ballot());
        } else if (record instanceof JournalRecord.AcceptedValue a) {
            promised = Ballot.max(promised, a.ballot());
            accepted.put(a.slot(), new AcceptedEntry(a.slot(), a.ballot(), a.value()));
        } else if (record instanceof JournalRecord.ChosenValue c) {
            chosen.put(c.slot(), c.value());
        }
    }

    public long groupId() {
        return groupId;
    }

    /**
     * Every slot up to and including this one is covered by the group's snapshot, which the
     * application restores before the replica starts; votes and chosen values at or below it are
     * ignored. 0 when there is no snapshot.
     */
    public long snapshotSlot() {
        return snapshotSlot;
    }

    /** Records that a snapshot covers every slot up to {@code slot} (storage calls this on recovery). */
    public DurableState withSnapshotSlot(long slot) {
        if (slot < 0) {
            throw new IllegalArgumentException("snapshot slot " + slot + " of group " + groupId + " must be >= 0");
        }
        this.snapshotSlot = Math.max(snapshotSlot, slot);
        return this;
    }

    /**
     * The memberships stored with the snapshot (folded through {@link #snapshotSlot()}), or null when
     * there is no snapshot or it was stored without them (then the initial membership is assumed).
     */
    public MembershipHistory snapshotMemberships() {
        return snapshotMemberships;
    }

    /** Records the memberships stored with the snapshot (the runtime reads them from the snapshot). */
    public DurableState withSnapshotMemberships(MembershipHistory memberships) {
        if (memberships != null && memberships.foldedThrough() != snapshotSlot) {
            throw new IllegalArgumentException("group " + groupId + ": the snapshot at slot " + snapshotSlot
                    + " carries memberships folded through slot " + memberships.foldedThrough());
        }
        this.snapshotMemberships = memberships;
        return this;
    }

    public Ballot promised() {
        return promised;
    }

    public NavigableMap<Long, AcceptedEntry> accepted() {
        return Collections.unmodifiableNavigableMap(accepted);
    }

    public NavigableMap<Long, Value> chosen() {
        return Collections.unmodifiableNavigableMap(chosen);
    }
}
