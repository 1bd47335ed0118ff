package io.synod.transport;

import java.util.function.LongUnaryOperator;

/**
 * Reconnect delays: exponential from {@code min} to {@code max}, with "equal jitter" (a delay is
 * drawn uniformly from its upper half) so that peers restarted together do not redial in lockstep,
 * while a delay never drops below half its step. Not thread-safe: each peer link owns one, on its
 * event loop.
 */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private final LongUnaryOperator randomBelow;
    private int failures;

    /** {@code randomBelow.applyAsLong(n)} returns a uniform value in [0, n). */
    Backoff(long minNanos, long maxNanos, LongUnaryOperator randomBelow) {
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.randomBelow = randomBelow;
    }

    /** The delay before the next attempt; each call lengthens the following one, up to the maximum. */
    long nextDelayNanos() {
        long step = minNanos;
        for (int i = 0; i < failures && step < maxNanos; i++) {
            step *= 2;
        }
        step = Math.min(step, maxNanos);
        if (failures < 62) {
            failures++;
        }
        long half = step / 2;
        return half + randomBelow.applyAsLong(step - half + 1);
    }

    /** After a successful handshake: the next failure starts from the minimum again. */
    void reset() {
        failures = 0;
    }
}
