package io.synod.core.api;

/**
 * The monotonic clock a node measures time with: its ticks (heartbeats, election timeouts,
 * retransmissions), its timeouts, and the leader's lease for {@link ReadConsistency#LEASE} reads.
 * The default, {@link #SYSTEM}, is {@link System#nanoTime()}. Supply another through
 * {@link SynodNode.Builder#monotonicClock} <b>for tests only</b>: to make one node's clock run fast
 * or slow (clock skew), as a real clock may.
 *
 * <p>What an implementation must promise:
 * <ul>
 * <li><b>Monotonic</b>: {@link #nanoTime()} never decreases. Never base it on the wall clock
 *     ({@link System#currentTimeMillis()}, {@code Instant.now()}), which NTP and operators step
 *     backwards and forwards.</li>
 * <li><b>A bounded rate</b>: lease reads are linearizable only while no node's clock runs more than
 *     {@code 1 + }{@link SynodOptions#maxClockDrift()} times as fast as another's. A clock that runs
 *     outside that bound is a fault the node cannot detect.</li>
 * <li><b>Thread-safe</b>: every thread of the node reads it, concurrently.</li>
 * </ul>
 * The node never writes to it and does not close it; the caller owns it.
 */
@FunctionalInterface
public interface MonotonicClock {
    /** {@link System#nanoTime()}: what a node uses unless told otherwise. */
    MonotonicClock SYSTEM = System::nanoTime;

    /** The clock's reading, in nanoseconds from an arbitrary origin; never decreases. */
    long nanoTime();

    /**
     * How many nanoseconds of real time (as {@link System#nanoTime()} and the JVM's timed waits
     * measure it) this clock takes to advance by {@code clockNanos}, for {@code clockNanos > 0}.
     * A node's consensus threads wait this long for their next tick, so a clock running at rate
     * {@code r} makes the node tick {@code r} times as often, as a real fast or slow clock would.
     * The default, {@code clockNanos}, is right for a clock that runs at the real rate; a clock
     * running at another rate must override it.
     */
    default long realNanos(long clockNanos) {
        return clockNanos;
    }
}
