package io.synod.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Known-good and known-bad histories, and generated ones whose answer is known by construction. */
class LinearizabilityCheckerTest {
    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker(Duration.ofSeconds(30));

    private static List<Operation> history(String... lines) {
        List<Operation> ops = new ArrayList<>();
        for (String line : lines) {
            ops.add(History.parse(line));
        }
        return ops;
    }

    @Test
    void theFormatsOwnExampleIsLinearizable() {
        List<Operation> h = history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":true,\"result\":null,\"call_ns\":0,\"return_ns\":10}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":\"1\",\"call_ns\":12,\"return_ns\":20}",
                "{\"client\":1,\"op\":\"cas\",\"key\":\"x\",\"expect\":\"1\",\"value\":\"2\",\"ok\":true,\"result\":null,\"call_ns\":30,\"return_ns\":40}",
                "{\"client\":2,\"op\":\"cas\",\"key\":\"x\",\"expect\":\"1\",\"value\":\"9\",\"ok\":false,\"result\":null,\"call_ns\":30,\"return_ns\":41}",
                "{\"client\":3,\"op\":\"put\",\"key\":\"x\",\"value\":\"3\",\"ok\":null,\"result\":null,\"call_ns\":50,\"return_ns\":null,\"meta\":{\"err\":\"timeout\"}}");
        assertTrue(CHECKER.check(h).linearizable(), CHECKER.check(h).toString());
    }

    @Test
    void aStaleReadIsCaughtAndExplained() {
        List<Operation> h = history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":true,\"call_ns\":0,\"return_ns\":10}",
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"2\",\"ok\":true,\"call_ns\":20,\"return_ns\":30}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":\"1\",\"call_ns\":40,\"return_ns\":50}");
        LinearizabilityChecker.Result result = CHECKER.check(h);
        assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, result.verdict());
        assertTrue(result.explanation().contains("key x"), result.explanation());
        assertTrue(result.explanation().contains("get x -> 1 ok (client 1, 40..50 ns)"), result.explanation());
        assertTrue(result.explanation().contains("register held 2"), result.explanation());
    }

    @Test
    void readsMayNotGoBackInTime() {
        List<Operation> h = history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":true,\"call_ns\":0,\"return_ns\":100}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":\"1\",\"call_ns\":10,\"return_ns\":20}",
                "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":null,\"call_ns\":30,\"return_ns\":40}");
        assertFalse(CHECKER.check(h).linearizable());
        // Reading absent first and 1 later, both during the put, is fine.
        List<Operation> ok = history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":true,\"call_ns\":0,\"return_ns\":100}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":null,\"call_ns\":10,\"return_ns\":20}",
                "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":\"1\",\"call_ns\":30,\"return_ns\":40}");
        assertTrue(CHECKER.check(ok).linearizable());
    }

    @Test
    void anIndeterminateWriteMayTakeEffectLateButOnlyOnce() {
        assertTrue(CHECKER.check(history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":null,\"call_ns\":0,\"return_ns\":null}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":null,\"call_ns\":50,\"return_ns\":60}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":\"1\",\"call_ns\":70,\"return_ns\":80}")).linearizable());
        assertFalse(CHECKER.check(history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":null,\"call_ns\":0,\"return_ns\":null}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":\"1\",\"call_ns\":50,\"return_ns\":60}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":null,\"call_ns\":70,\"return_ns\":80}")).linearizable());
        // A value nobody wrote cannot be read.
        assertFalse(CHECKER.check(history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":null,\"call_ns\":0,\"return_ns\":null}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":\"7\",\"call_ns\":50,\"return_ns\":60}")).linearizable());
    }

    @Test
    void aCompareThatFailedMustHaveSeenAnotherValue() {
        assertFalse(CHECKER.check(history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":true,\"call_ns\":0,\"return_ns\":10}",
                "{\"client\":1,\"op\":\"cas\",\"key\":\"x\",\"expect\":\"1\",\"value\":\"2\",\"ok\":false,\"call_ns\":20,\"return_ns\":30}")).linearizable());
        assertTrue(CHECKER.check(history(
                "{\"client\":1,\"op\":\"cas\",\"key\":\"x\",\"expect\":null,\"value\":\"2\",\"ok\":true,\"call_ns\":20,\"return_ns\":30}",
                "{\"client\":2,\"op\":\"cas\",\"key\":\"x\",\"value\":\"3\",\"ok\":false,\"call_ns\":40,\"return_ns\":50}")).linearizable());
    }

    @Test
    void failedPutsAndGetsObservedNothing() {
        assertTrue(CHECKER.check(history(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":false,\"call_ns\":0,\"return_ns\":10}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":false,\"call_ns\":0,\"return_ns\":10}",
                "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"ok\":true,\"result\":null,\"call_ns\":20,\"return_ns\":30}")).linearizable());
    }

    @Test
    void malformedLinesAreRefusedNamingTheProblem() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> History.parse(
                "{\"client\":0,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"ok\":true,\"call_ns\":0,\"return_ns\":1,\"node\":3}"));
        assertTrue(unknown.getMessage().contains("unknown field 'node'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> History.parse("{\"client\":0,\"op\":\"inc\",\"key\":\"x\","
                + "\"ok\":true,\"call_ns\":0,\"return_ns\":1}")).getMessage().contains("unknown op 'inc'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> History.parse("{\"client\":0,\"op\":\"get\",\"key\":\"x\","
                + "\"ok\":true,\"call_ns\":5,\"return_ns\":1}")).getMessage().contains("before its call"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> History.parse("{\"op\":\"get\",\"key\":\"x\","
                + "\"ok\":true,\"call_ns\":5,\"return_ns\":7}")).getMessage().contains("'client'"));
    }

    /**
     * Histories generated from a real sequential execution — each operation takes effect at a
     * random instant inside its [call, return] interval, some never return — are linearizable by
     * construction; changing one read's result to a value never written makes them not.
     */
    @Test
    void generatedHistoriesAreJudgedRight() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            List<Operation> h = generate(random, 1 + random.nextInt(3), 4 + random.nextInt(30));
            LinearizabilityChecker.Result result = CHECKER.check(h);
            assertTrue(result.linearizable(), "round " + round + ": " + result);
            List<Operation> broken = new ArrayList<>(h);
            for (int i = 0; i < broken.size(); i++) {
                Operation o = broken.get(i);
                if (o.kind() == Operation.Kind.GET && Boolean.TRUE.equals(o.ok())) {
                    broken.set(i, new Operation(o.client(), o.kind(), o.key(), null, null, true, "never-written",
                            o.callNs(), o.returnNs()));
                    assertFalse(CHECKER.check(broken).linearizable(), "round " + round + " with a forged read");
                    break;
                }
            }
        }
    }

    private static List<Operation> generate(Random random, int keys, int count) {
        record Planned(int client, Operation.Kind kind, String key, String value, String expect, long call, long effect,
                       long ret, boolean lost) {
        }
        List<Planned> planned = new ArrayList<>();
        long[] clientFree = new long[5];
        for (int i = 0; i < count; i++) {
            int client = random.nextInt(clientFree.length);
            long call = clientFree[client] + random.nextInt(20);
            long effect = call + 1 + random.nextInt(30);
            long ret = effect + 1 + random.nextInt(30);
            Operation.Kind kind = Operation.Kind.values()[random.nextInt(3)];
            String key = "k" + random.nextInt(keys);
            boolean lost = kind != Operation.Kind.GET && random.nextInt(8) == 0;
            planned.add(new Planned(client, kind, key, "v" + i, random.nextBoolean() ? null : "v" + random.nextInt(count),
                    call, effect, ret, lost));
            clientFree[client] = lost ? Long.MAX_VALUE / 4 : ret + 1;
            if (lost) {
                clientFree[client] = ret + 1000; // the client moves on after a timeout
            }
        }
        planned.sort(java.util.Comparator.comparingLong(Planned::effect));
        java.util.Map<String, String> registers = new java.util.HashMap<>();
        List<Operation> history = new ArrayList<>();
        for (Planned p : planned) {
            String current = registers.get(p.key());
            boolean lostTakesEffect = p.lost() && random.nextBoolean();
            switch (p.kind()) {
                case PUT -> {
                    if (!p.lost() || lostTakesEffect) {
                        registers.put(p.key(), p.value());
                    }
                    history.add(new Operation(p.client(), p.kind(), p.key(), p.value(), null, p.lost() ? null : true, null,
                            p.call(), p.lost() ? null : p.ret()));
                }
                case GET -> history.add(new Operation(p.client(), p.kind(), p.key(), null, null, true, current, p.call(), p.ret()));
                case CAS -> {
                    boolean matches = java.util.Objects.equals(current, p.expect());
                    if (matches && (!p.lost() || lostTakesEffect)) {
                        registers.put(p.key(), p.value());
                    }
                    history.add(new Operation(p.client(), p.kind(), p.key(), p.value(), p.expect(),
                            p.lost() ? null : matches, null, p.call(), p.lost() ? null : p.ret()));
                }
            }
        }
        return history;
    }
}
