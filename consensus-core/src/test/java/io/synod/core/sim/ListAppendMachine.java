package io.synod.core.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The replicated state machine the simulator runs: keys holding lists, with "append" and "read".
 * Appends make order visible (a read shows every earlier append in order), so a replica applying
 * a different sequence produces different results, which the checker then sees.
 */
final class ListAppendMachine {
    private final TreeMap<String, List<String>> lists = new TreeMap<>();

    /** A deep copy: what a snapshot of this state machine holds. */
    ListAppendMachine copy() {
        ListAppendMachine copy = new ListAppendMachine();
        lists.forEach((key, list) -> copy.lists.put(key, new ArrayList<>(list)));
        return copy;
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

    /** The list under {@code key}, read without going through the log. */
    List<String> query(String key) {
        return List.copyOf(lists.getOrDefault(key, List.of()));
    }

    /** Applies one command and returns its result. */
    String apply(byte[] payload) {
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        List<String> list = lists.computeIfAbsent(parts[1], k -> new ArrayList<>());
        if (parts[0].equals("A")) {
            list.add(parts[2]);
            return "len=" + list.size();
        }
        return String.join(",", list);
    }
}
