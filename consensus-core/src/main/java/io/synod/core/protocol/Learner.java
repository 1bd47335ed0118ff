package io.synod.core.protocol;

import io.synod.core.invariant.Invariants;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one replica knows is chosen, and how far it has handed chosen values to the application.
 * Values are learned possibly out of order but delivered strictly in slot order, without gaps.
 *
 * <p>Only the last {@code retainedAppliedSlots} applied values stay in memory: older ones are
 * evicted (they stay chosen, and in the journal until a snapshot truncates it), so the heap holds a
 * bounded window of the log rather than everything since the last snapshot.
 */
final class Learner {
    private final long groupId;
    private final int retainedAppliedSlots;
    private final TreeMap<Long, Value> chosen = new TreeMap<>();
    /** Smallest slot not known to be chosen; every slot below it is chosen and known. */
    private long firstUnchosenSlot = 1;
    /** Highest slot handed to the application. */
    private long appliedSlot = 0;
    /** Slots up to here are covered by a snapshot; their values are no longer kept. */
    private long compactedThrough = 0;
    /** Applied slots up to here have left memory (see the class comment); only the journal has their values. */
    private long evictedThrough = 0;
    /** Memberships, folded through {@code firstUnchosenSlot - 1}. */
    private MembershipHistory memberships;

    Learner(long groupId, int retainedAppliedSlots, DurableState recovered, MembershipHistory initial) {
        this.groupId = groupId;
        this.retainedAppliedSlots = retainedAppliedSlots;
        this.compactedThrough = recovered.snapshotSlot();
        this.memberships = recovered.snapshotMemberships() != null ? recovered.snapshotMemberships().copy()
                : initial.unchangedThrough(compactedThrough);
        Invariants.check(memberships.foldedThrough() == compactedThrough,
                "group %d: the membership history is folded through slot %d but the snapshot covers slot %d",
                groupId, memberships.foldedThrough(), compactedThrough);
        this.appliedSlot = compactedThrough; // the application restored the snapshot before we start
        this.firstUnchosenSlot = compactedThrough + 1;
        this.chosen.putAll(recovered.chosen().tailMap(compactedThrough, false));
        advanceFirstUnchosen();
    }

    long compactedThrough() {
        return compactedThrough;
    }

    /** Applied slots up to here are chosen but their values are no longer in memory (0 if none were evicted). */
    long evictedThrough() {
        return evictedThrough;
    }

    /** The memberships of every slot below {@code firstUnchosenSlot + activationDelay}. */
    MembershipHistory memberships() {
        return memberships;
    }

    long appliedSlot() {
        return appliedSlot;
    }

    /** Forgets chosen values up to {@code slot}, which a snapshot now covers (never beyond what was applied). */
    void compact(long slot) {
        long through = Math.min(slot, appliedSlot);
        if (through > compactedThrough) {
            chosen.headMap(through, true).clear();
            compactedThrough = through;
            memberships.forgetBefore(through + 1);
        }
    }

    /**
     * A snapshot covering every slot up to {@code slot} was installed: those slots count as chosen
     * and applied, and {@code snapshotMemberships} (folded through {@code slot}) replaces what we knew of
     * them. Never moves backwards; returns false when the snapshot is not ahead of us.
     */
    boolean installSnapshot(long slot, MembershipHistory snapshotMemberships) {
        if (slot <= appliedSlot) {
            return false;
        }
        Invariants.check(snapshotMemberships.foldedThrough() == slot,
                "group %d: a snapshot through slot %d carries a membership history folded through slot %d",
                groupId, slot, snapshotMemberships.foldedThrough());
        if (slot >= firstUnchosenSlot - 1) {
            memberships = snapshotMemberships.copy();
        }
        chosen.headMap(slot, true).clear();
        compactedThrough = slot;
        appliedSlot = slot;
        firstUnchosenSlot = Math.max(firstUnchosenSlot, slot + 1);
        advanceFirstUnchosen();
        return true;
    }

    long firstUnchosenSlot() {
        return firstUnchosenSlot;
    }

    boolean isChosen(long slot) {
        return slot <= compactedThrough || slot <= evictedThrough || chosen.containsKey(slot);
    }

    /** The chosen value of {@code slot} if it is still in memory (every slot from the first unchosen one on is). */
    Value chosenValue(long slot) {
        return chosen.get(slot);
    }

    /**
     * Records that {@code value} is chosen for {@code slot}. A slot's chosen value never changes;
     * learning a different one means the protocol (or storage) is broken, so it throws.
     */
    void learn(long slot, Value value, Outbox out) {
        if (slot <= compactedThrough || slot <= evictedThrough) {
            return; // chosen, applied and no longer kept (in a snapshot, or only in the journal)
        }
        Value known = chosen.get(slot);
        if (known != null) {
            Invariants.check(known.equals(value), "group %d slot %d: learned %s but %s was already chosen",
                    groupId, slot, value, known);
            return;
        }
        chosen.put(slot, value);
        out.persist(new JournalRecord.ChosenValue(groupId, slot, value));
        advanceFirstUnchosen();
    }

    /** Hands every newly contiguous chosen slot to the application, in order. */
    void deliver(Outbox out) {
        while (appliedSlot + 1 < firstUnchosenSlot) {
            appliedSlot++;
            out.commit(new ChosenEntry(appliedSlot, chosen.get(appliedSlot)));
        }
        evictOld();
    }

    /**
     * Drops the values of applied slots older than the retained window. Memberships were folded from
     * them already (in {@link #advanceFirstUnchosen}, before they could be applied), and every slot a
     * new leader must recover is at or above the first unchosen one, so nothing in memory needs them.
     */
    private void evictOld() {
        long through = appliedSlot - retainedAppliedSlots;
        if (through <= evictedThrough) {
            return;
        }
        Map.Entry<Long, Value> oldest;
        while ((oldest = chosen.firstEntry()) != null && oldest.getKey() <= through) {
            chosen.pollFirstEntry();
        }
        evictedThrough = through;
    }

    /** Known chosen values in memory in {@code [fromSlot, toSlot)}, at most {@code max} of them, in slot order. */
    List<ChosenEntry> chosenBetween(long fromSlot, long toSlot, int max) {
        List<ChosenEntry> result = new ArrayList<>();
        if (fromSlot >= toSlot) {
            return result;
        }
        for (Map.Entry<Long, Value> e : chosen.subMap(fromSlot, true, toSlot, false).entrySet()) {
            if (result.size() == max) {
                break;
            }
            result.add(new ChosenEntry(e.getKey(), e.getValue()));
        }
        return result;
    }

    private void advanceFirstUnchosen() {
        Value value;
        while ((value = chosen.get(firstUnchosenSlot)) != null) {
            memberships.fold(firstUnchosenSlot, value);
            firstUnchosenSlot++;
        }
    }
}
