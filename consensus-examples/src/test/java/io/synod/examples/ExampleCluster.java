package io.synod.examples;

import io.synod.examples.demo.LocalProcesses;
import io.synod.examples.http.ExampleClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Three example server processes for an end-to-end test, and ways to find and kill their leader. */
final class ExampleCluster implements AutoCloseable {
    final LocalProcesses processes;
    final ExampleClient client;

    ExampleCluster(Path root, String command) {
        processes = new LocalProcesses(root, command, 3);
        for (int id = 1; id <= 3; id++) {
            processes.start(id);
        }
        client = new ExampleClient(processes.httpList(), Duration.ofSeconds(30));
    }

    /** The node that says it leads, among {@code alive}; waits up to 60 s. */
    int leader(List<Integer> alive) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            int leader = processes.leaderAmong(alive);
            if (leader != 0) {
                return leader;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader among " + alive + " within 60 s");
    }

    /** Kills the leader with kill -9 and waits for a new one; returns the killed node. */
    int killLeader() throws Exception {
        int leader = leader(List.of(1, 2, 3));
        processes.kill(leader);
        int next = leader(List.of(1, 2, 3).stream().filter(id -> id != leader).toList());
        if (next == leader) {
            throw new AssertionError("the killed node still leads");
        }
        return leader;
    }

    @Override
    public void close() throws InterruptedException {
        processes.close();
    }
}
