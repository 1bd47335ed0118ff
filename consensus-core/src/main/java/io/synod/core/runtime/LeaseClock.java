package io.synod.core.runtime;

import io.synod.core.protocol.LeaseRead;

import java.util.Arrays;

/**
 * Checks a leader's lease against the node's monotonic clock. The replica counts its lease in
 * ticks, and ticks run late when the process stalls (a GC pause, a descheduled VM): a leader that
 * wakes from a long pause would count the pause as a fraction of a tick. So the runtime notes the
 * clock reading before each tick, and a lease holds only while the clock, not the tick count, is
 * within the lease of the tick it started at. One thread only. Internal: the simulator drives the
 * same class with its simulated clocks.
 */
public final class LeaseClock {
    private static final int HISTORY = 1024;

    private final long tickNanos;
    private final long[] tickNumber = new long[HISTORY];
    private final long[] readingNanos = new long[HISTORY];

    /** @param tickNanos one tick's length, in the unit of the readings passed in */
    public LeaseClock(long tickNanos) {
        this.tickNanos = tickNanos;
        reset();
    }

    /** The replica is about to take tick {@code tick}; the clock reads {@code nowNanos}. */
    public void beforeTick(long tick, long nowNanos) {
        int i = (int) (tick % HISTORY);
        tickNumber[i] = tick;
        readingNanos[i] = nowNanos;
    }

    /** Whether {@code lease} still holds at {@code nowNanos}. */
    public boolean holds(LeaseRead lease, long nowNanos) {
        int i = (int) (lease.sinceTick() % HISTORY);
        if (tickNumber[i] != lease.sinceTick()) {
            return false; // started longer ago than we remember: long over
        }
        return nowNanos - readingNanos[i] < lease.ticks() * tickNanos;
    }

    /** A new replica counts ticks from 0 again. */
    public void reset() {
        Arrays.fill(tickNumber, -1);
    }
}
