package io.synod.core.runtime;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids for this node's commands: the node id in the top 16 bits, a counter in the low 48 that
 * starts at a random point for each process. A node recognises its own commands when it applies
 * them; the random start keeps a restarted node from mistaking an old command (re-proposed by a new
 * leader) for a new one of its own. Thread-safe.
 */
final class CommandIds {
    private static final long COUNTER_MASK = (1L << 48) - 1;
    private final long nodeBits;
    private final AtomicLong counter;

    CommandIds(int nodeId, SplittableRandom random) {
        if (nodeId <= 0 || nodeId > 0xFFFF) {
            throw new IllegalArgumentException("node id " + nodeId + " must be between 1 and 65535");
        }
        this.nodeBits = (long) nodeId << 48;
        this.counter = new AtomicLong(random.nextLong(1L << 47));
    }

    long next() {
        return nodeBits | (counter.incrementAndGet() & COUNTER_MASK);
    }
}
