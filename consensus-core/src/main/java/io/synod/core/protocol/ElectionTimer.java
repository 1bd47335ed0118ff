package io.synod.core.protocol;

/**
 * A replica's view of leadership in time: which leader it last heard from and when, and when it
 * should campaign. Campaigns wait a randomized election timeout after the last leader contact,
 * plus a randomized exponential backoff after each failed attempt, so dueling candidates spread
 * apart instead of livelocking.
 */
final class ElectionTimer {
    private final int electionTimeoutTicks;
    private final int maxBackoffTicks;
    private final RandomSource random;
    private int leaderId;
    private long lastLeaderContactTick = Long.MIN_VALUE / 2;
    private long campaignDueTick;
    private int failedAttempts;

    ElectionTimer(ProtocolConfig config, RandomSource random, long now) {
        this.electionTimeoutTicks = config.electionTimeoutTicks();
        this.maxBackoffTicks = config.maxElectionBackoffTicks();
        this.random = random;
        this.campaignDueTick = now + randomizedTimeout();
    }

    /** A leader (possibly this replica) showed it is alive at {@code now}. */
    void heardFromLeader(int leader, long now) {
        leaderId = leader;
        lastLeaderContactTick = now;
        failedAttempts = 0;
        campaignDueTick = now + randomizedTimeout();
    }

    /** Whether a leader was heard from within one election timeout. */
    boolean leaderAlive(long now) {
        return leaderId != 0 && now - lastLeaderContactTick < electionTimeoutTicks;
    }

    /** The last leader heard from, or 0; a hint for clients, not a guarantee. */
    int leaderHint() {
        return leaderId;
    }

    void forgetLeader() {
        leaderId = 0;
    }

    boolean campaignDue(long now) {
        return now >= campaignDueTick;
    }

    /** Postpones campaigning by a fresh randomized timeout (e.g. after promising another candidate). */
    void postpone(long now) {
        campaignDueTick = Math.max(campaignDueTick, now + randomizedTimeout());
    }

    /** A campaign failed: wait a timeout plus a backoff that doubles with each consecutive failure. */
    void campaignFailed(long now) {
        failedAttempts = Math.min(failedAttempts + 1, 30);
        long window = Math.min((long) maxBackoffTicks, (long) electionTimeoutTicks << Math.min(failedAttempts, 20));
        campaignDueTick = now + randomizedTimeout() + random.nextInt((int) window + 1);
    }

    private int randomizedTimeout() {
        return electionTimeoutTicks + random.nextInt(electionTimeoutTicks);
    }
}
