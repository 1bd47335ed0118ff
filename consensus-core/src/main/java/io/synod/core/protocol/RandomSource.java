package io.synod.core.protocol;

/**
 * Randomness injected into the protocol (election timeouts, backoff). The simulator passes a
 * seeded source so any run can be replayed; the runtime passes a real one.
 */
@FunctionalInterface
public interface RandomSource {
    /** A uniformly distributed int in {@code [0, bound)}; {@code bound} is positive. */
    int nextInt(int bound);
}
