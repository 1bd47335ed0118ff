package io.synod.core.protocol;

import io.synod.core.invariant.Invariants;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one replica knows is chosen, and how far it has handed chosen values to the application.
 * Values are learned possibly out of order but delivered strictly in slot order, without gaps.
 */
final class Learner {
    private final long groupId;
    private final TreeMap<Long, Value> chosen = new TreeMap<>();
    /** Smallest slot not known to be chosen; every slot below it is chosen and known. */
    private long firstUnchosenSlot = 1;
    /** Highest slot handed to the application. */
    private long appliedSlot = 0;

    Learner(long groupId, DurableState recovered) {
        this.groupId = groupId;
        this.chosen.putAll(recovered.chosen());
        advanceFirstUnchosen();
    }

    long firstUnchosenSlot() {
        return firstUnchosenSlot;
    }

    boolean isChosen(long slot) {
        return chosen.containsKey(slot);
    }

    Value chosenValue(long slot) {
        return chosen.get(slot);
    }

    /**
     * Records that {@code value} is chosen for {@code slot}. A slot's chosen value never changes;
     * learning a different one means the protocol (or storage) is broken, so it throws.
     */
    void learn(long slot, Value value, Outbox out) {
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
    }

    /** Known chosen values in {@code [fromSlot, toSlot)}, at most {@code max} of them, in slot order. */
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
        while (chosen.containsKey(firstUnchosenSlot)) {
            firstUnchosenSlot++;
        }
    }
}
