package io.synod.testkit.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The replicated state machine the simulator runs: keys holding lists, with "append" and "read".
 * Appends make order visible (a read shows every earlier append in order), so a replica applying
 * a different sequence produces different results, which the checker then sees.
 */
final class ListAppendMachine implements SimMachine {
    private final TreeMap<String, List<String>> lists = new TreeMap<>();

    /** A deep copy: what a snapshot of this state machine holds. */
    @Override
    public ListAppendMachine copy() {
        ListAppendMachine copy = new ListAppendMachine();
        lists.forEach((key, list) -> copy.lists.put(key, new ArrayList<>(list)));
        return copy;
    }

    @Override
    public boolean sameStateAs(SimMachine other) {
        return equals(other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListAppendMachine other && lists.equals(other.lists);
    }

    @Override
    public int hashCode() {
        return lists.hashCode();
    }

    @Override
    public String toString() {
        return lists.toString();
    }

    static byte[] append(String key, String value) {
        return ("A|" + key + "|" + value).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] read(String key) {
        return ("R|" + key).getBytes(StandardCharsets.UTF_8);
    }

    /** The key a read ({@link #read}) asks for. */
    static String keyOf(byte[] query) {
        return new String(query, StandardCharsets.UTF_8).split("\\|", -1)[1];
    }

    /** The values a read's result lists, in order. */
    static List<String> valuesOf(String result) {
        return result.isEmpty() ? List.of() : List.of(result.split(",", -1));
    }

    /** The list under the key of {@code query} (a {@link #read}), read without going through the log: values joined by commas. */
    @Override
    public String query(byte[] query) {
        return String.join(",", lists.getOrDefault(keyOf(query), List.of()));
    }

    /** Applies one command and returns its result. */
    @Override
    public String apply(byte[] payload) {
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        List<String> list = lists.computeIfAbsent(parts[1], k -> new ArrayList<>());
        if (parts[0].equals("A")) {
            list.add(parts[2]);
            return "len=" + list.size();
        }
        return String.join(",", list);
    }
}
