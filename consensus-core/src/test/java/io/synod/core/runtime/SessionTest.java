package io.synod.core.runtime;

import io.synod.core.api.ClientSession;
import io.synod.core.api.CommandTooLargeException;
import io.synod.core.api.SessionExpiredException;
import io.synod.core.api.SynodException;
import io.synod.core.api.SynodOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exactly-once sessions: a command retried through leader changes and restarts is applied once. */
class SessionTest {
    /** Snapshots every 10 entries, so the session table also goes through snapshots and their restore. */
    private static final SynodOptions OPTIONS = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20)
            .electionTimeoutMillis(150).retransmitMillis(40).maxElectionBackoffMillis(600).proposalTimeoutMillis(20_000)
            .snapshotEveryEntries(10).registerJmx(false).build();

    private static byte[] get(CompletableFuture<byte[]> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static long index(byte[] result) {
        return ByteBuffer.wrap(result).getLong();
    }

    private static int timesApplied(LocalCluster cluster, int node, String command) {
        return Collections.frequency(cluster.counter(node).applied(), command);
    }

    @Test
    void aRetriedCommandIsAppliedOnceAndAnswersWithItsFirstResultAcrossLeaderLossAndFullRestart() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, OPTIONS).startAll()) {
            int leader = cluster.awaitLeader(0);
            int follower = leader % 3 + 1;
            ClientSession session = cluster.group(follower, 0).openSession().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 15; i++) {
                get(cluster.group(leader, 0).propose(("before" + i).getBytes()));
            }
            byte[] first = get(session.propose("pay-42".getBytes()));
            assertEquals(2, session.nextSequence());

            // The same command again, as a client does when it never saw the answer: no second effect.
            assertArrayEquals(first, get(session.propose(1, "pay-42".getBytes())));

            cluster.stop(leader);
            int survivor = 6 - leader - follower; // the third node: a session is not tied to one node
            cluster.awaitLeader(0);
            ClientSession elsewhere = cluster.group(survivor, 0).resumeSession(session.clientId(), 2);
            assertArrayEquals(first, get(elsewhere.propose(1, "pay-42".getBytes())), "after a leader change");
            for (int i = 0; i < 15; i++) { // enough for snapshots that hold the session table
                get(cluster.group(survivor, 0).propose(("after" + i).getBytes()));
            }

            cluster.close();
            for (int id = 1; id <= 3; id++) {
                cluster.start(id);
            }
            cluster.awaitLeader(0);
            ClientSession afterRestart = cluster.group(1, 0).resumeSession(session.clientId(), 2);
            assertArrayEquals(first, get(afterRestart.propose(1, "pay-42".getBytes())), "after every node restarted");
            byte[] second = get(afterRestart.propose("pay-43".getBytes()));
            assertTrue(index(second) > index(first));
            assertArrayEquals(second, get(afterRestart.propose(2, "pay-43".getBytes())));

            for (int id = 1; id <= 3; id++) {
                int node = id;
                LocalCluster.await("node " + node + " applied everything",
                        () -> cluster.counter(node).applied().contains("pay-43"));
                assertEquals(1, timesApplied(cluster, node, "pay-42"), "node " + node);
                assertEquals(1, timesApplied(cluster, node, "pay-43"), "node " + node);
            }
        }
    }

    @Test
    void aCommandProposedWhileNoQuorumIsRetriedUntilItIsChosenAndAppliedOnce() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, OPTIONS).startAll()) {
            int leader = cluster.awaitLeader(0);
            ClientSession session = cluster.group(leader, 0).openSession().get(30, TimeUnit.SECONDS);
            int a = leader % 3 + 1;
            int b = a % 3 + 1;
            cluster.stop(a);
            cluster.stop(b);
            // Every attempt in the next seconds times out with its outcome unknown (it may sit in the
            // old leader's log), and the session sends it again: the log may hold it several times.
            CompletableFuture<byte[]> result = session.propose("lonely".getBytes());
            Thread.sleep(2_500);
            assertFalse(result.isDone(), "no quorum: no outcome yet");
            cluster.start(a);
            cluster.start(b);
            get(result);
            get(cluster.group(a, 0).propose("marker".getBytes())); // chosen after any copy of "lonely"
            for (int id = 1; id <= 3; id++) {
                int node = id;
                LocalCluster.await("node " + node + " applied the marker",
                        () -> timesApplied(cluster, node, "marker") == 1);
                assertEquals(1, timesApplied(cluster, node, "lonely"), "node " + node);
            }
        }
    }

    @Test
    void anIdleSessionExpiresAndAClosedOneIsGone() throws Exception {
        try (LocalCluster cluster = LocalCluster.ofCounters(3, OPTIONS).startAll()) {
            int leader = cluster.awaitLeader(0);
            ClientSession idle = cluster.group(leader, 0).openSession(5).get(30, TimeUnit.SECONDS);
            get(idle.propose("x".getBytes()));
            for (int i = 0; i < 6; i++) {
                get(cluster.group(leader, 0).propose(("other" + i).getBytes()));
            }
            SessionExpiredException expired = assertInstanceOf(SessionExpiredException.class,
                    LocalCluster.failureOf(idle.propose("late".getBytes())));
            assertEquals(idle.clientId(), expired.clientId());
            assertTrue(expired.getMessage().contains("maxIdleEntries"), expired.getMessage());

            ClientSession closing = cluster.group(leader, 0).openSession().get(30, TimeUnit.SECONDS);
            get(closing.propose("y".getBytes()));
            closing.close();
            assertInstanceOf(SessionExpiredException.class, LocalCluster.failureOf(closing.propose("z".getBytes())),
                    "a closed handle refuses at once");
            ClientSession resumed = cluster.group(leader, 0).resumeSession(closing.clientId(), 2);
            LocalCluster.await("the close was applied", () -> {
                try {
                    resumed.propose(2, "z".getBytes()).get(30, TimeUnit.SECONDS);
                    return false;
                } catch (ExecutionException e) {
                    return e.getCause() instanceof SessionExpiredException;
                } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                    throw new AssertionError(e);
                }
            });
            LocalCluster.await("every node applied what was proposed",
                    () -> cluster.counter(1).applied().size() == cluster.counter(leader).applied().size());
            assertEquals(0, timesApplied(cluster, leader, "late") + timesApplied(cluster, leader, "z"));
        }
    }

    @Test
    void badArgumentsAreRefusedNamingTheProblem() throws Exception {
        SynodOptions small = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20).electionTimeoutMillis(150)
                .retransmitMillis(40).maxCommandBytes(64).registerJmx(false).build();
        try (LocalCluster cluster = LocalCluster.ofCounters(1, small).startAll()) {
            cluster.awaitLeader(0);
            var group = cluster.group(1, 0);
            Throwable zeroLimit = LocalCluster.failureOf(group.openSession(0));
            assertInstanceOf(IllegalArgumentException.class, zeroLimit);
            assertTrue(zeroLimit.getMessage().contains("maxIdleEntries"), zeroLimit.getMessage());
            IllegalArgumentException badId = assertThrows(IllegalArgumentException.class, () -> group.resumeSession(0, 1));
            assertTrue(badId.getMessage().contains("client id 0"), badId.getMessage());
            assertThrows(IllegalArgumentException.class, () -> group.resumeSession(7, 0));

            ClientSession session = group.openSession().get(30, TimeUnit.SECONDS);
            assertInstanceOf(IllegalArgumentException.class, LocalCluster.failureOf(session.propose(0, new byte[1])));
            assertInstanceOf(CommandTooLargeException.class, LocalCluster.failureOf(session.propose(new byte[65])));
            assertEquals(1, session.nextSequence(), "refused commands use no sequence number");

            // A sequence number the client already acknowledged has no result left to return.
            get(session.propose("a".getBytes()));
            get(session.propose("b".getBytes()));
            Throwable forgotten = LocalCluster.failureOf(session.propose(1, "a".getBytes()));
            assertInstanceOf(SynodException.class, forgotten);
            assertTrue(forgotten.getMessage().contains("already acknowledged"), forgotten.getMessage());
            assertEquals(1, timesApplied(cluster, 1, "a"));
        }
    }
}
