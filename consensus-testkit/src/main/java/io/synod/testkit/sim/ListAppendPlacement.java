package io.synod.testkit.sim;

import io.synod.core.protocol.Command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Places reads of the {@link ListAppendMachine} without replaying it: a read of key {@code k}
 * that returned the values of the first {@code L} appends to {@code k} took effect after the
 * command that made the {@code L}-th append and before the one that made the next — a range of
 * points read off the sequence directly.
 */
final class ListAppendPlacement implements ReadChecker.Placement {
    private final Map<String, List<String>> appendValues = new HashMap<>();
    private final Map<String, List<Long>> appendPositions = new HashMap<>();
    private long end;

    @Override
    public void prepare(List<Command> sequence) {
        long position = 0;
        for (Command command : sequence) {
            position++;
            String[] parts = new String(command.payload(), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts[0].equals("A")) {
                appendValues.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[2]);
                appendPositions.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(position);
            }
        }
        end = position;
    }

    @Override
    public long earliestPoint(ReadChecker.Read read, long from, long to) {
        String key = ListAppendMachine.keyOf(read.query());
        List<String> seen = ListAppendMachine.valuesOf(read.result());
        List<String> values = appendValues.getOrDefault(key, List.of());
        if (seen.size() > values.size() || !values.subList(0, seen.size()).equals(seen)) {
            return -1;
        }
        List<Long> positions = appendPositions.getOrDefault(key, List.of());
        long low = seen.isEmpty() ? 0 : positions.get(seen.size() - 1);
        long high = seen.size() < positions.size() ? positions.get(seen.size()) - 1 : end;
        long point = Math.max(low, from);
        return point <= Math.min(high, to) ? point : -1;
    }

    @Override
    public String explainMisfit(ReadChecker.Read read, long from, long to) {
        String key = ListAppendMachine.keyOf(read.query());
        List<String> seen = ListAppendMachine.valuesOf(read.result());
        List<String> values = appendValues.getOrDefault(key, List.of());
        if (seen.size() > values.size() || !values.subList(0, seen.size()).equals(seen)) {
            return "it read " + key + " = " + seen + ", not a prefix of the agreed appends " + values;
        }
        List<Long> positions = appendPositions.getOrDefault(key, List.of());
        long low = seen.isEmpty() ? 0 : positions.get(seen.size() - 1);
        long high = seen.size() < positions.size() ? positions.get(seen.size()) - 1 : end;
        return "it saw the first " + seen.size() + " appends to " + key + ", the state between positions " + low
                + " and " + high;
    }
}
