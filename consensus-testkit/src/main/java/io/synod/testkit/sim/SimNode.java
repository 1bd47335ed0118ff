package io.synod.testkit.sim;

import io.synod.core.invariant.InvariantViolation;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.ProtocolConfig;
import io.synod.core.protocol.Ready;
import io.synod.core.protocol.Rejection;
import io.synod.core.protocol.Replica;
import io.synod.core.protocol.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One simulated server: a replica, its disk, its copy of the state machine, and the clients
 * waiting on commands it accepted. It plays the part the real runtime will: carries out each
 * {@link Ready}, applies committed commands and answers clients. A crash loses everything but the
 * synced part of the disk.
 */
final class SimNode {
    final int id;
    private final ProtocolConfig config;
    private final Simulation sim;
    private final SimDisk disk;
    /** Real (simulated) microseconds between this node's ticks: its clock rate; changes under clock faults. */
    private long tickMicros;
    /** This node's clock (in its own microseconds) at the last rate change, and when (real time) that was. */
    private long clockAtLastRateChange;
    private long lastRateChange;
    private Replica replica;
    private SimMachine machine;
    /** Client commands this node took, until applied or refused. */
    private final Map<Long, Waiting> waiting = new HashMap<>();
    private int incarnation;
    private Replica.Role lastRole = Replica.Role.FOLLOWER;
    private int restarts;
    private boolean paused;
    private long appliedSlot;
    private boolean fetchingSnapshot;
    /** The memberships folded through {@code appliedSlot}, as the runtime's apply stage keeps them for snapshots. */
    private MembershipHistory memberships;
    private long snapshotsTaken;
    private long snapshotsInstalled;
    /** Chosen slots sent to lagging replicas from this node's journal (evicted from memory). */
    private long slotsServedFromJournal;
    private final List<Runnable> deferred = new ArrayList<>();
    private final SimReads reads;
    /** Numbers this node's forwards across incarnations, so a refusal names the one it answers. */
    private long lastForwardAttempt;

    private static final class Waiting {
        final SimClient client;
        final Command command;
        boolean forwarded;
        /** The forward whose refusal would count (0: none outstanding). */
        long forwardAttempt;

        Waiting(SimClient client, Command command) {
            this.client = client;
            this.command = command;
        }
    }

    SimNode(int id, ProtocolConfig config, Simulation sim, long tickMicros) {
        this.id = id;
        this.config = config;
        this.sim = sim;
        this.tickMicros = tickMicros;
        this.disk = new SimDisk(id, sim.loop, sim.random.fork(), sim.checker::onDurable, sim.scenario.tornWrites());
        // The disk keeps syncing while the process is paused; the process hears of it on resume.
        this.disk.onPersisted(seq -> whenRunning(() -> step(() -> replica.persisted(seq))));
        this.reads = new SimReads(new SimReads.Server() {
            @Override
            public int id() {
                return id;
            }

            @Override
            public Replica replica() {
                return replica;
            }

            @Override
            public long appliedSlot() {
                return appliedSlot;
            }

            @Override
            public String query(byte[] query) {
                return machine.query(query);
            }

            @Override
            public void step(Supplier<Ready> input) {
                SimNode.this.step(input);
            }

            @Override
            public long clockMicros() {
                return SimNode.this.clockMicros();
            }
        }, sim);
    }

    boolean isUp() {
        return replica != null;
    }

    Replica replica() {
        return replica;
    }

    SimDisk disk() {
        return disk;
    }

    int restarts() {
        return restarts;
    }

    /** Starts (or restarts) from durable state only. */
    void start() {
        incarnation++;
        if (incarnation > 1) {
            restarts++;
        }
        DurableState recovered;
        try {
            recovered = DurableState.replay(config.groupId(), disk.recover());
        } catch (IllegalStateException e) {
            sim.checker.violation("%s", e.getMessage());
            return;
        }
        SimDisk.Snapshot snapshot = disk.snapshot();
        long snapshotSlot = snapshot == null ? 0 : snapshot.slot();
        recovered.withSnapshotSlot(snapshotSlot);
        memberships = snapshot == null ? new MembershipHistory(config.initialMembership(), config.membershipActivationSlots())
                : snapshot.memberships().copy();
        recovered.withSnapshotMemberships(snapshot == null ? null : memberships.copy());
        replica = sim.factory.create(config, recovered, sim.random.fork());
        machine = snapshot == null ? sim.model.newMachine() : snapshot.state().copy();
        appliedSlot = snapshotSlot;
        fetchingSnapshot = false;
        lastRole = Replica.Role.FOLLOWER;
        sim.checker.onRestart(id, snapshotSlot, machine);
        sim.trace("node %d starts (incarnation %d, %d durable records)", id, incarnation, recovered.accepted().size());
        step(replica::start);
        scheduleTick(incarnation, sim.random.between(0, tickMicros));
    }

