package io.synod.core.sim;

import io.synod.core.protocol.LeaseRead;
import io.synod.core.protocol.ReadIndex;
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

        List<String> read(String key);

        void step(Supplier<Ready> input);

        /** The server's monotonic clock, in its own microseconds: it runs at the server's (skewed) rate, paused or not. */
        long clockMicros();
    }

    private record Waiting(SimClient client, long opId, String key, String how) {
    }

    private static final int TICK_HISTORY = 512;

    private final Server server;
    private final Simulation sim;
    private final Map<Long, Waiting> awaitingIndex = new HashMap<>();
    private final TreeMap<Long, List<Waiting>> awaitingApply = new TreeMap<>();
    /** The server clock when each recent tick was handed to the replica: tick t at [t % size]. */
    private final long[] tickClock = new long[TICK_HISTORY];
    private final long[] tickNumber = new long[TICK_HISTORY];
    private long nextReadId;
    private long leaseReads;

    SimReads(Server server, Simulation sim) {
        this.server = server;
        this.sim = sim;
        java.util.Arrays.fill(tickNumber, -1);
    }

    /** The replica is about to take tick {@code tick}. */
    void beforeTick(long tick) {
        int i = (int) (tick % TICK_HISTORY);
        tickNumber[i] = tick;
        tickClock[i] = server.clockMicros();
    }

    /** A client's read arrives; {@code lease} asks for a lease read where one holds. */
    void onRead(SimClient client, long opId, String key, boolean lease) {
        if (lease) {
            LeaseRead offer = server.replica().leaseRead();
            if (offer != null && holds(offer)) {
                leaseReads++;
                serveAt(offer.index(), new Waiting(client, opId, key, "lease"));
                return;
            }
        }
        long readId = ++nextReadId;
        awaitingIndex.put(readId, new Waiting(client, opId, key, lease ? "read-index (lease expired)" : "read-index"));
        server.step(() -> server.replica().readIndex(readId));
    }

    private boolean holds(LeaseRead offer) {
        int i = (int) (offer.sinceTick() % TICK_HISTORY);
        if (tickNumber[i] != offer.sinceTick()) {
            return false; // too long ago to remember: long expired
        }
        return server.clockMicros() < tickClock[i] + offer.ticks() * Simulation.TICK_MICROS;
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
        List<String> values = server.read(w.key());
        int node = server.id();
        sim.toClient(() -> w.client().onReadResult(w.opId(), values, w.how(), node));
    }

    /** The server crashed: its waiting reads are gone (their clients time out). */
    void crash() {
        awaitingIndex.clear();
        awaitingApply.clear();
        java.util.Arrays.fill(tickNumber, -1); // the next incarnation counts ticks from 0 again
    }

    long leaseReads() {
        return leaseReads;
    }
}
