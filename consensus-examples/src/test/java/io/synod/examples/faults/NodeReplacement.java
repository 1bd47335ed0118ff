package io.synod.examples.faults;

import io.synod.examples.admin.AdminClient;
import io.synod.examples.demo.LocalProcesses;
import io.synod.examples.http.ExampleClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Replaces a node of a running kv group the way an operator would, through the servers' admin
 * routes: start a new node id with {@code --join}, add it as a learner, promote it once it has caught
 * up, remove the old one, and wait until the new membership is in force. Every request goes to the
 * leader ({@link AdminClient} follows it); refusals that pass by themselves (a learner still behind,
 * the previous change not yet in force) are retried, and so is a request whose answer was lost (the
 * membership read back says whether it was made).
 */
final class NodeReplacement {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private final LocalProcesses processes;
    private final Consumer<String> note;

    NodeReplacement(LocalProcesses processes, Consumer<String> note) {
        this.processes = processes;
        this.note = note;
    }

    /** Replaces {@code old} (dead or alive) by the new node {@code successor}; {@code members} are the voters now. */
    void replace(int old, int successor, List<Integer> members) throws Exception {
        processes.addNode(successor);
        processes.start(successor);
        List<InetSocketAddress> servers = members.stream().filter(id -> id != old)
                .map(id -> processes.httpAddresses().get(id)).collect(Collectors.toList());
        AdminClient admin = new AdminClient(servers, Duration.ofSeconds(20));
        long started = System.nanoTime();
        until("node " + successor + " is a learner or voter", admin, m -> m.learners().contains(successor)
                || m.voters().contains(successor), "/admin/add/" + successor + "?address="
                + ExampleClient.encode(processes.consensusHostPort(successor)));
        until("node " + successor + " is a voter", admin, m -> m.voters().contains(successor), "/admin/promote/" + successor);
        until("node " + old + " is removed", admin, m -> !m.voters().contains(old) && !m.learners().contains(old),
                "/admin/remove/" + old);
        note.accept(String.format("replaced node %d by node %d (learner, caught up, promoted; %d removed) in %.1f s",
                old, successor, old, (System.nanoTime() - started) / 1e9));
    }

    /** Voters and learners as the leader reports them, and whether a newer membership is still pending. */
    private record Members(Set<Integer> voters, Set<Integer> learners, boolean pending) {
    }

    /** Posts {@code path} to the leader until {@code done} holds for the membership in force (none pending). */
    private static void until(String what, AdminClient admin, java.util.function.Predicate<Members> done, String path)
            throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        String last = "nothing asked yet";
        while (System.nanoTime() < deadline) {
            Members now = members(admin);
            if (now != null && done.test(now) && !now.pending()) {
                return;
            }
            if (now == null || !done.test(now)) {
                try {
                    ExampleClient.Reply reply = admin.leader("POST", path);
                    last = reply.status() + " " + reply.body();
                    // 409: passes by itself (a learner behind, a change not yet in force); 400 naming voters
                    // that do not answer the leader: a node restarted by the nemesis is still reconnecting.
                    boolean passes = reply.status() == 200 || reply.status() == 409
                            || reply.status() == 400 && String.valueOf(reply.get("error")).contains("answer the leader");
                    if (!passes) {
                        throw new AssertionError(what + ": POST " + path + " refused: " + last);
                    }
                } catch (IOException noAnswer) {
                    last = noAnswer.getMessage(); // it may have been made: the membership read next says
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + STEP_TIMEOUT.toSeconds() + " s waiting until " + what + "; last: " + last);
    }

    private static Members members(AdminClient admin) throws InterruptedException {
        try {
            ExampleClient.Reply reply = admin.leader("GET", "/admin/members");
            if (reply.status() != 200) {
                return null;
            }
            return new Members(ids(reply.get("voters")), ids(reply.get("learners")),
                    !String.valueOf(reply.get("pending")).isEmpty());
        } catch (IOException e) {
            return null;
        }
    }

    static Set<Integer> ids(Object commaSeparated) {
        Set<Integer> ids = new TreeSet<>();
        String text = commaSeparated == null ? "" : commaSeparated.toString();
        for (String id : text.isBlank() ? new String[0] : text.split(",")) {
            ids.add(Integer.parseInt(id.trim()));
        }
        return ids;
    }

    /** The voters the first answering node reports. */
    static Set<Integer> voters(Map<Integer, InetSocketAddress> http, List<Integer> among) throws Exception {
        List<InetSocketAddress> servers = new ArrayList<>();
        among.forEach(id -> servers.add(http.get(id)));
        return ids(new AdminClient(servers, Duration.ofSeconds(20)).anyNode("/admin/members").get("voters"));
    }
}
