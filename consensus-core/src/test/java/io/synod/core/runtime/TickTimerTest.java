package io.synod.core.runtime;

import io.synod.core.api.MonotonicClock;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consensus thread ticks as fast as the node's clock runs: the loop waits {@link TickTimer#parkNanos}
 * of real time, then takes a tick if one is due. Real time here is a variable the test advances by
 * exactly what the timer asked to wait, so nothing depends on the machine's timing.
 */
class TickTimerTest {
    private static final long TICK_NANOS = 10_000_000;
    private static final long SECOND = 1_000_000_000;

    /** A clock running at {@code rate} times real time, read off the test's real-time variable. */
    private static final class RateClock implements MonotonicClock {
        final double rate;
        long realNanos;

        RateClock(double rate) {
            this.rate = rate;
        }

        @Override
        public long nanoTime() {
            return (long) Math.floor(realNanos * rate);
        }

        @Override
        public long realNanos(long clockNanos) {
            return (long) Math.ceil(clockNanos / rate);
        }
    }

    /** Runs the loop's timing for {@code realNanos} of real time; returns the ticks taken. */
    private static int ticksIn(long realNanos, RateClock clock, TickTimer timer) {
        int ticks = 0;
        int wakeups = 0;
        while (clock.realNanos < realNanos) {
            clock.realNanos += timer.parkNanos();
            wakeups++;
            if (timer.takeDueTick()) {
                ticks++;
            }
        }
        assertTrue(wakeups <= ticks + 2, wakeups + " wake-ups for " + ticks + " ticks: the loop should wake once per tick");
        return ticks;
    }

    @Test
    void aClockAtRealRateTicksOncePerTickOfRealTime() {
        RateClock clock = new RateClock(1.0);
        assertEquals(100, ticksIn(SECOND, clock, new TickTimer(clock, TICK_NANOS)));
    }

    @Test
    void aFastClockTicksAsManyTimesMoreOftenAsItRunsFaster() {
        RateClock clock = new RateClock(1.1);
        assertEquals(110, ticksIn(SECOND, clock, new TickTimer(clock, TICK_NANOS)));
        RateClock double_ = new RateClock(2.0);
        assertEquals(200, ticksIn(SECOND, double_, new TickTimer(double_, TICK_NANOS)));
    }

    @Test
    void aSlowClockTicksLessOftenWithoutWakingMoreOften() {
        RateClock clock = new RateClock(0.5);
        assertEquals(50, ticksIn(SECOND, clock, new TickTimer(clock, TICK_NANOS)));
        RateClock slightly = new RateClock(1 / 1.1);
        int ticks = ticksIn(SECOND, slightly, new TickTimer(slightly, TICK_NANOS));
        assertTrue(ticks == 90 || ticks == 91, ticks + " ticks in a second at rate 1/1.1");
    }

    @Test
    void theWaitIsTheRestOfTheTickConvertedToRealTime() {
        RateClock clock = new RateClock(2.0);
        TickTimer timer = new TickTimer(clock, TICK_NANOS);
        assertEquals(TICK_NANOS / 2, timer.parkNanos(), "10 ms on a clock at twice real time is 5 ms");
        clock.realNanos += 2_000_000; // 4 ms on the clock
        assertEquals(3_000_000, timer.parkNanos(), "6 ms of the tick left on the clock");
        assertFalse(timer.takeDueTick());
        clock.realNanos += 3_000_000;
        assertEquals(0, timer.parkNanos());
        assertTrue(timer.takeDueTick());
        assertFalse(timer.takeDueTick(), "one tick per period");
    }

    @Test
    void afterAStallOnlyOneTickIsDueNotABurst() {
        RateClock clock = new RateClock(1.0);
        TickTimer timer = new TickTimer(clock, TICK_NANOS);
        clock.realNanos += SECOND; // a GC pause of 100 ticks
        assertTrue(timer.takeDueTick());
        assertFalse(timer.takeDueTick());
        assertEquals(TICK_NANOS / 2, timer.parkNanos(), "the next tick half a period after the late one");
    }

    @Test
    void aWaitTooShortToMeasureInRealTimeIsStillAWait() {
        MonotonicClock frozenFast = new MonotonicClock() {
            @Override
            public long nanoTime() {
                return 0;
            }

            @Override
            public long realNanos(long clockNanos) {
                return 0; // as a clock at a huge rate would round
            }
        };
        assertEquals(1, new TickTimer(frozenFast, TICK_NANOS).parkNanos(), "the loop must not spin");
    }
}
