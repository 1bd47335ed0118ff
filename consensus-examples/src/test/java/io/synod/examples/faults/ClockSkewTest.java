package io.synod.examples.faults;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The skew nemesis stays inside the drift bound the leases are sized for, whatever it picks. */
class ClockSkewTest {
    private static final double DRIFT = 0.1;
    private static final double ROUNDING = 1e-12;

    @Test
    void anyTwoRatesAndRateOneAreAtMostOnePlusTheDriftApart() {
        Random random = new Random(11);
        for (int run = 0; run < 1_000; run++) {
            List<Integer> nodes = List.of(1, 2, 3, 4, 5).subList(0, 3 + 2 * random.nextInt(2));
            int slow = random.nextBoolean() ? 0 : nodes.get(random.nextInt(nodes.size()));
            List<Double> rates = new ArrayList<>(ClockSkew.pickRates(nodes, slow, DRIFT, random).values());
            assertEquals(nodes.size(), rates.size());
            rates.add(1.0); // a node that missed the change, or restarted
            double max = rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double min = rates.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            assertTrue(max / min <= 1 + DRIFT + ROUNDING, "rates " + rates + " are " + max / min + " apart");
        }
    }

    @Test
    void theLeaseTrapPutsTheLeaderAtTheSlowestRateAndEveryoneElseAtTheFastest() {
        Map<Integer, Double> rates = ClockSkew.pickRates(List.of(1, 2, 3), 2, DRIFT, new Random(1));
        assertEquals(1 / Math.sqrt(1 + DRIFT), rates.get(2), ROUNDING);
        assertEquals(Math.sqrt(1 + DRIFT), rates.get(1), ROUNDING);
        assertEquals(Math.sqrt(1 + DRIFT), rates.get(3), ROUNDING);
        assertEquals(1 + DRIFT, rates.get(1) / rates.get(2), ROUNDING, "exactly at the bound");
    }
}
