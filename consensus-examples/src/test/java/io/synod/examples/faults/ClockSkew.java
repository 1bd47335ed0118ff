package io.synod.examples.faults;

import io.synod.examples.http.ExampleClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The clock-skew nemesis: sets the rates of the nodes' monotonic clocks through the kv server's
 * test hook ({@code --test-clock-rate-hook}, {@code POST /test/clock-rate}) and sets them back to
 * 1. Rates stay inside the drift bound the nodes' leases are sized for: every rate lies in
 * {@code [(1+d)^-1/2, (1+d)^1/2]} for {@code d = maxClockDrift}, so any two nodes' clocks — and a
 * node that missed a change, or restarted, at rate 1 — run at most {@code 1 + d} times apart, and
 * lease reads must stay linearizable. Skew beyond the bound is the simulator's {@code LeaseBoundTest}.
 */
final class ClockSkew {
    private final Map<Integer, InetSocketAddress> http;
    /** Nodes that may run at a rate other than 1. */
    private final TreeSet<Integer> skewed = new TreeSet<>();

    ClockSkew(Map<Integer, InetSocketAddress> http) {
        this.http = http;
    }

    /**
     * Rates for {@code nodes}, inside the bound {@code maxClockDrift}. With a {@code slowNode} (not 0): that node at the slowest rate, every
     * other at the fastest — the case leases must survive, since the leader measures its lease on its
     * own clock and the followers their election timeouts on theirs. Otherwise a random rate each.
     */
    static Map<Integer, Double> pickRates(List<Integer> nodes, int slowNode, double maxClockDrift, Random random) {
        Map<Integer, Double> rates = new TreeMap<>();
        for (int id : nodes) {
            double exponent = slowNode != 0 ? (id == slowNode ? -0.5 : 0.5) : random.nextDouble() - 0.5;
            rates.put(id, Math.pow(1 + maxClockDrift, exponent));
        }
        return rates;
    }

    /** Sets the rates; returns what happened, for the nemesis log. */
    String skew(Map<Integer, Double> rates) throws InterruptedException {
        List<String> done = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : rates.entrySet()) {
            skewed.add(e.getKey()); // even if the answer is lost: the request may have arrived
            done.add(e.getKey() + "=" + String.format("%.4f", e.getValue()) + setRate(e.getKey(), e.getValue()));
        }
        return String.join(", ", done);
    }

    /** Sets every skewed node back to rate 1; empty if none was, else what happened. */
    String restore() throws InterruptedException {
        List<String> done = new ArrayList<>();
        for (int id : new ArrayList<>(skewed)) {
            String problem = setRate(id, 1.0);
            if (problem.isEmpty()) {
                skewed.remove(id);
            }
            done.add(id + problem);
        }
        return done.isEmpty() ? "" : "clock rate 1 on nodes " + String.join(", ", done);
    }

    /** "" if node {@code id} took the rate; otherwise why not (down, still starting). */
    private String setRate(int id, double rate) throws InterruptedException {
        ExampleClient node = new ExampleClient(List.of(http.get(id)), Duration.ofSeconds(5));
        try {
            ExampleClient.Reply reply = node.send("POST", "/test/clock-rate?rate=" + rate, null);
            if (reply.status() != 200) {
                // The hook is part of the harness: a refusal is a bug in it, not a fault to tolerate.
                throw new AssertionError("node " + id + " refused clock rate " + rate + ": " + reply.status() + " "
                        + reply.body());
            }
            return "";
        } catch (IOException e) {
            return " (no answer: " + e.getMessage() + ")";
        }
    }
}
