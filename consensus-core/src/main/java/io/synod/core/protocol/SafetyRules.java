package io.synod.core.protocol;

/**
 * The decisions that the known Paxos traps are about, gathered in one place so that tests
 * can break them one at a time and prove the simulator's checkers notice (see the mutation tests).
 * Production code always uses this class as it is.
 */
class SafetyRules {

    static final SafetyRules CORRECT = new SafetyRules();

    /** An acceptor accepts a proposal only at or above its promise. */
    boolean acceptorAdmits(Ballot proposal, Ballot promised) {
        return proposal.isAtLeast(promised);
    }

    /** Promise and Accepted replies leave only after the state they report is durable. */
    boolean repliesWaitForDurability() {
        return true;
    }

    /** A new leader re-proposes, for an open slot, the value of the highest-ballot vote a phase-1 quorum reported. */
    Value valueToRepropose(AcceptedEntry highestVote) {
        return highestVote.value();
    }

    /**
     * A candidate may not lead while a promiser has compacted (dropped the votes of) slots at or
     * above its first unchosen one: those slots are chosen, but not recoverable from votes.
     */
    boolean mustInstallSnapshotBeforeLeading(long promiserCompactedThrough, long candidateFromSlot) {
        return promiserCompactedThrough >= candidateFromSlot;
    }

    /**
     * A candidate may not lead while a promiser has evicted from memory (so not reported) its votes for
     * slots at or above its first unchosen one: those slots are chosen, and taking the silence for
     * holes would fill them with no-ops.
     */
    boolean mustCatchUpBeforeLeading(long promiserEvictedThrough, long candidateFromSlot) {
        return promiserEvictedThrough >= candidateFromSlot;
    }

    /**
     * A proposer's next ballot is above its own durable promise (which records every ballot it
     * ever used, because it promises itself before sending a prepare) and above every ballot seen.
     */
    Ballot nextBallot(Ballot durablePromise, Ballot highestSeen, int self) {
        return Ballot.max(durablePromise, highestSeen).nextFor(self);
    }

    /** A read index is confirmed only by a phase-2 quorum answering a heartbeat sent after the read arrived. */
    boolean readsWaitForQuorumRound() {
        return true;
    }

    /** A new leader answers reads only once it has chosen again every slot it recovered in phase 1. */
    boolean readsWaitForRecoveredSlots() {
        return true;
    }

    /** How long a lease lasts, in ticks (see {@link ProtocolConfig#leaseTicks()}). */
    int leaseTicks(ProtocolConfig config) {
        return config.leaseTicks();
    }

    /** A leader proposes only slots whose membership it knows: below first unchosen + activation delay. */
    boolean windowStopsAtUnknownMemberships() {
        return true;
    }


    /** A replica that just started refuses other candidates' prepares for an election timeout (leases rely on it). */
    boolean quarantinesAfterStart() {
        return true;
    }
}
