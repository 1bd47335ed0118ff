package io.synod.testkit.sim;

import io.synod.core.protocol.LeaseRead;
import io.synod.core.protocol.ReadIndex;
import io.synod.core.runtime.LeaseClock;
import io.synod.core.protocol.Ready;
import io.synod.core.protocol.Replica;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The reads one simulated server answers outside the log, as the runtime does: under the leader's
 * lease when it holds (checked against the server's own clock, which keeps running through a
 * pause), otherwise through the protocol's read index; the answer waits until the server has
 * applied up to the read's index.
 */
final class SimReads {

    /** What the reads need from their server. */
    interface Server {
        int id();

        Replica replica();

        long appliedSlot();

        /** The answer to {@code query} from the server's current state. */
        String query(byte[] query);

        void step(Supplier<Ready> input);

        /** The server's monotonic clock, in its own microseconds: it runs at the server's (skewed) rate, paused or not. */
        long clockMicros();
    }

    private record Waiting(SimClient client, long opId, byte[] query, String how) {
    }

    private final Server server;
    private final Simulation sim;
    private final Map<Long, Waiting> awaitingIndex = new HashMap<>();
    private final TreeMap<Long, List<Waiting>> awaitingApply = new TreeMap<>();
    /** The runtime's lease check, fed with the server's clock in microseconds. */
    private final LeaseClock leaseClock = new LeaseClock(Simulation.TICK_MICROS);
    private long nextReadId;
    private long leaseReads;

    SimReads(Server server, Simulation sim) {
        this.server = server;
        this.sim = sim;
    }

    /** The replica is about to take tick {@code tick}. */
    void beforeTick(long tick) {
        leaseClock.beforeTick(tick, server.clockMicros());
    }

    /** A client's read arrives; {@code lease} asks for a lease read where one holds. */
    void onRead(SimClient client, long opId, byte[] query, boolean lease) {
        if (lease) {
            LeaseRead offer = server.replica().leaseRead();
            if (offer != null && leaseClock.holds(offer, server.clockMicros())) {
                leaseReads++;
                serveAt(offer.index(), new Waiting(client, opId, query, "lease"));
                return;
            }
        }
        long readId = ++nextReadId;
        awaitingIndex.put(readId, new Waiting(client, opId, query, lease ? "read-index (lease expired)" : "read-index"));
        server.step(() -> server.replica().readIndex(readId));
    }

    /** The replica's read outcomes of one step (after its committed entries were applied). */
    void onOutcomes(List<ReadIndex> outcomes) {
        for (ReadIndex outcome : outcomes) {
            Waiting w = awaitingIndex.remove(outcome.readId());
            if (w == null) {
                continue;
            }
            if (outcome.confirmed()) {
                serveAt(outcome.index(), w);
            } else {
                sim.toClient(() -> w.client().onReadRefused(w.opId(), outcome.leaderHint()));
            }
        }
    }

    private void serveAt(long index, Waiting w) {
        if (server.appliedSlot() >= index) {
            answer(w);
        } else {
            awaitingApply.computeIfAbsent(index, i -> new ArrayList<>()).add(w);
        }
    }

    /** The server applied (or installed a snapshot) up to {@code slot}. */
    void appliedThrough(long slot) {
        while (!awaitingApply.isEmpty() && awaitingApply.firstKey() <= slot) {
            awaitingApply.pollFirstEntry().getValue().forEach(this::answer);
        }
    }

    private void answer(Waiting w) {
        String result = server.query(w.query());
        int node = server.id();
        sim.toClient(() -> w.client().onReadResult(w.opId(), result, w.how(), node));
    }

    /** The server crashed: its waiting reads are gone (their clients time out). */
    void crash() {
        awaitingIndex.clear();
        awaitingApply.clear();
        leaseClock.reset(); // the next incarnation counts ticks from 0 again
    }

    long leaseReads() {
        return leaseReads;
    }
}
