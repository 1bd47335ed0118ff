package io.synod.core.runtime;

import io.synod.core.api.MonotonicClock;

/**
 * When a consensus thread's next tick is due, on the node's clock, and how long to wait for it in
 * real time. Apart from the loop so that tests can drive it with a fake clock: a node whose clock
 * runs at rate {@code r} must tick {@code r} times as often as one on the real clock, as a real
 * fast or slow clock would make it. One thread only.
 */
final class TickTimer {
    private final MonotonicClock clock;
    private final long tickNanos;
    private long nextTickNanos;

    /** @param tickNanos one tick, measured on {@code clock} */
    TickTimer(MonotonicClock clock, long tickNanos) {
        this.clock = clock;
        this.tickNanos = tickNanos;
        this.nextTickNanos = clock.nanoTime() + tickNanos;
    }

    /** Real nanoseconds to wait before the next tick is due; 0 if it is due now. */
    long parkNanos() {
        long wait = nextTickNanos - clock.nanoTime();
        // At least 1: a clock so fast that the rest of a tick rounds to no real time must not
        // make the loop poll without waiting while the tick is not yet due.
        return wait > 0 ? Math.max(1, clock.realNanos(wait)) : 0;
    }

    /** Whether a tick is due now; if so, it is taken and the next one scheduled. */
    boolean takeDueTick() {
        long now = clock.nanoTime();
        if (now < nextTickNanos) {
            return false;
        }
        // One tick per period even after a stall: a paused process must not act as if time had
        // passed in bursts it never observed.
        nextTickNanos = Math.max(nextTickNanos + tickNanos, now + tickNanos / 2);
        return true;
    }
}
