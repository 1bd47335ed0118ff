package io.synod.core.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which membership is in force at each slot, derived from the chosen log alone.
 *
 * <h2>The rule (Lamport's "reconfiguration with a window of α slots")</h2>
 * A valid {@link Value.Reconfigure} chosen in slot {@code c} takes effect at slot
 * {@code c + activationDelay}: slots from there on are chosen by the new voters' quorums. So the
 * membership of slot {@code s} depends only on slots up to {@code s - activationDelay}, and a
 * replica that knows every slot below {@code f} is chosen knows the membership of every slot
 * below {@code f + activationDelay}. A leader therefore never proposes a slot at or beyond
 * {@code firstUnchosen + activationDelay}: it always knows whose quorum decides the slot it
 * proposes. Every replica folds the same chosen values in the same order, so all agree.
 *
 * <p>A change is valid only if the membership it expects (its epoch) is still the latest one, no
 * earlier change is still waiting to take effect, and every new voter is already a learner (it has
 * been receiving the log); otherwise it is chosen but has no effect (and its proposer is told why). At most one change is pending at a time, so the slots of any window of
 * {@code activationDelay} slots are decided by at most two memberships.
 *
 * <p>Not thread-safe: owned by one replica (or by one apply thread).
 */
public final class MembershipHistory {
    private static final int FORMAT = 1;

    private final int activationDelay;
    /** Effective slot -> membership in force from there until the next entry. */
    private final TreeMap<Long, Membership> bySlot = new TreeMap<>();
    /** Every slot up to here has been folded in. */
    private long foldedThrough;

    /** A group's history before any slot: {@code initial} from slot 1. */
    public MembershipHistory(Membership initial, int activationDelay) {
        if (activationDelay < 1) {
            throw new IllegalArgumentException("the membership activation delay must be >= 1 slot, got " + activationDelay);
        }
        this.activationDelay = activationDelay;
        this.bySlot.put(1L, initial);
    }

    private MembershipHistory(int activationDelay, long foldedThrough) {
        this.activationDelay = activationDelay;
        this.foldedThrough = foldedThrough;
    }

    /** Slots between a change being chosen and taking effect; the same for the group's whole life. */
    public int activationDelay() {
        return activationDelay;
    }

    /** Every slot up to here has been folded in. */
    public long foldedThrough() {
        return foldedThrough;
    }

    /** The membership that decides {@code slot} (slot must be above what was forgotten). */
    public Membership at(long slot) {
        Map.Entry<Long, Membership> entry = bySlot.floorEntry(slot);
        return entry != null ? entry.getValue() : bySlot.firstEntry().getValue();
    }

    /** The newest membership known, possibly not in force yet. */
    public Membership latest() {
        return bySlot.lastEntry().getValue();
    }

    /** The slot from which {@link #latest()} is in force. */
    public long latestEffectiveSlot() {
        return bySlot.lastKey();
    }

    /** Memberships in force for some slot in {@code [from, toExclusive)}, oldest first. */
    public List<Membership> inForceBetween(long from, long toExclusive) {
        List<Membership> result = new ArrayList<>();
        result.add(at(from));
        result.addAll(bySlot.subMap(from, false, toExclusive, false).values());
        return result;
    }

    /** Memberships in force for {@code slot} or any later slot known so far, oldest first. */
    public List<Membership> inForceFrom(long slot) {
        return inForceBetween(slot, Long.MAX_VALUE);
    }

    /** The first slot {@code membership} (one of this history's) decides, or -1 if it is not remembered. */
    public long effectiveSlot(Membership membership) {
        for (Map.Entry<Long, Membership> entry : bySlot.entrySet()) {
            if (entry.getValue().epoch() == membership.epoch()) {
                return entry.getKey();
            }
        }
        return -1;
    }

    /** Every node that is a member (voter or learner) of a membership still remembered. */
    public Set<Integer> knownNodes() {
        TreeSet<Integer> nodes = new TreeSet<>();
        for (Membership m : bySlot.values()) {
            nodes.addAll(m.members());
        }
        return nodes;
    }

    /**
     * Why {@code change}, if chosen in {@code slot} right after everything folded so far, would have
     * no effect; null if it would take effect.
     */
    public String refusal(Value.Reconfigure change, long slot) {
        Membership latest = latest();
        if (change.expectedEpoch() != latest.epoch()) {
            return "the membership changed concurrently: the change expects epoch " + change.expectedEpoch()
                    + " but the group is at epoch " + latest.epoch() + " (" + latest + ")";
        }
        if (latestEffectiveSlot() > slot) {
            return "an earlier change is still pending (it takes effect at slot " + latestEffectiveSlot() + ")";
        }
        if (change.voters().isEmpty()) {
            return "a membership needs at least one voter";
        }
        for (int id : change.voters()) {
            if (id <= 0) {
                return "node ids must be positive, got voter " + id;
            }
            if (change.learners().contains(id)) {
                return "node " + id + " cannot be both a voter and a learner";
            }
            if (!latest.isMember(id)) {
                // A voter that has never received the log could leave the group with no one able to
                // lead (it cannot learn what was chosen before its membership takes effect).
                return "node " + id + " is not a member: add it as a learner first, and promote it once it has caught up";
            }
        }
        for (int id : change.learners()) {
            if (id <= 0) {
                return "node ids must be positive, got learner " + id;
            }
        }
        return null;
    }

    /**
     * Folds in the chosen value of {@code slot}, the one after {@link #foldedThrough()}. Returns why
     * a {@link Value.Reconfigure} had no effect, or null (also for any other value).
     */
    public String fold(long slot, Value value) {
        if (slot != foldedThrough + 1) {
            throw new IllegalStateException("membership history folded through slot " + foldedThrough
                    + " cannot fold slot " + slot + " (slots are folded in order)");
        }
        foldedThrough = slot;
        if (!(value instanceof Value.Reconfigure change)) {
            return null;
        }
        String refusal = refusal(change, slot);
        if (refusal == null) {
            Membership latest = latest();
            Map<Integer, String> addresses = new HashMap<>(latest.addresses());
            addresses.putAll(change.addresses());
            addresses.keySet().removeIf(id -> !change.voters().contains(id) && !change.learners().contains(id));
            bySlot.put(slot + activationDelay, new Membership(latest.epoch() + 1,
                    Quorum.majority(change.voters()), change.learners(), addresses));
        }
        return refusal;
    }

    /** Forgets memberships no longer in force at or after {@code slot}. */
    public void forgetBefore(long slot) {
        Long floor = bySlot.floorKey(slot);
        if (floor != null) {
            bySlot.headMap(floor, false).clear();
        }
    }

    /**
     * This history, with no change assumed in any slot up to {@code slot}: for a replica restarted
     * from a snapshot stored without memberships (the group's membership never changed).
     */
    public MembershipHistory unchangedThrough(long slot) {
        if (bySlot.size() != 1 || foldedThrough > slot) {
            throw new IllegalStateException("only an unchanged history folded through at most slot " + slot
                    + " can be carried forward to it: " + this);
        }
        MembershipHistory copy = copy();
        copy.foldedThrough = slot;
        return copy;
    }

    public MembershipHistory copy() {
        MembershipHistory copy = new MembershipHistory(activationDelay, foldedThrough);
        copy.bySlot.putAll(bySlot);
        return copy;
    }

    /** A compact binary form, stored in snapshots. */
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeInt(activationDelay);
            out.writeLong(foldedThrough);
            out.writeInt(bySlot.size());
            for (Map.Entry<Long, Membership> entry : bySlot.entrySet()) {
                Membership m = entry.getValue();
                out.writeLong(entry.getKey());
                out.writeLong(m.epoch());
                out.writeInt(m.voters().phase1Size());
                out.writeInt(m.voters().phase2Size());
                writeIds(out, m.voters().members());
                writeIds(out, m.learners());
                out.writeInt(m.addresses().size());
                for (Map.Entry<Integer, String> address : m.addresses().entrySet()) {
                    out.writeInt(address.getKey());
                    out.writeUTF(address.getValue());
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("encoding to memory failed", e);
        }
    }

    /** Reads {@link #encode()}'s form; throws {@link IllegalArgumentException} naming what is wrong. */
    public static MembershipHistory decode(byte[] encoded) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("membership history: unknown format " + format + " (expected " + FORMAT + ")");
            }
            int delay = in.readInt();
            long folded = in.readLong();
            int entries = in.readInt();
            if (delay < 1 || folded < 0 || entries < 1 || entries > 1024) {
                throw new IllegalArgumentException("membership history: activation delay " + delay + ", folded through "
                        + folded + ", " + entries + " entries is not a valid history");
            }
            MembershipHistory history = new MembershipHistory(delay, folded);
            for (int i = 0; i < entries; i++) {
                long slot = in.readLong();
                long epoch = in.readLong();
                int phase1 = in.readInt();
                int phase2 = in.readInt();
                Set<Integer> voters = readIds(in);
                Set<Integer> learners = readIds(in);
                int addressCount = in.readInt();
                if (addressCount < 0 || addressCount > 4096) {
                    throw new IllegalArgumentException("membership history: " + addressCount + " addresses");
                }
                Map<Integer, String> addresses = new HashMap<>();
                for (int a = 0; a < addressCount; a++) {
                    addresses.put(in.readInt(), in.readUTF());
                }
                history.bySlot.put(slot, new Membership(epoch, Quorum.flexible(voters, phase1, phase2), learners, addresses));
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("membership history: " + in.available() + " bytes after its end");
            }
            return history;
        } catch (IOException e) {
            throw new IllegalArgumentException("membership history: truncated (" + encoded.length + " bytes)", e);
        }
    }

    private static void writeIds(DataOutputStream out, java.util.Collection<Integer> ids) throws IOException {
        out.writeInt(ids.size());
        for (int id : ids) {
            out.writeInt(id);
        }
    }

    private static Set<Integer> readIds(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 4096) {
            throw new IllegalArgumentException("membership history: a member list of " + count + " nodes");
        }
        Set<Integer> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(in.readInt());
        }
        return ids;
    }

    @Override
    public String toString() {
        return "MembershipHistory{delay " + activationDelay + ", folded through " + foldedThrough + ", " + bySlot + "}";
    }
}
