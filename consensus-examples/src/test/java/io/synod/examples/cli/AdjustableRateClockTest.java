package io.synod.examples.cli;

import io.synod.core.api.MonotonicClock;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The clock fault tests skew nodes with, on an underlying clock the test moves by hand. */
class AdjustableRateClockTest {
    /** The underlying clock; {@code duringRead} runs inside a read, to stage a race. */
    private static final class HandClock implements MonotonicClock {
        long nanos = 1_000_000;
        Runnable duringRead;

        @Override
        public long nanoTime() {
            Runnable r = duringRead;
            duringRead = null;
            if (r != null) {
                r.run();
            }
            return nanos;
        }
    }

    private final HandClock real = new HandClock();
    private final AdjustableRateClock clock = new AdjustableRateClock(real);

    @Test
    void atRateOneItFollowsTheUnderlyingClockFromItsReading() {
        assertEquals(1_000_000, clock.nanoTime());
        real.nanos += 500;
        assertEquals(1_000_500, clock.nanoTime());
        assertEquals(1.0, clock.rate());
        assertEquals(10_000_000, clock.realNanos(10_000_000));
    }

    @Test
    void aRateChangeKeepsTheReadingAndContinuesAtTheNewRate() {
        real.nanos += 1_000;
        clock.setRate(2.0);
        assertEquals(1_001_000, clock.nanoTime(), "no jump at the change");
        real.nanos += 1_000;
        assertEquals(1_003_000, clock.nanoTime(), "2 ns per real ns");
        clock.setRate(0.5);
        assertEquals(1_003_000, clock.nanoTime());
        real.nanos += 1_000;
        assertEquals(1_003_500, clock.nanoTime(), "0.5 ns per real ns");
    }

    @Test
    void realNanosIsHowLongTheClockTakesInRealTime() {
        clock.setRate(2.0);
        assertEquals(5_000_000, clock.realNanos(10_000_000));
        clock.setRate(0.5);
        assertEquals(20_000_000, clock.realNanos(10_000_000));
        clock.setRate(1.1);
        assertEquals(10, clock.realNanos(11), "rounded up, so a wait never ends before the clock got there");
    }

    @Test
    void aReaderThatUsedTheRateBeforeASlowDownDoesNotMakeTheClockGoBack() {
        clock.setRate(2.0);
        // A reader takes the rate-2 segment; before it reads the underlying clock, the rate drops to
        // 0.5 and time passes. Its reading (by rate 2) is ahead of what the new segment gives.
        real.duringRead = () -> {
            clock.setRate(0.5);
            real.nanos += 1_000;
        };
        long racing = clock.nanoTime();
        assertEquals(1_002_000, racing, "computed with the old rate");
        long after = clock.nanoTime();
        assertTrue(after >= racing, "went back from " + racing + " to " + after);
        real.nanos += 10_000;
        assertTrue(clock.nanoTime() > after);
    }

    @Test
    void underRandomRateChangesTheReadingNeverDecreasesAndIsTheIntegralOfTheRates() {
        Random random = new Random(7);
        double expected = clock.nanoTime();
        long last = clock.nanoTime();
        double rate = 1.0;
        for (int i = 0; i < 10_000; i++) {
            long step = random.nextInt(1_000_000);
            real.nanos += step;
            expected += step * rate;
            long reading = clock.nanoTime();
            assertTrue(reading >= last, "step " + i + ": went back from " + last + " to " + reading);
            assertTrue(Math.abs(reading - expected) <= i + 1, "step " + i + ": " + reading + " vs " + expected);
            last = reading;
            if (random.nextInt(4) == 0) {
                rate = 0.9 + 0.2 * random.nextDouble();
                clock.setRate(rate);
            }
        }
    }

    @Test
    void ratesThatAreNotAClockAreRefused() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, 1000, 0.001}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clock.setRate(bad));
            assertTrue(e.getMessage().contains("between 0.01 and 100"), e.getMessage());
        }
        assertEquals(1.0, clock.rate(), "a refused rate changes nothing");
    }
}
