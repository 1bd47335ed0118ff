package io.synod.core.transport;

import io.synod.core.protocol.AcceptedEntry;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Rejection;
import io.synod.core.protocol.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Transport} must do, run against each implementation. A subclass decides how
 * nodes find each other; {@link #startNode} starts node {@code id} of a small cluster (ids 1 to 3)
 * on this test's network, at the same address every time, so closing and starting again is a restart.
 */
public abstract class TransportContract {
    protected static final long GROUP = 3;
    /** Connection probes travel in their own group, so that collectors can ignore late duplicates. */
    protected static final long PROBE_GROUP = 999;
    private final List<Transport> started = new ArrayList<>();

    /** Creates and starts the transport of node {@code id} (1 to 3) on this test's network. */
    protected abstract Transport createAndStart(int id, Transport.MessageHandler handler);

    protected final Transport startNode(int id, Transport.MessageHandler handler) {
        Transport transport = createAndStart(id, handler);
        started.add(transport);
        return transport;
    }

    @AfterEach
    void closeAll() {
        started.forEach(Transport::close);
    }

    /** Sends probes from {@code from} until {@code to} has received one. */
    protected static void awaitConnected(Transport from, int to, ConcurrentLinkedQueue<Message> probes) throws InterruptedException {
        await("a connection from " + from.localNodeId() + " to " + to, () -> {
            from.send(new Message.Heartbeat(PROBE_GROUP, from.localNodeId(), to, new Ballot(1, from.localNodeId()), 0, 0));
            return probes.stream().anyMatch(m -> m.from() == from.localNodeId());
        });
    }

    /** A handler that puts probes in {@code probes} and everything else in {@code messages}. */
    protected static Transport.MessageHandler collect(ConcurrentLinkedQueue<Message> messages, ConcurrentLinkedQueue<Message> probes) {
        return m -> (m.groupId() == PROBE_GROUP ? probes : messages).add(m);
    }

    /** Waits for {@code condition}, polling, up to a deadline (never a fixed sleep). */
    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    protected static List<Message> oneOfEachKind(int from, int to) {
        Ballot b = new Ballot(4, from);
        Value batch = new Value.Batch(List.of(new Command(1, new byte[] {1, 2, 3}), new Command(2, new byte[0])));
        return List.of(
                new Message.PreVote(GROUP, from, to, b),
                new Message.PreVoteReply(GROUP, from, to, b, true, Ballot.ZERO),
                new Message.Prepare(GROUP, from, to, b, 7),
                new Message.Promise(GROUP, from, to, b, 7, List.of(new AcceptedEntry(7, new Ballot(3, 2), batch)), 3, 5),
                new Message.Accept(GROUP, from, to, b, 8, batch, 7),
                new Message.Accept(GROUP, from, to, b, 9, Value.NOOP, 7),
                new Message.Accepted(GROUP, from, to, b, 8),
                new Message.Heartbeat(GROUP, from, to, b, 9, 33),
                new Message.HeartbeatReply(GROUP, from, to, b, 9, 12, 33),
                new Message.ReadIndexRequest(GROUP, from, to, 44),
                new Message.ReadIndexReply(GROUP, from, to, 44, true, 9, 0),
                new Message.Nack(GROUP, from, to, b, new Ballot(5, 3), Message.NackReason.LEADER_ALIVE),
                new Message.CatchUpRequest(GROUP, from, to, 1, 9),
                new Message.CatchUpReply(GROUP, from, to, List.of(new ChosenEntry(1, batch), new ChosenEntry(2, Value.NOOP)), 5),
                new Message.Forward(GROUP, from, to, new Command(77, new byte[] {7, 7}), 3),
                new Message.ForwardRejected(GROUP, from, to, 77, 3, Rejection.Reason.OVERLOADED, to),
                new Message.Batch(0, from, to, List.of(new Message.Heartbeat(GROUP, from, to, b, 9, 1),
                        new Message.Heartbeat(GROUP + 1, from, to, b, 4, 2))),
                new Message.SnapshotRequest(GROUP, from, to, 40, 4096),
                new Message.SnapshotChunk(GROUP, from, to, 40, 10_000, 0xCAFE, 4096, new byte[] {1, 2, 3}),
                // Bodies of 1 KiB and more take another encoding path in a real transport.
                new Message.Accept(GROUP, from, to, b, 10, new Value.Batch(List.of(new Command(3, pattern(1_500)),
                        new Command(4, pattern(70_000)))), 7),
                new Message.SnapshotChunk(GROUP, from, to, 40, 100_000, 0xBEEF, 8192, pattern(16_384)));
    }

    /** {@code length} bytes that differ from position to position, so a misplaced byte shows. */
    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 8));
        }
        return bytes;
    }

    @Test
    void deliversEveryKindOfMessageIntact() throws Exception {
        ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Message> probes = new ConcurrentLinkedQueue<>();
        Transport one = startNode(1, m -> { });
        startNode(2, collect(received, probes));
        awaitConnected(one, 2, probes);
        List<Message> sent = oneOfEachKind(1, 2);
        sent.forEach(one::send);
        await("all kinds delivered", () -> received.size() >= sent.size());
        assertEquals(sent, new ArrayList<>(received));
    }

    @Test
    void keepsTheOrderOfOneSenderToOneReceiver() throws Exception {
        ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Message> probes = new ConcurrentLinkedQueue<>();
        Transport one = startNode(1, m -> { });
        startNode(2, collect(received, probes));
        awaitConnected(one, 2, probes);
        int count = 20_000;
        int sent = 0;
        for (long slot = 1; slot <= count; slot++) {
            if (one.send(new Message.Accepted(GROUP, 1, 2, new Ballot(1, 1), slot))) {
                sent++;
            }
        }
        int expected = sent;
        await(expected + " messages", () -> received.size() >= expected);
        long previous = 0;
        for (Message m : received) {
            long slot = ((Message.Accepted) m).slot();
            assertTrue(slot > previous, "slot " + slot + " arrived after " + previous);
            previous = slot;
        }
    }

    @Test
    void sendingToANodeThatIsNotRunningDoesNotThrow() {
        Transport one = startNode(1, m -> { });
        one.send(new Message.Heartbeat(GROUP, 1, 3, new Ballot(1, 1), 1, 0)); // node 3 never started
    }

    @Test
    void aRestartedPeerIsReachedAgain() throws Exception {
        ConcurrentLinkedQueue<Message> probes = new ConcurrentLinkedQueue<>();
        Transport one = startNode(1, m -> { });
        Transport two = startNode(2, probes::add);
        awaitConnected(one, 2, probes);
        two.close();
        ConcurrentLinkedQueue<Message> afterRestart = new ConcurrentLinkedQueue<>();
        startNode(2, afterRestart::add);
        awaitConnected(one, 2, afterRestart);
    }

    @Test
    void aClosedTransportNeitherSendsNorDelivers() throws Exception {
        ConcurrentLinkedQueue<Message> probes = new ConcurrentLinkedQueue<>();
        Transport one = startNode(1, m -> { });
        Transport two = startNode(2, probes::add);
        awaitConnected(one, 2, probes);
        one.close();
        assertFalse(one.send(new Message.Heartbeat(GROUP, 1, 2, new Ballot(1, 1), 1, 0)));
        two.close();
        two.close(); // idempotent
    }

    @Test
    void messagesFromSeveralSendersAllArrive() throws Exception {
        ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Message> probes = new ConcurrentLinkedQueue<>();
        Transport one = startNode(1, m -> { });
        Transport three = startNode(3, m -> { });
        startNode(2, collect(received, probes));
        awaitConnected(one, 2, probes);
        awaitConnected(three, 2, probes);
        Thread a = new Thread(() -> { for (int i = 1; i <= 2000; i++) one.send(new Message.Accepted(GROUP, 1, 2, new Ballot(1, 1), i)); });
        Thread b = new Thread(() -> { for (int i = 1; i <= 2000; i++) three.send(new Message.Accepted(GROUP, 3, 2, new Ballot(1, 3), i)); });
        a.start();
        b.start();
        a.join();
        b.join();
        await("4000 messages", () -> received.size() >= 4000);
        assertEquals(2000, received.stream().filter(m -> m.from() == 1).count());
        assertEquals(2000, received.stream().filter(m -> m.from() == 3).count());
    }
}
