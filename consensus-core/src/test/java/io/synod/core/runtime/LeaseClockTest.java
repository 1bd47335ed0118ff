package io.synod.core.runtime;

import io.synod.core.protocol.LeaseRead;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaseClockTest {
    private static final long TICK = 10_000_000L; // 10 ms

    @Test
    void aLeaseHoldsForItsTicksMeasuredOnTheClockNotInTicksTaken() {
        LeaseClock clock = new LeaseClock(TICK);
        clock.beforeTick(5, 1_000 * TICK);
        LeaseRead lease = new LeaseRead(42, 5, 8);
        assertTrue(clock.holds(lease, 1_000 * TICK + 7 * TICK));
        assertFalse(clock.holds(lease, 1_000 * TICK + 8 * TICK), "over once 8 tick lengths passed");
        // The process stalled: the replica has taken only one more tick, but a second went by.
        clock.beforeTick(6, 1_100 * TICK);
        assertFalse(clock.holds(lease, 1_100 * TICK), "a pause counts in full");
    }

    @Test
    void aLeaseFromATickItDoesNotRememberDoesNotHold() {
        LeaseClock clock = new LeaseClock(TICK);
        assertFalse(clock.holds(new LeaseRead(1, 3, 8), 0));
        clock.beforeTick(3, 0);
        clock.reset();
        assertFalse(clock.holds(new LeaseRead(1, 3, 8), 0), "a rebuilt replica's ticks start again at 0");
    }
}
