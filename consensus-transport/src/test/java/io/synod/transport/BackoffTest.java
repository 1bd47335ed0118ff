package io.synod.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private static final long MIN = 100;
    private static final long MAX = 1_000;

    @Test
    void delaysDoubleWithJitterInTheUpperHalfAndStopAtTheMaximum() {
        Backoff lowest = new Backoff(MIN, MAX, bound -> 0);
        Backoff highest = new Backoff(MIN, MAX, bound -> bound - 1);
        long[] steps = {100, 200, 400, 800, 1_000, 1_000};
        for (long step : steps) {
            assertEquals(step / 2, lowest.nextDelayNanos());
            assertEquals(step, highest.nextDelayNanos());
        }
    }

    @Test
    void aSuccessStartsOverFromTheMinimum() {
        Backoff backoff = new Backoff(MIN, MAX, bound -> bound - 1);
        for (int i = 0; i < 100; i++) {
            assertTrue(backoff.nextDelayNanos() <= MAX);
        }
        backoff.reset();
        assertEquals(MIN, backoff.nextDelayNanos());
    }
}
