package io.synod.core.protocol;

/**
 * Deliberately broken protocol variants, each reproducing one of the known Paxos traps. The
 * simulator must catch every one of them; if it does not, its checkers are too weak to trust.
 */
public enum Mutation {
    /** An acceptor that accepts proposals below its promise. */
    ACCEPTS_LOWER_BALLOT {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                boolean acceptorAdmits(Ballot proposal, Ballot promised) {
                    return true;
                }
            };
        }
    },
    /** An acceptor that sends Promise/Accepted before the state they report is synced. */
    REPLIES_BEFORE_PERSISTING {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                boolean repliesWaitForDurability() {
                    return false;
                }
            };
        }
    },
    /** A new leader that fills open slots with no-ops instead of re-proposing the highest-ballot vote. */
    SKIPS_REPROPOSAL {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                Value valueToRepropose(AcceptedEntry highestVote) {
                    return Value.NOOP;
                }
            };
        }
    },
    /** A candidate that leads although a promiser compacted slots it has not learned. */
    LEADS_BEHIND_A_SNAPSHOT {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                boolean mustInstallSnapshotBeforeLeading(long promiserCompactedThrough, long candidateFromSlot) {
                    return false;
                }
            };
        }
    },
    /** A candidate that leads although a promiser evicted (and so did not report) votes for slots it has not learned. */
    LEADS_BEHIND_EVICTED_VOTES {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                boolean mustCatchUpBeforeLeading(long promiserEvictedThrough, long candidateFromSlot) {
                    return false;
                }
            };
        }
    },
    /** A leader that answers a read index at once, without a quorum confirming it still leads. */
    READS_WITHOUT_QUORUM_ROUND {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                boolean readsWaitForQuorumRound() {
                    return false;
                }
            };
        }
    },
    /** A new leader that answers reads before it has chosen again the slots it recovered. */
    READS_BEFORE_RECOVERY {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                boolean readsWaitForRecoveredSlots() {
                    return false;
                }
            };
        }
    },
    /** A leader whose lease outlasts the followers' election timeout many times over. */
    LEASE_OUTLIVES_ELECTION_TIMEOUT {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                int leaseTicks(ProtocolConfig config) {
                    return 10 * config.electionTimeoutTicks();
                }
            };
        }
    },
    /**
     * A leader that fills its whole pipeline window even past the slots whose membership it knows:
     * it decides them with the newest membership it knows, which a change chosen meanwhile replaces.
     */
    PROPOSES_BEYOND_KNOWN_MEMBERSHIP {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                @Override
                boolean windowStopsAtUnknownMemberships() {
                    return false;
                }
            };
        }
    },
    /**
     * A proposer that keeps its round counter in memory only and "just outbids the others": it
     * ignores its own durable promise and ballots carrying its own id, so after a restart it can
     * issue a ballot it already used, possibly with another value.
     */
    REUSES_BALLOT_AFTER_RESTART {
        @Override
        SafetyRules rules() {
            return new SafetyRules() {
                private long lastRound; // forgotten on restart: a new replica gets new rules

                @Override
                Ballot nextBallot(Ballot durablePromise, Ballot highestSeen, int self) {
                    long othersRound = highestSeen.nodeId() == self ? 0 : highestSeen.round();
                    lastRound = Math.max(lastRound, othersRound) + 1;
                    return new Ballot(lastRound, self);
                }
            };
        }
    };

    abstract SafetyRules rules();

    /** Builds a replica with this defect (fresh defect state per replica incarnation). */
    public Replica create(ProtocolConfig config, DurableState recovered, RandomSource random) {
        return new Replica(config, recovered, random, rules());
    }
}
