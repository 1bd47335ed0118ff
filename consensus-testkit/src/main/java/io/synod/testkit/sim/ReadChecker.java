package io.synod.testkit.sim;

import io.synod.core.protocol.Command;
import io.synod.core.protocol.Value;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Checks that reads served outside the log (read index, lease) are linearizable with everything
 * else: each must be explainable as taking effect at one point of the agreed sequence of commands,
 * a point inside its own real-time interval, and reads that follow one another in real time must
 * take effect in that order.
 *
 * <p>Which points a read's result fits is the {@link Placement}'s business (for the list-append
 * machine, a range read off the appends it saw; for any other machine, the points where its query
 * gives that result). Real time narrows the choice: every command acknowledged before the read
 * began must be before its point, every command first sent after the read ended must be after it.
 * Then each read, in order of invocation, takes the earliest point it can that is not before the
 * point of any read that ended before it began (earliest is never worse for later reads). A read
 * left without a point is a violation — the stale read a lease beyond its bound serves, say.
 *
 * <p>Times are the simulator's; a read's interval runs from its client's first attempt to the
 * answer reaching the client, which only widens it (so the check never blames a correct read).
 */
final class ReadChecker {

    /** A read answered outside the log: what it asked, what it got, when, and how. */
    record Read(int client, byte[] query, String result, long invokedMicros, long completedMicros, String how,
                int node) {
    }

    /** Where in the agreed sequence a read's result fits. */
    interface Placement {
        /** The agreed sequence of commands, in order: point {@code p} means "after the first {@code p}". */
        void prepare(List<Command> sequence);

        /** The earliest point in {@code from..to} at which the state gives {@code read}'s result, or -1. */
        long earliestPoint(Read read, long from, long to);

        /** Why {@code read} fits no point of {@code from..to}, for the violation report. */
        String explainMisfit(Read read, long from, long to);
    }

    private final Placement placement;
    private final Map<Long, Long> invokedAt = new HashMap<>();
    private final Map<Long, Long> ackedAt = new HashMap<>();
    private final List<Read> reads = new ArrayList<>();

    ReadChecker(Placement placement) {
        this.placement = placement;
    }

    void commandSent(long commandId, long nowMicros) {
        invokedAt.putIfAbsent(commandId, nowMicros);
    }

    void commandAcked(long commandId, long nowMicros) {
        ackedAt.merge(commandId, nowMicros, Math::min);
    }

    void readCompleted(Read read) {
        reads.add(read);
    }

    int reads() {
        return reads.size();
    }

    /** Checks every read against {@code sequence}, the agreed values by slot. */
    void check(TreeMap<Long, Value> sequence, Consumer<String> violation) {
        if (reads.isEmpty()) {
            return;
        }
        // Positions: the n-th command of the agreed sequence is at position n (1-based); a point p
        // means "after the first p commands".
        Map<Long, Long> firstPosition = new HashMap<>();
        List<Command> commands = new ArrayList<>();
        for (Value value : sequence.values()) {
            if (!(value instanceof Value.Batch batch)) {
                continue;
            }
            for (Command command : batch.commands()) {
                commands.add(command);
                firstPosition.putIfAbsent(command.id(), (long) commands.size());
            }
        }
        long end = commands.size();
        placement.prepare(commands);

        // Lower bounds from commands acknowledged before a read began, upper bounds from commands
        // first sent after it ended; both as sorted step functions.
        List<long[]> acked = new ArrayList<>(); // {ack time, position}
        List<long[]> sent = new ArrayList<>();  // {send time, position}
        for (Map.Entry<Long, Long> e : firstPosition.entrySet()) {
            Long ack = ackedAt.get(e.getKey());
            if (ack != null) {
                acked.add(new long[] {ack, e.getValue()});
            }
            Long invoked = invokedAt.get(e.getKey());
            if (invoked != null) {
                sent.add(new long[] {invoked, e.getValue()});
            }
        }
        acked.sort(Comparator.comparingLong(a -> a[0]));
        sent.sort(Comparator.comparingLong(a -> -a[0]));
        long[] ackTimes = new long[acked.size()];
        long[] maxPositionAckedBy = new long[acked.size()];
        for (int i = 0; i < acked.size(); i++) {
            ackTimes[i] = acked.get(i)[0];
            maxPositionAckedBy[i] = Math.max(i == 0 ? 0 : maxPositionAckedBy[i - 1], acked.get(i)[1]);
        }
        long[] sendTimesDesc = new long[sent.size()];
        long[] minPositionSentFrom = new long[sent.size()];
        for (int i = 0; i < sent.size(); i++) {
            sendTimesDesc[i] = sent.get(i)[0];
            minPositionSentFrom[i] = Math.min(i == 0 ? Long.MAX_VALUE : minPositionSentFrom[i - 1], sent.get(i)[1]);
        }

        List<Read> byInvocation = new ArrayList<>(reads);
        byInvocation.sort(Comparator.comparingLong(Read::invokedMicros));
        List<long[]> placed = new ArrayList<>(); // {completed, point}
        for (Read read : byInvocation) {
            int a = lastBefore(ackTimes, read.invokedMicros());
            long mustInclude = a < 0 ? 0 : maxPositionAckedBy[a];
            int s = lastAfterDesc(sendTimesDesc, read.completedMicros());
            long mustExclude = s < 0 ? Long.MAX_VALUE : minPositionSentFrom[s] - 1;
            long earlierReads = 0;
            for (long[] p : placed) {
                if (p[0] < read.invokedMicros()) {
                    earlierReads = Math.max(earlierReads, p[1]);
                }
            }
            long from = Math.max(mustInclude, earlierReads);
            long to = Math.min(end, mustExclude);
            long point = from > to ? -1 : placement.earliestPoint(read, from, to);
            if (point < 0) {
                String because = mustInclude >= earlierReads
                        ? "a command at position " + mustInclude + " was acknowledged before it began"
                        : "a read that ended before it began saw the sequence up to position " + earlierReads;
                violation.accept(String.format("stale %s read by client %d at node %d (%.3f-%.3f ms): %s; it must"
                                + " take effect between positions %d and %d of the agreed sequence, because %s",
                        read.how(), read.client(), read.node(), read.invokedMicros() / 1000.0,
                        read.completedMicros() / 1000.0, placement.explainMisfit(read, from, to), from, to, because));
                continue;
            }
            placed.add(new long[] {read.completedMicros(), point});
        }
    }

    /** Index of the last element strictly below {@code time} in ascending {@code times}, or -1. */
    private static int lastBefore(long[] times, long time) {
        int lo = 0;
        int hi = times.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < time) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Index of the last element strictly above {@code time} in descending {@code times}, or -1. */
    private static int lastAfterDesc(long[] times, long time) {
        int lo = 0;
        int hi = times.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] > time) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
