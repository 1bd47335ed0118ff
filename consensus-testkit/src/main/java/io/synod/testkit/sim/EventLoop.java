package io.synod.testkit.sim;

import java.util.PriorityQueue;

/**
 * Simulated time and the single ordered queue of everything that happens. Events at the same
 * instant run in the order they were scheduled, so a run depends on nothing but its seed.
 */
final class EventLoop {
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long nowMicros;
    private long sequence;
    private long executed;

    private record Event(long atMicros, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int byTime = Long.compare(atMicros, o.atMicros);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }
    }

    long nowMicros() {
        return nowMicros;
    }

    long executed() {
        return executed;
    }

    void at(long atMicros, Runnable action) {
        queue.add(new Event(Math.max(atMicros, nowMicros), sequence++, action));
    }

    void after(long delayMicros, Runnable action) {
        at(nowMicros + delayMicros, action);
    }

    /** Runs events until {@code untilMicros} or until {@code stop} says so (checked after each event). */
    void runUntil(long untilMicros, java.util.function.BooleanSupplier stop) {
        while (!queue.isEmpty() && queue.peek().atMicros <= untilMicros) {
            Event event = queue.poll();
            nowMicros = event.atMicros;
            executed++;
            event.action.run();
            if (stop.getAsBoolean()) {
                return;
            }
        }
        nowMicros = Math.max(nowMicros, untilMicros);
    }
}
