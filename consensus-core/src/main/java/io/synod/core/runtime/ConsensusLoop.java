package io.synod.core.runtime;

import io.synod.core.api.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One consensus thread and the groups pinned to it. Everything that touches a group's
 * {@link io.synod.core.protocol.Replica} runs here, one event at a time, so replicas need no locks.
 *
 * <p>Inputs that may be shed under load (messages, proposals) count against
 * {@code maxQueuedEvents} and are refused beyond it; control events (storage completions) are
 * never refused, because losing one would leave replies held forever. Their number is bounded by
 * the appends in flight.
 */
final class ConsensusLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsensusLoop.class);
    private static final int EVENTS_PER_TICK_CHECK = 256;

    private final String name;
    private final TickTimer ticks;
    private final int maxQueuedEvents;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger sheddable = new AtomicInteger();
    private final List<GroupRuntime> groups = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final HeartbeatCoalescer heartbeats;
    /** Actions for the end of the current pass (see {@link #atEndOfPass}); consensus thread only. */
    private final List<Runnable> endOfPass = new ArrayList<>();
    private volatile boolean running = true;

    /** @param tickNanos one tick, measured on {@code clock} (the loop ticks as fast as {@code clock} runs) */
    ConsensusLoop(String name, MonotonicClock clock, long tickNanos, int maxQueuedEvents,
                  HeartbeatCoalescer heartbeats) {
        this.name = name;
        this.heartbeats = heartbeats;
        this.ticks = new TickTimer(clock, tickNanos);
        this.maxQueuedEvents = maxQueuedEvents;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void pin(GroupRuntime group) {
        groups.add(group);
    }

    void start() {
        thread.start();
    }

    /** Queues an input that may be shed; false when {@code maxQueuedEvents} inputs are already waiting. */
    boolean submit(Runnable event) {
        if (!running || sheddable.incrementAndGet() > maxQueuedEvents) {
            sheddable.decrementAndGet();
            return false;
        }
        queue.add(() -> {
            sheddable.decrementAndGet();
            event.run();
        });
        return true;
    }

    /** Queues an event that must not be lost (storage completions, lifecycle). */
    void control(Runnable event) {
        queue.add(event);
    }

    /** The coalescer of this thread's heartbeats (use from this thread only). */
    HeartbeatCoalescer heartbeats() {
        return heartbeats;
    }

    boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            try {
                long parkNanos = ticks.parkNanos();
                Runnable event = parkNanos > 0 ? queue.poll(parkNanos, TimeUnit.NANOSECONDS) : queue.poll();
                for (int i = 0; event != null && i < EVENTS_PER_TICK_CHECK; i++) {
                    runSafely(event);
                    event = i + 1 < EVENTS_PER_TICK_CHECK ? queue.poll() : null;
                }
                if (ticks.takeDueTick()) {
                    for (GroupRuntime group : groups) {
                        runSafely(group::tick);
                    }
                }
                runEndOfPass();
                runSafely(heartbeats::flush); // one message per peer for everything this pass produced
            } catch (InterruptedException e) {
                if (running) {
                    log.warn("{}: interrupted while running; stopping", name);
                }
                return;
            }
        }
    }

    /**
     * Runs {@code action} once this pass's events are done, before its heartbeats go out: for work
     * that is cheaper done once for many events (proposing every command of the pass as one batch).
     * Consensus thread only.
     */
    void atEndOfPass(Runnable action) {
        endOfPass.add(action);
    }

    private void runEndOfPass() {
        for (int i = 0; i < endOfPass.size(); i++) { // an action may add another; it runs in this pass too
            runSafely(endOfPass.get(i));
        }
        endOfPass.clear();
    }

    private void runSafely(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException | Error e) {
            // A group's own failures are handled inside GroupRuntime; anything reaching here is a bug.
            log.error("{}: event failed", name, e);
        }
    }

    /** Stops the thread after the event it is running; queued events are discarded. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
