package io.synod.core.protocol;

import io.synod.core.invariant.Invariants;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Persist-before-send for one replica: numbers each step's batch of records, learns from
 * {@link Replica#persisted(long)} how far they are durable, and holds every message that reports
 * durable state until everything written before it is.
 */
final class HeldReplies implements Outbox.DurabilityGate {
    private final long groupId;
    private final int self;
    private long writtenSeq;
    private long durableSeq;
    private final ArrayDeque<Held> held = new ArrayDeque<>();

    private record Held(long seq, Message message) {
    }

    HeldReplies(long groupId, int self) {
        this.groupId = groupId;
        this.self = self;
    }

    @Override
    public boolean holdUnlessDurable(Message message, boolean thisStepWroteRecords) {
        long needed = thisStepWroteRecords ? writtenSeq + 1 : writtenSeq;
        if (needed <= durableSeq) {
            return false;
        }
        held.add(new Held(needed, message));
        return true;
    }

    /** Called at the end of a step; returns the sequence number of its records. */
    long endStep(boolean wroteRecords) {
        if (wroteRecords) {
            writtenSeq++;
        }
        return writtenSeq;
    }

    /** Everything up to {@code persistSeq} is durable: releases what waited for it, in order. */
    void persisted(long persistSeq, List<Message> released) {
        Invariants.check(persistSeq >= durableSeq && persistSeq <= writtenSeq,
                "group %d node %d: persisted(%d) outside [%d, %d]: storage acknowledged out of order",
                groupId, self, persistSeq, durableSeq, writtenSeq);
        durableSeq = persistSeq;
        while (!held.isEmpty() && held.peek().seq() <= durableSeq) {
            released.add(held.poll().message());
        }
    }
}
