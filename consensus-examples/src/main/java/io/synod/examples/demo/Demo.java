package io.synod.examples.demo;

import io.synod.examples.http.ExampleClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code synod demo}: a 3-node key-value cluster in three local processes (RocksDB under a temp
 * directory, loopback ports). Writes through the HTTP client, kills the leader with kill -9, shows
 * a new leader elected, writes on, restarts the killed node, and checks that every acknowledged
 * write is there — on every node. Cleans up after itself.
 */
@Command(name = "demo", description = "run a local 3-node cluster, kill its leader, and check no acknowledged write is lost")
public final class Demo implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--writes", paramLabel = "N", defaultValue = "100", description = "writes before and after the kill (default: ${DEFAULT-VALUE})")
    int writes;

    @Option(names = "--keep", description = "keep the data directories and logs")
    boolean keep;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (writes < 1 || writes > 100_000) {
            spec.commandLine().getErr().println("synod demo: --writes must be between 1 and 100000, got " + writes);
            return 2;
        }
        Path root = Files.createTempDirectory("synod-demo-");
        long started = System.nanoTime();
        boolean ok = false;
        try (LocalProcesses cluster = new LocalProcesses(root, "kv", 3)) {
            ok = run(cluster, root);
        } finally {
            if (keep || !ok) {
                say("data directories and node logs kept in %s", root);
            } else {
                deleteTree(root);
            }
        }
        say("%s in %.1f s", ok ? "demo finished" : "DEMO FAILED", (System.nanoTime() - started) / 1e9);
        return ok ? 0 : 1;
    }

    private boolean run(LocalProcesses cluster, Path root) throws Exception {
        say("starting 3 nodes of the replicated key-value store on 127.0.0.1 (RocksDB under %s)", root);
        for (int id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        Status status = new Status(cluster);
        long electionStart = System.nanoTime();
        int leader = status.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(60));
        say("node %d was elected leader (%d ms after start); HTTP APIs at %s", leader,
                (System.nanoTime() - electionStart) / 1_000_000, cluster.httpList().stream()
                        .map(a -> a.getHostString() + ":" + a.getPort()).toList());

        ExampleClient client = new ExampleClient(cluster.httpList(), Duration.ofSeconds(30));
        Map<String, String> acknowledged = new LinkedHashMap<>();
        write(client, acknowledged, "before", writes);

        int follower = leader % 3 + 1;
        ExampleClient onFollower = new ExampleClient(List.of(cluster.httpAddresses().get(follower)), Duration.ofSeconds(30));
        ExampleClient.Reply read = onFollower.send("GET", "/kv/before-0", null);
        say("linearizable read of before-0 on follower node %d: %s (version %s)", follower, read.get("value"), read.get("version"));
        ExampleClient.Reply cas = client.send("PUT", "/kv/config?expectAbsent=true", "v1");
        ExampleClient.Reply casAgain = client.send("PUT", "/kv/config?expectAbsent=true", "v2");
        say("compare-and-set config: first %s (%s), second refused with %d (current %s)", cas.status() == 200 ? "set" : "refused",
                cas.get("value"), casAgain.status(), casAgain.get("current"));
        acknowledged.put("config", "v1");

        say("killing the leader, node %d (kill -9, pid %d)", leader, cluster.process(leader).pid());
        long killedAt = System.nanoTime();
        cluster.kill(leader);
        List<Integer> survivors = Stream.of(1, 2, 3).filter(id -> id != leader).toList();
        int newLeader = status.awaitLeader(survivors, Duration.ofSeconds(60));
        say("node %d was elected the new leader %d ms after the kill", newLeader, (System.nanoTime() - killedAt) / 1_000_000);

        write(client, acknowledged, "after", writes);

        say("restarting node %d on its data directory", leader);
        cluster.start(leader);
        long lost = 0;
        for (int id = 1; id <= 3; id++) {
            ExampleClient node = new ExampleClient(List.of(cluster.httpAddresses().get(id)), Duration.ofSeconds(60));
            int missing = 0;
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                ExampleClient.Reply reply = node.send("GET", "/kv/" + ExampleClient.encode(e.getKey()), null);
                if (reply.status() != 200 || !e.getValue().equals(reply.get("value"))) {
                    missing++;
                    if (missing <= 3) {
                        say("  node %d: %s should be %s, got %d %s", id, e.getKey(), e.getValue(), reply.status(), reply.body());
                    }
                }
            }
            say("node %d: %d of %d acknowledged writes read back (linearizable reads)%s", id,
                    acknowledged.size() - missing, acknowledged.size(), id == leader ? ", after its restart" : "");
            lost += missing;
        }
        say("summary: 3 nodes; leader %d killed, node %d took over in %d ms; %d writes acknowledged, %d lost",
                leader, newLeader, status.lastElectionMillis(killedAt), acknowledged.size(), lost);
        return lost == 0;
    }

    private void write(ExampleClient client, Map<String, String> acknowledged, String prefix, int count) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + i;
            String value = "value-" + i;
            ExampleClient.Reply reply = client.send("PUT", "/kv/" + key, value);
            if (reply.status() != 200) {
                throw new IllegalStateException("write of " + key + " failed: " + reply.status() + " " + reply.body());
            }
            acknowledged.put(key, value);
            if ((i + 1) % Math.max(1, count / 4) == 0 || i + 1 == count) {
                say("  %d/%d writes '%s-*' acknowledged", i + 1, count, prefix);
            }
        }
        say("%d writes in %d ms", count, (System.nanoTime() - start) / 1_000_000);
    }

    private void say(String format, Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
