package io.synod.core.runtime;

import io.synod.core.api.MetricsListener;
import io.synod.core.api.MonotonicClock;
import io.synod.core.api.SynodOptions;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Rejection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The tracker on its own, driven by hand: the orders of events here are rare on a real network but
 * each one has cost a duplicate command somewhere (the simulator found the first).
 */
class ProposalTrackerTest {
    private static final long GROUP = 9;

    private final RecordingTransport transport = new RecordingTransport();
    private final List<Message> sent = transport.sent;
    private final List<Long> proposedLocally = new ArrayList<>();
    private final SynodOptions options = SynodOptions.builder().proposalTimeoutMillis(600_000).registerJmx(false).build();
    private long nowNanos = 1_000_000_000L;
    private final MonotonicClock clock = () -> nowNanos;
    private final NodeContext node = new NodeContext(1, Set.of(1, 2, 3), options, null, transport,
            new Admission(options), new NodeMetrics(new MetricsListener() { }, clock), clock, Runnable::run, Runnable::run,
            new PeerDirectory(1, transport, clock, Runnable::run));
    private final ProposalTracker tracker = new ProposalTracker(GROUP, node, new CommandIds(1, new SplittableRandom(5)));
    private final ProposalTracker.Replica replica = new ProposalTracker.Replica() {
        @Override
        public void propose(Command command) {
            proposedLocally.add(command.id());
        }

        @Override
        public int leaderHint() {
            return 2;
        }
    };

    @Test
    void aDuplicatedRefusalOfAnEarlierForwardDoesNotSendTheCommandAgain() {
        PendingProposal proposal = startOne();
        tracker.refused(Rejection.local(proposal.commandId, Rejection.Reason.NOT_LEADER, 2, 1));
        Message.Forward toTwo = lastForward();
        assertEquals(2, toTwo.to());

        // Node 2 stepped down before giving it a slot and names node 3; we forward there.
        Rejection byTwo = new Rejection(proposal.commandId, Rejection.Reason.NOT_LEADER, 3, 2, toTwo.attempt());
        tracker.refused(byTwo);
        Message.Forward toThree = lastForward();
        assertEquals(3, toThree.to());

        // Node 3 put it in a slot. The network delivers node 2's refusal a second time: it answers
        // the first forward, not the one node 3 is deciding, and must change nothing.
        tracker.refused(byTwo);
        assertEquals(2, forwards().size(), "a stale refusal must not send the command to a leader again");
        assertFalse(proposal.future.isDone(), "nor report an outcome: the command may be chosen");

        // A refusal of the forward that is outstanding still counts.
        tracker.refused(new Rejection(proposal.commandId, Rejection.Reason.NOT_LEADER, 2, 3, toThree.attempt()));
        assertEquals(3, forwards().size());
        assertEquals(2, lastForward().to());
    }

    @Test
    void aRefusalOfAForwardIsStaleOnceTheCommandIsProposedLocally() {
        PendingProposal proposal = startOne();
        tracker.refused(Rejection.local(proposal.commandId, Rejection.Reason.NOT_LEADER, 2, 1));
        Message.Forward toTwo = lastForward();
        Rejection byTwo = new Rejection(proposal.commandId, Rejection.Reason.NOT_LEADER, 0, 2, toTwo.attempt());
        tracker.refused(byTwo); // no leader known: parked
        nowNanos += 60_000_000_000L;
        tracker.tick(replica); // a leader is known (node 2 again, re-elected): proposed here
        assertEquals(2, proposedLocally.size());

        tracker.refused(byTwo); // a duplicate of the refusal that parked it
        nowNanos += 60_000_000_000L;
        tracker.tick(replica);
        assertEquals(1, forwards().size());
        assertEquals(2, proposedLocally.size(), "a stale refusal must not have it proposed again");
        assertFalse(proposal.future.isDone());
    }

    private PendingProposal startOne() {
        ConsensusLoop idle = new ConsensusLoop("test", clock, 1_000_000, 100, new HeartbeatCoalescer(node.transport()));
        CompletableFuture<byte[]> future = tracker.propose(CommandEnvelope.plain(new byte[] {1, 2, 3}), idle, p -> { });
        assertFalse(future.isDone());
        PendingProposal proposal = tracker.pending().values().iterator().next();
        tracker.started(proposal, replica);
        return proposal;
    }

    private List<Message.Forward> forwards() {
        return sent.stream().filter(m -> m instanceof Message.Forward).map(m -> (Message.Forward) m).toList();
    }

    private Message.Forward lastForward() {
        List<Message.Forward> forwards = forwards();
        return forwards.get(forwards.size() - 1);
    }
}
