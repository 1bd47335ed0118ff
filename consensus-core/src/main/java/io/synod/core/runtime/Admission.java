package io.synod.core.runtime;

import io.synod.core.api.OverloadedException;
import io.synod.core.api.SynodOptions;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Node-wide admission control: proposals waiting for an outcome (by count and bytes) and chosen
 * bytes not yet applied. A proposal is admitted only while all three are under their limits, so
 * memory stays bounded however fast clients propose. Thread-safe.
 */
final class Admission {
    private final SynodOptions options;
    private final AtomicInteger pendingProposals = new AtomicInteger();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong applyBacklogBytes = new AtomicLong();

    Admission(SynodOptions options) {
        this.options = options;
    }

    /** Reserves room for one proposal of {@code bytes}, or throws naming the limit reached. */
    void admit(int bytes) {
        long backlog = applyBacklogBytes.get();
        if (backlog > options.maxApplyBacklogBytes()) {
            throw new OverloadedException("maxApplyBacklogBytes", backlog + " chosen bytes wait to be applied, over"
                    + " maxApplyBacklogBytes (" + options.maxApplyBacklogBytes() + "): the state machine is behind; retry later");
        }
        if (pendingProposals.incrementAndGet() > options.maxPendingProposals()) {
            pendingProposals.decrementAndGet();
            throw new OverloadedException("maxPendingProposals", options.maxPendingProposals()
                    + " proposals already wait for an outcome (maxPendingProposals); retry later");
        }
        if (pendingBytes.addAndGet(bytes) > options.maxPendingBytes()) {
            pendingBytes.addAndGet(-bytes);
            pendingProposals.decrementAndGet();
            throw new OverloadedException("maxPendingBytes", "proposals waiting for an outcome would hold more than"
                    + " maxPendingBytes (" + options.maxPendingBytes() + ") bytes; retry later");
        }
    }

    void release(int bytes) {
        pendingProposals.decrementAndGet();
        pendingBytes.addAndGet(-bytes);
    }

    void addApplyBacklog(long bytes) {
        applyBacklogBytes.addAndGet(bytes);
    }

    void removeApplyBacklog(long bytes) {
        applyBacklogBytes.addAndGet(-bytes);
    }

    int pendingProposals() {
        return pendingProposals.get();
    }

    long pendingBytes() {
        return pendingBytes.get();
    }

    long applyBacklogBytes() {
        return applyBacklogBytes.get();
    }
}
