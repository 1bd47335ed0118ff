package io.synod.testkit.sim;

import io.synod.core.protocol.RandomSource;

import java.util.SplittableRandom;

/** Seeded randomness for the simulator; every random choice of a run flows from one seed. */
final class SimRandom implements RandomSource {
    private final SplittableRandom random;

    SimRandom(long seed) {
        // split() draws a fresh gamma from the seed: neighbouring seeds give unrelated streams
        // (a plain new SplittableRandom(n + 1) is the stream of n shifted by one step).
        this(new SplittableRandom(seed).split());
    }

    private SimRandom(SplittableRandom random) {
        this.random = random;
    }

    /** An independent stream, e.g. for one replica, derived deterministically from this one. */
    SimRandom fork() {
        return new SimRandom(random.split());
    }

    @Override
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    long between(long minInclusive, long maxExclusive) {
        return minInclusive >= maxExclusive ? minInclusive : random.nextLong(minInclusive, maxExclusive);
    }

    long nextLong() {
        return random.nextLong();
    }

    double nextDouble() {
        return random.nextDouble();
    }

    boolean chance(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    <T> T pick(java.util.List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