    void crash() {
        if (replica == null) {
            return;
        }
        sim.trace("node %d crashes (%s)", id, replica.role());
        replica = null;
        paused = false;
        deferred.clear();
        disk.crash();
        waiting.clear();
        reads.crash();
    }

    void receive(Message message) {
        whenRunning(() -> step(() -> replica.receive(message)));
    }

    /** A client's read outside the log; {@code lease}: served under the leader's lease where one holds. */
    void onClientRead(SimClient client, long opId, byte[] query, boolean lease) {
        whenRunning(() -> reads.onRead(client, opId, query, lease));
    }

    SimReads reads() {
        return reads;
    }

    /** This node's monotonic clock in its own microseconds: runs at its rate, paused or not. */
    long clockMicros() {
        return clockAtLastRateChange + (sim.loop.nowMicros() - lastRateChange) * Simulation.TICK_MICROS / tickMicros;
    }

    /** The clock starts running at another rate (a drifting oscillator, a VM's clock): one tick per {@code micros}. */
    void setTickMicros(long micros) {
        clockAtLastRateChange = clockMicros();
        lastRateChange = sim.loop.nowMicros();
        tickMicros = micros;
        sim.trace("node %d: clock now ticks every %d us", id, micros);
    }

    void onClientRequest(SimClient client, Command command) {
        // A down server never answers; the client times out.
        whenRunning(() -> {
            waiting.put(command.id(), new Waiting(client, command));
            step(() -> replica.propose(command));
        });
    }

    /**
     * Stops the process for {@code durationMicros}: inputs queue up and its clock stands still, so
     * on resume it acts on stale beliefs (the classic way two leaders come to act at once).
     */
    void pause(long durationMicros) {
        if (replica == null || paused) {
            return;
        }
        paused = true;
        int pausedIncarnation = incarnation;
        sim.trace("node %d pauses for %d ms (%s)", id, durationMicros / 1000, replica.role());
        sim.loop.after(durationMicros, () -> {
            if (incarnation == pausedIncarnation) {
                resume();
            }
        });
    }

