package io.synod.testkit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides whether a history of register operations is linearizable: whether there is one order of
 * the operations, consistent with real time (an operation that returned before another was
 * called comes first), in which every operation's outcome is what a single register would give.
 *
 * <p>Keys are independent registers, so the history is split per key and each part checked alone
 * (linearizability is compositional), which keeps the search small. Each part is searched with
 * the Wing–Gong algorithm as improved by Lowe (memoizing every pair of "operations linearized so
 * far" and register state already explored), the algorithm behind Knossos and Porcupine.
 *
 * <p>Outcomes: {@code ok:false} puts and gets had no effect and are left out; a cas with
 * {@code ok:false} observed a value other than its {@code expect}; an indeterminate put or cas may
 * take effect at any point after its call, or never; an indeterminate get observed nothing.
 */
public final class LinearizabilityChecker {

    /** The verdict on a history. */
    public record Result(Verdict verdict, int keys, int operations, String explanation) {
        public boolean linearizable() {
            return verdict == Verdict.LINEARIZABLE;
        }

        @Override
        public String toString() {
            return verdict + " (" + operations + " operations on " + keys + " keys)"
                    + (explanation == null ? "" : ":\n" + explanation);
        }
    }

    public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

    private final Duration budget;

    /** @param budget how long to search before answering {@link Verdict#UNKNOWN} */
    public LinearizabilityChecker(Duration budget) {
        this.budget = budget;
    }

    public Result check(List<Operation> history) {
        Map<String, List<Operation>> byKey = new TreeMap<>();
        for (Operation o : history) {
            byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
        }
        long deadline = System.nanoTime() + budget.toNanos();
        int checked = 0;
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            KeySearch search = new KeySearch(e.getKey(), e.getValue(), deadline);
            Verdict verdict = search.run();
            checked += search.operations.size();
            if (verdict != Verdict.LINEARIZABLE) {
                return new Result(verdict, byKey.size(), history.size(), verdict == Verdict.UNKNOWN
                        ? "gave up on key " + e.getKey() + " after " + budget.toSeconds() + " s (" + e.getValue().size()
                                + " operations); " + checked + " operations on earlier keys were linearizable"
                        : search.explain());
            }
        }
        return new Result(Verdict.LINEARIZABLE, byKey.size(), history.size(), null);
    }

    /** The search for one key's register. */
    private static final class KeySearch {
        /** An event in the doubly linked list of calls and returns, in time order. */
        private static final class Entry {
            final int op;
            final boolean isCall;
            final long time;
            Entry match; // a call's return (null if the op never returned), a return's call
            Entry prev;
            Entry next;

            Entry(int op, boolean isCall, long time) {
                this.op = op;
                this.isCall = isCall;
                this.time = time;
            }
        }

        private record Frame(Entry call, String stateBefore) {
        }

        private record Memo(BitSet linearized, String state) {
        }

        final String key;
        final List<Operation> operations = new ArrayList<>();
        private final long deadline;
        private final Entry head = new Entry(-1, true, Long.MIN_VALUE);
        private List<Integer> deepest = List.of();
        private int blockedAt = -1;

        KeySearch(String key, List<Operation> ops, long deadline) {
            this.key = key;
            this.deadline = deadline;
            for (Operation o : ops) {
                boolean noEffect = Boolean.FALSE.equals(o.ok()) && o.kind() != Operation.Kind.CAS;
                boolean observedNothing = o.indeterminate() && o.kind() == Operation.Kind.GET;
                if (!noEffect && !observedNothing) {
                    operations.add(o);
                }
            }
        }

        Verdict run() {
            buildEntries();
            String state = null; // every register starts absent
            BitSet linearized = new BitSet(operations.size());
            Set<Memo> seen = new HashSet<>();
            ArrayDeque<Frame> stack = new ArrayDeque<>();
            Entry entry = head.next;
            long steps = 0;
            while (true) {
                if (entry == null) {
                    return Verdict.LINEARIZABLE; // every operation that returned is linearized
                }
                if ((++steps & 0xFFF) == 0 && System.nanoTime() > deadline) {
                    return Verdict.UNKNOWN;
                }
                if (entry.isCall) {
                    Operation o = operations.get(entry.op);
                    String[] next = step(state, o);
                    if (next != null) {
                        BitSet after = (BitSet) linearized.clone();
                        after.set(entry.op);
                        if (seen.add(new Memo(after, next[0]))) {
                            stack.push(new Frame(entry, state));
                            lift(entry);
                            linearized = after;
                            state = next[0];
                            noteProgress(stack);
                            entry = head.next;
                            continue;
                        }
                    }
                    entry = entry.next;
                } else {
                    if (stack.size() == deepest.size() && blockedAt < 0) {
                        blockedAt = entry.op;
                    }
                    if (stack.isEmpty()) {
                        return Verdict.NOT_LINEARIZABLE;
                    }
                    Frame top = stack.pop();
                    state = top.stateBefore();
                    linearized = (BitSet) linearized.clone();
                    linearized.clear(top.call().op);
                    unlift(top.call());
                    entry = top.call().next;
                }
            }
        }

        /** The register after {@code o}, as a one-element array (null element = absent), or null if {@code o} cannot happen now. */
        private static String[] step(String state, Operation o) {
            switch (o.kind()) {
                case PUT:
                    return new String[] {o.value()};
                case GET:
                    return Objects.equals(state, o.result()) ? new String[] {state} : null;
                default:
                    boolean matches = Objects.equals(state, o.expect());
                    if (Boolean.FALSE.equals(o.ok())) {
                        return matches ? null : new String[] {state};
                    }
                    return matches ? new String[] {o.value()} : null;
            }
        }

        private void buildEntries() {
            List<Entry> events = new ArrayList<>();
            for (int i = 0; i < operations.size(); i++) {
                Operation o = operations.get(i);
                Entry call = new Entry(i, true, o.callNs());
                events.add(call);
                if (o.returnNs() != null) {
                    Entry ret = new Entry(i, false, o.returnNs());
                    call.match = ret;
                    ret.match = call;
                    events.add(ret);
                }
            }
            // Time order; at equal times calls first, so operations that touch are concurrent.
            events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.isCall ? 0 : 1));
            Entry prev = head;
            for (Entry e : events) {
                prev.next = e;
                e.prev = prev;
                prev = e;
            }
        }

        /** Removes a call and its return from the list. */
        private static void lift(Entry call) {
            call.prev.next = call.next;
            if (call.next != null) {
                call.next.prev = call.prev;
            }
            Entry ret = call.match;
            if (ret != null) {
                ret.prev.next = ret.next;
                if (ret.next != null) {
                    ret.next.prev = ret.prev;
                }
            }
        }

        /** Puts them back (in the reverse order of lifting). */
        private static void unlift(Entry call) {
            Entry ret = call.match;
            if (ret != null) {
                ret.prev.next = ret;
                if (ret.next != null) {
                    ret.next.prev = ret;
                }
            }
            call.prev.next = call;
            if (call.next != null) {
                call.next.prev = call;
            }
        }

        private void noteProgress(ArrayDeque<Frame> stack) {
            if (stack.size() > deepest.size()) {
                List<Integer> order = new ArrayList<>();
                stack.descendingIterator().forEachRemaining(f -> order.add(f.call().op));
                deepest = order;
                blockedAt = -1;
            }
        }

        /** The longest order found, and the operation no order could place after it. */
        String explain() {
            StringBuilder out = new StringBuilder("key " + key + ": no order of its " + operations.size()
                    + " operations explains what the clients saw.\n");
            int from = Math.max(0, deepest.size() - 8);
            out.append("  longest consistent order found (").append(deepest.size()).append(" operations")
                    .append(from > 0 ? ", last 8 shown" : "").append("):\n");
            String state = null;
            for (int i = 0; i < deepest.size(); i++) {
                Operation o = operations.get(deepest.get(i));
                String[] next = step(state, o);
                state = next == null ? state : next[0];
                if (i >= from) {
                    out.append("    ").append(o.describe()).append("   => ").append(state == null ? "absent" : state).append('\n');
                }
            }
            if (blockedAt >= 0) {
                Operation blocked = operations.get(blockedAt);
                out.append("  then this operation had returned, but cannot be placed: ").append(blocked.describe())
                        .append(" (the register held ").append(state == null ? "absent" : state)
                        .append(", and no concurrent operation could change that)\n");
            }
            return out.toString();
        }
    }
}
