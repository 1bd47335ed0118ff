package io.synod.examples;

import io.synod.examples.CliRun.Output;
import io.synod.examples.demo.LocalProcesses;
import io.synod.examples.http.ExampleClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static io.synod.examples.CliRun.capture;
import static io.synod.examples.CliRun.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code synod admin} end to end: three kv processes, a fourth started with {@code --join} and added
 * (learner, caught up, promoted), an original member removed, leadership handed to the newcomer,
 * and the refusals an operator can run into — each with its exit code and message.
 */
class AdminExampleTest {
    @TempDir
    Path root;

    @Test
    void membersStatusAddRemoveTransferAndTheirErrors() throws Exception {
        try (ExampleCluster examples = new ExampleCluster(root, "kv")) {
            LocalProcesses cluster = examples.processes;
            ExampleClient client = examples.client;
            for (int i = 0; i < 30; i++) {
                assertEquals(200, client.send("PUT", "/kv/k" + i, "v" + i).status());
            }
            String servers = servers(cluster, List.of(1, 2, 3));

            Output members = capture(() -> cli("admin", "members", "--servers", servers));
            assertEquals(0, members.code(), members.err());
            assertTrue(members.out().contains("\"voters\":\"1,2,3\"") && members.out().contains("\"learners\":\"\""), members.out());
            Output status = capture(() -> cli("admin", "status", "--servers", servers));
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().contains("\"isLeader\":true") && status.out().contains("\"lag\":"), status.out());

            // Refusals: exit code 1 and the reason; a malformed address is a usage error (2).
            Output unknown = capture(() -> cli("admin", "remove", "--servers", servers, "9"));
            assertEquals(1, unknown.code(), unknown.out());
            assertTrue(unknown.err().contains("node 9 is not a member"), unknown.err());
            Output notVoter = capture(() -> cli("admin", "transfer", "--servers", servers, "9"));
            assertEquals(1, notVoter.code(), notVoter.out());
            assertTrue(notVoter.err().contains("node 9 is not a voter"), notVoter.err());
            Output badAddress = capture(() -> cli("admin", "add", "--servers", servers, "4", "nowhere"));
            assertEquals(2, badAddress.code());
            assertTrue(badAddress.err().contains("HOST:PORT"), badAddress.err());
            Output unreachable = capture(() -> cli("admin", "add", "--servers", "127.0.0.1:1", "--timeout-ms", "1500", "4",
                    "127.0.0.1:7104"));
            assertEquals(3, unreachable.code());
            assertTrue(unreachable.err().contains("no leader answered"), unreachable.err());

            // A new node joins: learner, catches up, voter.
            cluster.addNode(4);
            cluster.start(4);
            Output added = capture(() -> cli("admin", "add", "--servers", servers, "4", cluster.consensusHostPort(4)));
            assertEquals(0, added.code(), added.err());
            assertTrue(added.err().contains("node 4 added as a learner"), added.err());
            assertTrue(added.out().contains("\"voters\":\"1,2,3,4\""), added.out());
            ExampleClient newcomer = new ExampleClient(List.of(cluster.httpAddresses().get(4)), Duration.ofSeconds(30));
            assertEquals("v7", newcomer.send("GET", "/kv/k7", null).get("value"), "it has the data written before it joined");

            // An original member leaves, then the newcomer is asked to lead.
            String all = servers(cluster, List.of(1, 2, 3, 4));
            Output removed = capture(() -> cli("admin", "remove", "--servers", all, "3"));
            assertEquals(0, removed.code(), removed.err());
            assertTrue(removed.out().contains("\"voters\":\"1,2,4\""), removed.out());
            cluster.stop(3);
            String remaining = servers(cluster, List.of(1, 2, 4));
            int target = examples.leader(List.of(1, 2, 4)) == 4 ? 1 : 4; // node 3 may have handed over to node 4
            Output transferred = capture(() -> cli("admin", "transfer", "--servers", remaining, "" + target));
            assertEquals(0, transferred.code(), transferred.err());
            assertTrue(transferred.out().contains("\"leader\":" + target), transferred.out());
            assertEquals(true, cluster.status(target).get("isLeader"));
            Output again = capture(() -> cli("admin", "transfer", "--servers", remaining, "" + target));
            assertEquals(1, again.code(), again.out());
            assertTrue(again.err().contains("already leads"), again.err());

            ExampleClient live = new ExampleClient(List.of(cluster.httpAddresses().get(1), cluster.httpAddresses().get(2),
                    cluster.httpAddresses().get(4)), Duration.ofSeconds(30));
            assertEquals(200, live.send("PUT", "/kv/after", "yes").status());
            assertEquals("yes", newcomer.send("GET", "/kv/after", null).get("value"));
            Output last = capture(() -> cli("admin", "members", "--servers", remaining));
            assertTrue(last.out().contains("\"voters\":\"1,2,4\"") && last.out().contains("\"leader\":" + target), last.out());
        }
    }

    private static String servers(LocalProcesses cluster, List<Integer> ids) {
        return ids.stream().map(id -> cluster.httpAddresses().get(id)).map(a -> a.getHostString() + ":" + a.getPort())
                .collect(Collectors.joining(","));
    }
}
