package io.synod.examples.cli;

import io.synod.core.api.MonotonicClock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A monotonic clock whose rate can be changed while it runs, for fault tests that skew a node's
 * clock: at rate {@code r} it advances {@code r} nanoseconds per nanosecond of the underlying
 * clock. A rate change is continuous — the clock keeps its reading and goes on from there at the
 * new rate — and the reading never decreases, even for a thread that computed it from the rate
 * before a change. Thread-safe.
 */
public final class AdjustableRateClock implements MonotonicClock {
    /** The slowest and fastest rates allowed: far beyond any drift bound, but never stopped. */
    public static final double MIN_RATE = 0.01;
    public static final double MAX_RATE = 100;

    /** From {@code realStart} on (underlying clock), the reading is {@code clockStart + rate * elapsed}. */
    private record Segment(long realStart, long clockStart, double rate) {
        long readingAt(long real) {
            return clockStart + (long) Math.floor((real - realStart) * rate);
        }
    }

    private final MonotonicClock underlying;
    private volatile Segment segment;
    /** The highest reading handed out: a reader holding the previous segment must not go back below it. */
    private final AtomicLong highest = new AtomicLong(Long.MIN_VALUE);

    /** At rate 1 on {@link System#nanoTime()}. */
    public AdjustableRateClock() {
        this(MonotonicClock.SYSTEM);
    }

    /** At rate 1 on {@code underlying}, starting from its current reading. */
    public AdjustableRateClock(MonotonicClock underlying) {
        this.underlying = underlying;
        long now = underlying.nanoTime();
        this.segment = new Segment(now, now, 1.0);
    }

    @Override
    public long nanoTime() {
        long reading = segment.readingAt(underlying.nanoTime());
        return highest.accumulateAndGet(reading, Math::max);
    }

    @Override
    public long realNanos(long clockNanos) {
        return (long) Math.ceil(clockNanos / segment.rate());
    }

    public double rate() {
        return segment.rate();
    }

    /**
     * From now on the clock runs at {@code rate} times the underlying clock, continuing from its
     * current reading.
     *
     * @throws IllegalArgumentException unless {@code MIN_RATE <= rate <= MAX_RATE}
     */
    public synchronized void setRate(double rate) {
        if (!(rate >= MIN_RATE && rate <= MAX_RATE)) { // also refuses NaN
            throw new IllegalArgumentException("a clock rate must be between " + MIN_RATE + " and " + MAX_RATE
                    + " (1 = real time, 1.05 = 5% fast), got " + rate);
        }
        long now = underlying.nanoTime();
        long reading = highest.accumulateAndGet(segment.readingAt(now), Math::max);
        segment = new Segment(now, reading, rate);
    }
}
