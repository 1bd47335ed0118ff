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
        Fit fit = fit(read);
        if (!fit.prefix()) {
            return -1;
        }
        long point = Math.max(fit.low(), from);
        return point <= Math.min(fit.high(), to) ? point : -1;
    }

    @Override
    public String explainMisfit(ReadChecker.Read read, long from, long to) {
        Fit fit = fit(read);
        if (!fit.prefix()) {
            return "it read " + fit.key() + " = " + fit.seen() + ", not a prefix of the agreed appends " + fit.appended();
        }
        return "it saw the first " + fit.seen().size() + " appends to " + fit.key() + ", the state between positions "
                + fit.low() + " and " + fit.high();
    }

    /**
     * What a read's result says about its point: whether it is a prefix of the key's agreed appends,
     * and if so the points {@code low..high} at which exactly that prefix had been applied.
     */
    private record Fit(String key, List<String> seen, List<String> appended, boolean prefix, long low, long high) {
    }

    private Fit fit(ReadChecker.Read read) {
        String key = ListAppendMachine.keyOf(read.query());
        List<String> seen = ListAppendMachine.valuesOf(read.result());
        List<String> appended = appendValues.getOrDefault(key, List.of());
        if (seen.size() > appended.size() || !appended.subList(0, seen.size()).equals(seen)) {
            return new Fit(key, seen, appended, false, -1, -1);
        }
        List<Long> positions = appendPositions.getOrDefault(key, List.of());
        long low = seen.isEmpty() ? 0 : positions.get(seen.size() - 1);
        long high = seen.size() < positions.size() ? positions.get(seen.size()) - 1 : end;
        return new Fit(key, seen, appended, true, low, high);
    }
}
