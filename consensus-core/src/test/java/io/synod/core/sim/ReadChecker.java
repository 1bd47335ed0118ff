package io.synod.core.sim;

import io.synod.core.protocol.Command;
import io.synod.core.protocol.Value;

import java.nio.charset.StandardCharsets;
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
 * <p>A read of key {@code k} returned the values of the first {@code L} appends to {@code k}, so it
 * took effect after the command that made the {@code L}-th append and before the one that made the
 * next: a range of points in the sequence. Real time narrows it: every command acknowledged before
 * the read began must be before its point, every command first sent after the read ended must be
 * after it. Then each read, in order of invocation, takes the earliest point it can that is not
 * before the point of any read that ended before it began (earliest is never worse for later reads).
 * A read left without a point is a violation — the stale read a lease beyond its bound serves, say.
 *
 * <p>Times are the simulator's; a read's interval runs from its client's first attempt to the
 * answer reaching the client, which only widens it (so the check never blames a correct read).
 */
final class ReadChecker {

    /** A read answered outside the log. */
    record Read(int client, String key, List<String> values, long invokedMicros, long completedMicros, String how,
                int node) {
    }

    private final Map<Long, Long> invokedAt = new HashMap<>();
    private final Map<Long, Long> ackedAt = new HashMap<>();
    private final List<Read> reads = new ArrayList<>();

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
        Map<String, List<String>> appendValues = new HashMap<>();
        Map<String, List<Long>> appendPositions = new HashMap<>();
        long position = 0;
        for (Value value : sequence.values()) {
            if (!(value instanceof Value.Batch batch)) {
                continue;
            }
            for (Command command : batch.commands()) {
                position++;
                firstPosition.putIfAbsent(command.id(), position);
                String[] parts = new String(command.payload(), StandardCharsets.UTF_8).split("\\|", -1);
                if (parts[0].equals("A")) {
                    appendValues.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[2]);
                    appendPositions.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(position);
                }
            }
        }
        long end = position;

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
            List<String> values = appendValues.getOrDefault(read.key(), List.of());
            List<Long> positions = appendPositions.getOrDefault(read.key(), List.of());
            int seen = read.values().size();
            if (seen > values.size() || !values.subList(0, seen).equals(read.values())) {
                violation.accept(String.format("%s read of %s by client %d at node %d returned %s, not a prefix of the"
                        + " agreed appends %s", read.how(), read.key(), read.client(), read.node(), read.values(), values));
                continue;
            }
            long low = seen == 0 ? 0 : positions.get(seen - 1);
            long high = seen < positions.size() ? positions.get(seen) - 1 : end;
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
            long point = Math.max(low, Math.max(mustInclude, earlierReads));
            long latest = Math.min(high, mustExclude);
            if (point > latest) {
                String because = mustInclude >= earlierReads
                        ? "a command at position " + mustInclude + " was acknowledged before it began"
                        : "a read that ended before it began saw the sequence up to position " + earlierReads;
                violation.accept(String.format("stale %s read of %s by client %d at node %d (%.3f-%.3f ms): it saw the"
                                + " first %d appends, the state between positions %d and %d of the agreed sequence, but %s",
                        read.how(), read.key(), read.client(), read.node(), read.invokedMicros() / 1000.0,
                        read.completedMicros() / 1000.0, seen, low, high, because));
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