    void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        sim.trace("node %d resumes with %d queued inputs", id, deferred.size());
        // The timer fires somewhere among the queued inputs: the runtime's threads race on resume.
        List<Runnable> backlog = new ArrayList<>(deferred);
        deferred.clear();
        backlog.add(sim.random.nextInt(backlog.size() + 1), this::tick);
        for (Runnable input : backlog) {
            whenRunning(input);
        }
    }

    /** An operator asks this node (believed to lead) to change the membership. */
    void proposeChange(Value.Reconfigure change) {
        whenRunning(() -> step(() -> replica.proposeChange(change)));
    }

    private void whenRunning(Runnable input) {
        if (replica == null) {
            return;
        }
        if (paused) {
            deferred.add(input);
        } else {
            input.run();
        }
    }

    private void scheduleTick(int forIncarnation, long delayMicros) {
        sim.loop.after(delayMicros, () -> {
            if (forIncarnation == incarnation && replica != null) {
                if (!paused) {
                    tick();
                }
                scheduleTick(forIncarnation, tickMicros);
            }
        });
    }

    private void tick() {
        reads.beforeTick(replica.now() + 1);
        step(replica::tick);
    }

    private void step(Supplier<Ready> input) {
        if (replica == null || sim.checker.failed()) {
            return;
        }
        Ready ready;
        try {
            ready = input.get();
        } catch (InvariantViolation e) {
            sim.checker.violation("node %d: invariant violated: %s", id, e.getMessage());
            return;
        }
        carryOut(ready);
        Replica.Role role = replica.role();
        if (role != lastRole) {
            sim.trace("node %d: %s -> %s (ballot %s, promised %s)", id, lastRole, role, replica.ownBallot(), replica.promised());
            if (role == Replica.Role.LEADER) {
                sim.leaderElections++;
            }
            lastRole = role;
        }
    }

    private void carryOut(Ready ready) {
        if (!ready.records().isEmpty()) {
            for (JournalRecord record : ready.records()) {
                if (record instanceof JournalRecord.ChosenValue learned) {
                    sim.checker.onLearned(id, learned.slot(), learned.value());
                }
            }
            disk.write(ready.persistSeq(), ready.records());
        }
        for (Message message : ready.messages()) {
            sim.checker.onSent(id, incarnation, message);
            sim.network.send(message);
        }
        for (ChosenEntry entry : ready.committed()) {
            apply(entry);
        }
        for (Ready.SnapshotNeeded needed : ready.snapshotsNeeded()) {
            fetchSnapshot(needed.source());
        }
        for (Ready.JournalRead read : ready.journalReads()) {
            serveFromJournal(read);
        }
        for (Rejection rejection : ready.rejections()) {
            Waiting w = waiting.get(rejection.commandId());
            if (w == null || rejection.attempt() != w.forwardAttempt) {
                // Not ours, or a delayed or duplicated refusal of a forward we have since replaced.
                continue;
            }
            if (sim.scenario.forwarding() && !w.forwarded && rejection.reason() == Rejection.Reason.NOT_LEADER
                    && rejection.leaderHint() != 0 && rejection.leaderHint() != id) {
                // Hand it to the leader; the answer comes when the command shows up in our own log.
                w.forwarded = true;
                w.forwardAttempt = ++lastForwardAttempt;
                Message forward = new Message.Forward(config.groupId(), id, rejection.leaderHint(), w.command,
                        w.forwardAttempt);
                sim.checker.onSent(id, incarnation, forward);
                sim.network.send(forward);
                continue;
            }
            waiting.remove(rejection.commandId());
            sim.toClient(() -> w.client.onRejected(rejection.commandId(), rejection.leaderHint()));
        }
        reads.onOutcomes(ready.reads());
    }

    private void apply(ChosenEntry entry) {
        sim.checker.onApplied(id, entry.slot(), entry.value());
        appliedSlot = entry.slot();
        if (entry.value() instanceof Value.Batch batch) {
            applyCommands(batch);
        }
        memberships.fold(entry.slot(), entry.value());
        reads.appliedThrough(appliedSlot);
        int every = sim.scenario.snapshotEverySlots();
        if (every > 0 && entry.slot() % every == 0) {
            takeSnapshot(entry.slot());
        }
    }

    /** Snapshots the state as of {@code slot} (just applied), then lets the replica forget what it covers. */
    private void takeSnapshot(long slot) {
        disk.saveSnapshot(slot, machine, memberships);
        snapshotsTaken++;
        sim.checker.onSnapshot(id, slot, machine, false);
        int forIncarnation = incarnation;
        sim.loop.after(0, () -> {
            if (forIncarnation == incarnation) {
                whenRunning(() -> step(() -> replica.compact(slot)));
            }
        });
    }

    /**
     * Reads evicted chosen slots back from this node's disk, as the runtime does on its storage thread:
     * after a simulated read latency, from whatever is durable then, and only if the process still runs.
     */
    private void serveFromJournal(Ready.JournalRead read) {
        int forIncarnation = incarnation;
        sim.loop.after(sim.random.between(100, 2 * SimScenario.MILLI), () -> {
            if (forIncarnation != incarnation) {
                return; // crashed meanwhile: the read died with the process
            }
            whenRunning(() -> {
                List<ChosenEntry> chosen = disk.readChosen(read.fromSlot(), read.toSlot(), read.maxSlots());
                if (!chosen.isEmpty()) {
                    slotsServedFromJournal += chosen.size();
                    Message reply = new Message.CatchUpReply(config.groupId(), id, read.to(), chosen, 0);
                    sim.checker.onSent(id, incarnation, reply);
                    sim.network.send(reply);
                }
            });
        });
    }

    /** Asks {@code source} for its snapshot across the network (one transfer at a time; a lost one is asked for again). */
    private void fetchSnapshot(int source) {
        if (fetchingSnapshot || source == id) {
            return;
        }
        fetchingSnapshot = true;
        int forIncarnation = incarnation;
        SimNode from = sim.nodes.get(source - 1);
        sim.network.transfer(source, id, () -> {
            SimDisk.Snapshot snapshot = from.disk.snapshot();
            return snapshot == null ? null
                    : new SimDisk.Snapshot(snapshot.slot(), snapshot.state().copy(), snapshot.memberships().copy());
        }, snapshot -> {
            if (forIncarnation != incarnation) {
                return;
            }
            whenRunning(() -> {
                fetchingSnapshot = false;
                if (snapshot != null && snapshot.slot() > appliedSlot) {
                    installSnapshot(snapshot);
                }
            });
        }, () -> {
            if (forIncarnation == incarnation) {
                fetchingSnapshot = false; // lost on the way: the next catch-up asks again
            }
        });
    }

    private void installSnapshot(SimDisk.Snapshot snapshot) {
        machine = snapshot.state().copy();
        appliedSlot = snapshot.slot();
        memberships = snapshot.memberships().copy();
        reads.appliedThrough(appliedSlot);
        disk.saveSnapshot(snapshot.slot(), machine, memberships);
        snapshotsInstalled++;
        sim.checker.onSnapshot(id, snapshot.slot(), machine, true);
        sim.trace("node %d installs a snapshot at slot %d", id, snapshot.slot());
        step(() -> replica.snapshotInstalled(snapshot.slot(), snapshot.memberships().copy()));
    }

    long snapshotsTaken() {
        return snapshotsTaken;
    }

    long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    long slotsServedFromJournal() {
        return slotsServedFromJournal;
    }

    private void applyCommands(Value.Batch batch) {
        for (Command command : batch.commands()) {
            String result = machine.apply(command.payload());
            Waiting w = waiting.remove(command.id());
            if (w != null) {
                sim.toClient(() -> w.client.onResult(command.id(), result));
            }
        }
    }

}
