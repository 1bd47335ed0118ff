package io.synod.core.runtime;

import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Membership;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.protocol.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The runtime's own copy of one group's membership history, folded through the last slot the
 * consensus thread delivered: it tells whether a chosen membership change took effect (and why
 * not), and hands the addresses of new members to the {@link PeerDirectory}. The replica keeps
 * its own copy; both fold the same chosen values in the same order, so they agree.
 *
 * <p>Consensus thread only.
 */
final class GroupMemberships {
    private static final Logger log = LoggerFactory.getLogger(GroupMemberships.class);

    private final long groupId;
    private final PeerDirectory peers;
    private MembershipHistory history;

    GroupMemberships(long groupId, PeerDirectory peers, MembershipHistory initial) {
        this.groupId = groupId;
        this.peers = peers;
        this.history = initial;
    }

    /** Starts over from {@code folded} (a recovered or installed snapshot's memberships). */
    void reset(MembershipHistory folded) {
        history = folded.copy();
        publishAddresses();
    }

    /**
     * Folds the next delivered slot; returns why a membership change in it had no effect, or null.
     * A slot out of order (never expected) is logged and leaves the copy untouched.
     */
    String fold(ChosenEntry entry) {
        if (entry.slot() != history.foldedThrough() + 1) {
            log.error("group {}: delivered slot {} but the runtime's membership copy is folded through slot {};"
                    + " membership requests will time out", groupId, entry.slot(), history.foldedThrough());
            return "the runtime lost track of the membership history";
        }
        long epochBefore = history.latest().epoch();
        String refusal = history.fold(entry.slot(), entry.value());
        if (entry.value() instanceof Value.Reconfigure && history.latest().epoch() != epochBefore) {
            publishAddresses();
        }
        return refusal;
    }

    /** Folded through the last delivered slot; do not modify. */
    MembershipHistory history() {
        return history;
    }

    private void publishAddresses() {
        Map<Integer, String> addresses = new HashMap<>();
        for (Membership m : history.inForceFrom(1)) {
            addresses.putAll(m.addresses());
        }
        peers.groupAddresses(groupId, addresses);
    }
}
