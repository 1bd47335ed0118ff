package io.synod.transport;

import io.synod.core.protocol.Message;
import io.synod.core.transport.Transport;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** Polling with a deadline (never a fixed sleep standing in for a condition). */
final class Await {
    private static final AtomicLong PROBES = new AtomicLong(1_000_000);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Sends fresh heartbeats from {@code from} to {@code to} until one of them shows up in
     * {@code received} (the receiver's handler adds every message there).
     */
    static void delivered(Transport from, int to, Collection<Message> received) throws InterruptedException {
        long mark = PROBES.incrementAndGet();
        until("a message from node " + from.localNodeId() + " to node " + to, () -> {
            from.send(RawPeer.heartbeat(from.localNodeId(), to, mark));
            return received.stream().anyMatch(m -> m instanceof Message.Heartbeat h && h.commitUpTo() == mark
                    && h.from() == from.localNodeId());
        });
    }
}
