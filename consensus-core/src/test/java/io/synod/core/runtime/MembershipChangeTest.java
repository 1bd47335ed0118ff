package io.synod.core.runtime;

import io.synod.core.api.GroupAdmin;
import io.synod.core.api.GroupStatus;
import io.synod.core.api.MembershipChange;
import io.synod.core.api.MembershipChangeException;
import io.synod.core.api.MembershipChangeException.Reason;
import io.synod.core.api.NotLeaderException;
import io.synod.core.api.ReadConsistency;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.Message;
import io.synod.core.storage.InMemoryStorage;
import io.synod.core.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership changes, learners and leadership transfer through the runtime and the public
 * {@link GroupAdmin}, on in-process nodes (in-memory network and storage).
 */
class MembershipChangeTest {
    /** Snapshots every 20 slots, so a new node must catch up from one; promotion within 10 slots of the leader. */
    private static final SynodOptions OPTIONS = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20)
            .electionTimeoutMillis(150).retransmitMillis(40).maxElectionBackoffMillis(600).proposalTimeoutMillis(10_000)
            .snapshotEveryEntries(20).snapshotChunkBytes(4096).maxPromotionLagSlots(10).registerJmx(false).build();
    private static final InetSocketAddress ADDRESS_4 = new InetSocketAddress("127.0.0.1", 7004);

    @Test
    void aLearnerCatchesUpFromASnapshotServesReadsIsPromotedAndTakesARemovedVotersPlace() throws Exception {
        AtomicBoolean holdSnapshots = new AtomicBoolean(true);
        try (LocalCluster cluster = new LocalCluster(3, OPTIONS, Set.of(0L), g -> new Counter())
                .wrapTransport(t -> t.localNodeId() == 4 ? new SnapshotGate(t, holdSnapshots) : t).startAll()) {
            int leader = cluster.awaitLeader(0);
            int total = compactBeyond(cluster, leader, 40);
            cluster.startJoining(4);
            GroupAdmin admin = cluster.group(leader, 0).admin();
            GroupStatus before = admin.status().get(10, TimeUnit.SECONDS);
            assertEquals(Set.of(1, 2, 3), before.current().voters());
            assertEquals(Set.of(), before.current().learners());
            assertEquals(1, before.current().epoch());
            assertTrue(before.isLeader());

            // Requests the group must refuse, each saying why.
            int follower = leader % 3 + 1;
            NotLeaderException notLeader = assertInstanceOf(NotLeaderException.class,
                    LocalCluster.failureOf(cluster.group(follower, 0).admin().remove(3)));
            assertEquals(leader, notLeader.leaderHint().orElseThrow());
            assertRefused(Reason.UNKNOWN_NODE, "node 9 is not a member", admin.remove(9));
            assertRefused(Reason.UNKNOWN_NODE, "node 4 is not a learner", admin.promote(4));

            // Two changes at once: the second is refused while the first is on its way (held up by a
            // brief cut, so it cannot be chosen in between).
            int other = 6 - leader - follower;
            cluster.network.cut(leader, follower);
            cluster.network.cut(leader, other);
            CompletableFuture<MembershipChange> add = admin.addLearner(4, ADDRESS_4);
            assertRefused(Reason.CONCURRENT_CHANGE, "add learner node 4", admin.addLearner(5, ADDRESS_4));
            cluster.network.heal(leader, follower);
            cluster.network.heal(leader, other);
            MembershipChange added = add.get(10, TimeUnit.SECONDS);
            assertEquals(2, added.membership().epoch());
            assertEquals(Set.of(4), added.membership().learners());
            assertEquals("127.0.0.1:7004", added.membership().addresses().get(4));
            assertEquals(added.chosenSlot() + 64, added.membership().effectiveSlot());
            // The leader's transport now knows where node 4 is.
            LocalCluster.await("the leader's transport told of node 4",
                    () -> ADDRESS_4.equals(cluster.network.learnedPeers(leader).get(4)));

            // The learner answers the leader but cannot install the snapshot yet: promoting it is refused, naming its lag.
            LocalCluster.await("the learner answered the leader", () -> status(admin).memberProgress().containsKey(4)
                    && status(admin).pending() == null);
            assertRefused(Reason.ALREADY_MEMBER, "already a learner", admin.addLearner(4, ADDRESS_4));
            MembershipChangeException behind = assertRefused(Reason.NOT_CAUGHT_UP, "slots behind the leader's commit point",
                    admin.promote(4));
            assertTrue(behind.getMessage().contains("within 10 slots"), behind.getMessage());

            holdSnapshots.set(false);
            LocalCluster.await("the learner caught up", () -> cluster.counter(4).applied().size() == total);
            assertEquals(cluster.counter(leader).applied(), cluster.counter(4).applied());
            assertTrue(stored(cluster, 4).snapshotSlot() > 0, "the learner installed a snapshot");
            assertEquals(total, readIndex(cluster, 4, ReadConsistency.STALE), "a stale read on the learner");
            assertEquals(total, readIndex(cluster, 4, ReadConsistency.LINEARIZABLE), "a linearizable read on the learner");
            assertTrue(!cluster.group(4, 0).isLeader());

            MembershipChange promoted = retryWhileCatchingUp(() -> admin.promote(4));
            assertEquals(Set.of(1, 2, 3, 4), promoted.membership().voters());
            assertEquals(Set.of(), promoted.membership().learners());

            // Replace a voter: remove one of the original followers, then keep going without it.
            int removed = follower;
            MembershipChange smaller = retryWhileCatchingUp(() -> admin.remove(removed));
            Set<Integer> voters = new java.util.TreeSet<>(Set.of(1, 2, 3, 4));
            voters.remove(removed);
            assertEquals(voters, smaller.membership().voters());
            LocalCluster.await("the removal is in force", () -> status(admin).pending() == null);
            cluster.stop(removed);
            int more = proposeAll(cluster, 4, "after", 20);
            int all = total + more;
            for (int node : voters) {
                LocalCluster.await("node " + node + " applied everything", () -> cluster.counter(node).applied().size() == all);
                assertEquals(cluster.counter(leader).applied(), cluster.counter(node).applied());
            }
        }
    }

    @Test
    void leadershipMovesToTheNamedVoterWithoutFailingProposalsInFlight() throws Exception {
        try (LocalCluster cluster = new LocalCluster(3, OPTIONS, Set.of(0L), g -> new Counter()).startAll()) {
            int leader = cluster.awaitLeader(0);
            int target = leader % 3 + 1;
            List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                inFlight.add(cluster.group(leader, 0).propose(("t" + i).getBytes()));
            }
            cluster.group(leader, 0).admin().transferLeadership(target).get(10, TimeUnit.SECONDS);
            for (int i = 50; i < 100; i++) {
                inFlight.add(cluster.group(leader, 0).propose(("t" + i).getBytes())); // sent on to the new leader
            }
            assertEquals(target, cluster.awaitLeader(0));
            for (CompletableFuture<byte[]> proposal : inFlight) {
                proposal.get(10, TimeUnit.SECONDS); // none fails: the old leader points them at the new one
            }
            LocalCluster.await("all 100 applied everywhere", () -> cluster.counter(1).applied().size() == 100
                    && cluster.counter(2).applied().size() == 100 && cluster.counter(3).applied().size() == 100);

            GroupAdmin admin = cluster.group(target, 0).admin();
            assertRefused(Reason.INVALID, "already leads", admin.transferLeadership(target));
            assertRefused(Reason.UNKNOWN_NODE, "node 7 is not a voter", admin.transferLeadership(7));
            assertInstanceOf(NotLeaderException.class,
                    LocalCluster.failureOf(cluster.group(leader, 0).admin().transferLeadership(target)));
        }
    }

    @Test
    void theLastVoterCannotBeRemovedAndALiveVoterIsNotRemovedWhileAnotherIsDown() throws Exception {
        try (LocalCluster single = new LocalCluster(1, OPTIONS, Set.of(0L), g -> new Counter()).startAll()) {
            single.awaitLeader(0);
            assertRefused(Reason.LAST_VOTER, "node 1 is the last voter", single.group(1, 0).admin().remove(1));
        }
        try (LocalCluster cluster = new LocalCluster(3, OPTIONS, Set.of(0L), g -> new Counter()).startAll()) {
            int leader = cluster.awaitLeader(0);
            int down = leader % 3 + 1;
            int live = 6 - leader - down;
            cluster.stop(down);
            Thread.sleep(OPTIONS.electionTimeoutMillis() * 2L); // long enough to count as unreachable
            GroupAdmin admin = cluster.group(leader, 0).admin();
            assertRefused(Reason.INVALID, "only [" + leader + "] answer the leader", admin.remove(live));
            MembershipChange shrunk = admin.remove(down).get(10, TimeUnit.SECONDS); // the dead one may go
            assertEquals(Set.of(leader, live), shrunk.membership().voters());
        }
    }

    @Test
    void aChangeWhoseSlotWentToAnotherValueFailsAsNotLeaderAtOnce() throws Exception {
        try (LocalCluster cluster = new LocalCluster(3, OPTIONS, Set.of(0L), g -> new Counter()).startAll()) {
            int old = cluster.awaitLeader(0);
            int a = old % 3 + 1;
            int b = 6 - old - a;
            for (int peer : List.of(a, b)) {
                cluster.network.cut(old, peer);
                cluster.network.cut(peer, old);
            }
            // The change gets a slot on the cut-off leader, and no one else votes for it.
            CompletableFuture<MembershipChange> lost = cluster.group(old, 0).admin().addLearner(4, ADDRESS_4);
            LocalCluster.await("a new leader on the other side", () -> cluster.group(a, 0).isLeader()
                    || cluster.group(b, 0).isLeader());
            int leader = cluster.group(a, 0).isLeader() ? a : b;
            proposeAll(cluster, leader, "x", 5); // they take the slot the old leader gave the change
            for (int peer : List.of(a, b)) {
                cluster.network.heal(old, peer);
                cluster.network.heal(peer, old);
            }
            long started = System.nanoTime();
            NotLeaderException notLeader = assertInstanceOf(NotLeaderException.class, LocalCluster.failureOf(lost));
            assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(OPTIONS.proposalTimeoutMillis()),
                    "failed as soon as the slot was known, not at the timeout");
            assertEquals(leader, notLeader.leaderHint().orElseThrow());
            assertEquals(Set.of(), cluster.group(leader, 0).admin().status().get(10, TimeUnit.SECONDS).latest().learners());
        }
    }

    @Test
    void theBuilderStartsAJoiningNodeOnlyWithTheInitialMembers() {
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class, () -> SynodNode.builder()
                .nodeId(4).memberIds(Set.of(4)).joining(true).storage(new InMemoryStorage())
                .transport(new io.synod.core.transport.InMemoryNetwork().join(4)).stateMachine(new Counter()).build());
        assertTrue(alone.getMessage().contains("list the group's initial voters"), alone.getMessage());
        IllegalArgumentException notJoining = assertThrows(IllegalArgumentException.class, () -> SynodNode.builder()
                .nodeId(4).memberIds(Set.of(1, 2, 3)).storage(new InMemoryStorage())
                .transport(new io.synod.core.transport.InMemoryNetwork().join(4)).stateMachine(new Counter()).build());
        assertTrue(notJoining.getMessage().contains("set joining(true)"), notJoining.getMessage());
        IllegalArgumentException peerIsMember = assertThrows(IllegalArgumentException.class, () -> SynodNode.builder()
                .nodeId(4).joining(true).members(Map.of(1, ADDRESS_4, 4, ADDRESS_4)).peerAddresses(Map.of(1, ADDRESS_4))
                .storage(new InMemoryStorage()).stateMachine(new Counter()).build());
        assertTrue(peerIsMember.getMessage().contains("peerAddresses lists node 1, which is an initial member"),
                peerIsMember.getMessage());
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Proposes in waves until the leader's snapshot is past {@code slot} and its log truncated behind it. */
    private static int compactBeyond(LocalCluster cluster, int leader, long slot) throws Exception {
        int proposed = 0;
        for (int wave = 0; stored(cluster, leader).snapshotSlot() <= slot; wave++) {
            assertTrue(wave < 300, "no snapshot past slot " + slot + " after " + proposed + " commands");
            proposed += proposeAll(cluster, leader, "w" + wave + "-", 10);
        }
        LocalCluster.await("the log below the snapshot truncated", () -> {
            DurableState state = stored(cluster, leader);
            return state.accepted().isEmpty() || state.accepted().firstKey() > state.snapshotSlot();
        });
        return proposed;
    }

    private static int proposeAll(LocalCluster cluster, int node, String prefix, int count) throws Exception {
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(cluster.group(node, 0).propose((prefix + i).getBytes()));
        }
        for (CompletableFuture<byte[]> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        return count;
    }

    private static DurableState stored(LocalCluster cluster, int node) {
        try (InMemoryStorage storage = new InMemoryStorage(cluster.disks.get(node))) {
            return storage.recover(0);
        }
    }

    private static GroupStatus status(GroupAdmin admin) {
        try {
            return admin.status().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("status failed", e);
        }
    }

    private static long readIndex(LocalCluster cluster, int node, ReadConsistency consistency) throws Exception {
        return ByteBuffer.wrap(cluster.group(node, 0).read(new byte[0], consistency).get(10, TimeUnit.SECONDS)).getLong();
    }

    private static MembershipChangeException assertRefused(Reason reason, String text, CompletableFuture<?> request)
            throws InterruptedException {
        MembershipChangeException e = assertInstanceOf(MembershipChangeException.class, LocalCluster.failureOf(request));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        return e;
    }

    /** Retries a request refused only because a learner is still catching up or the last change is not in force yet. */
    private static MembershipChange retryWhileCatchingUp(java.util.function.Supplier<CompletableFuture<MembershipChange>> request)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return request.get().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                boolean transient_ = e.getCause() instanceof MembershipChangeException m
                        && (m.reason() == Reason.NOT_CAUGHT_UP || m.reason() == Reason.CONCURRENT_CHANGE);
                if (!transient_ || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /** Node 4's transport, dropping its snapshot requests while {@code hold} is set. */
    private record SnapshotGate(Transport inner, AtomicBoolean hold) implements Transport {
        @Override
        public void start(MessageHandler handler) {
            inner.start(handler);
        }

        @Override
        public boolean send(Message message) {
            return !(hold.get() && message instanceof Message.SnapshotRequest) && inner.send(message);
        }

        @Override
        public void updatePeers(Map<Integer, InetSocketAddress> learned) {
            inner.updatePeers(learned);
        }

        @Override
        public int localNodeId() {
            return inner.localNodeId();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
