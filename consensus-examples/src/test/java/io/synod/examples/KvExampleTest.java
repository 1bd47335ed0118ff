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

/** The key-value example end to end: three server processes on loopback, the HTTP API, the CLI client, a leader kill. */
class KvExampleTest {
    @TempDir
    Path root;

    @Test
    void storesReadsComparesAndSetsRefusesBadRequestsAndSurvivesALeaderKill() throws Exception {
        try (ExampleCluster examples = new ExampleCluster(root, "kv")) {
            LocalProcesses cluster = examples.processes;
            ExampleClient client = examples.client;

            assertEquals(200, client.send("PUT", "/kv/color", "blue").status());
            ExampleClient.Reply read = client.send("GET", "/kv/color", null);
            assertEquals("blue", read.get("value"));
            assertEquals(200, client.send("GET", "/kv/color?consistency=stale", null).status());
            assertEquals(200, client.send("GET", "/kv/color?consistency=lease", null).status());

            ExampleClient.Reply swapped = client.send("PUT", "/kv/color?expect=blue", "green");
            assertEquals(true, swapped.get("swapped"));
            ExampleClient.Reply refused = client.send("PUT", "/kv/color?expect=blue", "red");
            assertEquals(409, refused.status());
            assertEquals("green", refused.get("current"));
            assertEquals(409, client.send("PUT", "/kv/color?expectAbsent=true", "x").status());
            assertEquals(true, client.send("DELETE", "/kv/color", null).get("deleted"));
            assertEquals(404, client.send("GET", "/kv/color", null).status());

            // Bad requests get a clear error, and the servers go on.
            assertBad(client.send("GET", "/kv/color?consistency=eventual", null), 400, "use linearizable, lease or stale");
            assertBad(client.send("GET", "/kv", null), 400, "expected /kv/KEY");
            assertBad(client.send("PATCH", "/kv/color", "x"), 405, "use GET, PUT or DELETE");
            assertBad(client.send("PUT", "/kv/color?expect=a&expectAbsent=true", "x"), 400, "not both");
            assertBad(client.send("GET", "/nothing", null), 404, "no such service");
            // The clock-rate test hook exists only on a node started with its flag; these were not.
            assertBad(client.send("POST", "/test/clock-rate?rate=2", null), 404, "test hooks are off on this node");
            assertBad(client.send("GET", "/test/clock-rate", null), 404, "--test-clock-rate-hook");
            assertEquals(413, client.send("PUT", "/kv/big", "x".repeat(2 << 20)).status());

            // The CLI client against the same cluster.
            String servers = cluster.httpList().stream().map(a -> a.getHostString() + ":" + a.getPort())
                    .collect(Collectors.joining(","));
            assertEquals(0, cli("kv", "put", "--servers", servers, "greeting", "hello"));
            Output got = capture(() -> cli("kv", "get", "--servers", servers, "greeting"));
            assertEquals(0, got.code());
            assertTrue(got.out().contains("\"value\":\"hello\""), got.out());
            assertEquals(1, cli("kv", "get", "--servers", servers, "missing"), "404 is exit code 1");
            Output badFlag = capture(() -> cli("kv", "get", "--servers", "nowhere", "greeting"));
            assertEquals(2, badFlag.code());
            assertTrue(badFlag.err().contains("HOST:PORT"), badFlag.err());

            for (int i = 0; i < 50; i++) {
                assertEquals(200, client.send("PUT", "/kv/k" + i, "v" + i).status());
            }
            int killed = examples.killLeader();
            for (int i = 50; i < 100; i++) {
                assertEquals(200, client.send("PUT", "/kv/k" + i, "v" + i).status());
            }
            cluster.start(killed);
            for (int id = 1; id <= 3; id++) {
                ExampleClient node = new ExampleClient(List.of(cluster.httpAddresses().get(id)), Duration.ofSeconds(60));
                for (int i = 0; i < 100; i += 9) {
                    assertEquals("v" + i, node.send("GET", "/kv/k" + i, null).get("value"), "node " + id + " key k" + i);
                }
            }
        }
    }

    @Test
    void aServerWithWrongSettingsSaysWhatToFix() {
        Output notMember = capture(() -> cli("kv", "serve", "--node", "4", "--members", "1=127.0.0.1:7101,2=127.0.0.1:7102",
                "--http", "127.0.0.1:8101", "--data", root.resolve("x").toString()));
        assertEquals(2, notMember.code());
        assertTrue(notMember.err().contains("node 4 is not in the member list [1, 2]"), notMember.err());

        Output joinAlone = capture(() -> cli("kv", "serve", "--node", "4", "--join", "--members", "4=127.0.0.1:7104",
                "--http", "127.0.0.1:8101", "--data", root.resolve("x").toString()));
        assertEquals(2, joinAlone.code());
        assertTrue(joinAlone.err().contains("--join: --members must list the group's initial members"), joinAlone.err());
        Output peersWithoutJoin = capture(() -> cli("kv", "serve", "--node", "1", "--members", "1=127.0.0.1:7101",
                "--peers", "4=127.0.0.1:7104", "--http", "127.0.0.1:8101", "--data", root.resolve("x").toString()));
        assertEquals(2, peersWithoutJoin.code());
        assertTrue(peersWithoutJoin.err().contains("--peers is only for a node started with --join"), peersWithoutJoin.err());

        Output noData = capture(() -> cli("kv", "serve", "--node", "1", "--members", "1=127.0.0.1:7101", "--http", "127.0.0.1:8101"));
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("missing the data directory"), noData.err());

        Output badPort = capture(() -> cli("kv", "serve", "--node", "1", "--members", "1=127.0.0.1:99999",
                "--http", "127.0.0.1:8101", "--data", root.toString()));
        assertEquals(2, badPort.code());
        assertTrue(badPort.err().contains("between 1 and 65535"), badPort.err());

        Output noConfig = capture(() -> cli("kv", "serve", "--config", root.resolve("absent.properties").toString()));
        assertEquals(2, noConfig.code());
        assertTrue(noConfig.err().contains("cannot read the config file"), noConfig.err());
    }

    private static void assertBad(ExampleClient.Reply reply, int status, String message) {
        assertEquals(status, reply.status(), reply.body().toString());
        assertTrue(String.valueOf(reply.get("error")).contains(message), reply.body().toString());
    }
}
