package io.synod.examples;

import io.synod.examples.http.ExampleClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The election example end to end: the leader's worker acts; a leader paused past the election
 * timeout (SIGSTOP) is replaced, and when it resumes its old epoch gains no action; a leader
 * killed with kill -9 is replaced too.
 */
class ElectionExampleTest {
    @TempDir
    Path root;

    /** One term of the history: epoch, worker node, actions. */
    record Term(long epoch, int node, long actions) {
    }

    private static List<Term> terms(ExampleClient client) throws Exception {
        String history = (String) client.send("GET", "/election", null).get("terms");
        List<Term> terms = new ArrayList<>();
        for (String term : history.split(";")) {
            if (!term.isEmpty()) {
                String[] f = term.split("/");
                terms.add(new Term(Long.parseLong(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2])));
            }
        }
        return terms;
    }

    private static List<Term> awaitTerms(ExampleClient client, String what, Predicate<List<Term>> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<Term> terms = terms(client);
            if (condition.test(terms)) {
                return terms;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; terms: " + terms(client));
    }

    private static void signal(long pid, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }

    @Test
    void onlyTheLatestEpochsWorkerActsThroughAPauseAndAKill() throws Exception {
        try (ExampleCluster cluster = new ExampleCluster(root, "election")) {
            ExampleClient client = cluster.client;
            List<Term> first = awaitTerms(client, "a worker acting", t -> !t.isEmpty() && t.get(t.size() - 1).actions() >= 10);
            Term firstTerm = first.get(first.size() - 1);
            int paused = firstTerm.node();
            assertEquals(paused, cluster.leader(List.of(1, 2, 3)), "the worker runs on the leader");

            long pid = cluster.processes.process(paused).pid();
            signal(pid, "STOP");
            List<Term> second;
            try {
                second = awaitTerms(client, "a new worker while node " + paused + " is paused",
                        t -> t.get(t.size() - 1).node() != paused && t.get(t.size() - 1).actions() >= 5);
            } finally {
                signal(pid, "CONT");
            }
            Term pausedTerm = second.stream().filter(t -> t.epoch() == firstTerm.epoch()).findFirst().orElseThrow();
            Thread.sleep(2_000); // the resumed node learns it was replaced; anything it still tries is refused
            List<Term> afterResume = terms(client);
            Term pausedTermLater = afterResume.stream().filter(t -> t.epoch() == firstTerm.epoch()).findFirst().orElseThrow();
            assertEquals(pausedTerm.actions(), pausedTermLater.actions(),
                    "the paused worker's epoch gained no action after a newer epoch was claimed: " + afterResume);

            int killed = cluster.killLeader();
            List<Term> third = awaitTerms(client, "a worker after the kill",
                    t -> t.get(t.size() - 1).node() != killed && t.get(t.size() - 1).actions() >= 5);

            for (int i = 1; i < third.size(); i++) {
                assertTrue(third.get(i).epoch() > third.get(i - 1).epoch(), "epochs only grow: " + third);
            }
            assertNotEquals(killed, third.get(third.size() - 1).node());
            assertTrue(third.size() >= 3, "at least three terms: " + third);
        }
    }
}
