package io.synod.testkit.sim;

import io.synod.core.protocol.Command;


/**
 * A client with one operation outstanding at a time. It sends to the replica it believes leads,
 * follows leader hints on rejection, and on timeout resends the same command (same id) to another
 * replica — the case where the protocol may legitimately choose a command twice. In scenarios with
 * fast reads, some operations are reads served outside the log (read index, or lease), retried
 * the same way; the {@link ReadChecker} checks them for linearizability.
 */
final class SimClient {
    private final int id;
    private final Simulation sim;
    private final SimRandom random;
    private final long timeoutMicros;
    private int target;
    private long sequence;
    private Command current;
    /** The outstanding read outside the log (0: none), its query, how it asks, and when it was first sent. */
    private long currentRead;
    private byte[] readQuery;
    private boolean readWithLease;
    private long readInvokedMicros;
    private boolean outcomeUnknown;
    private long attempt;
    private boolean stopIssuing;
    private long completed;

    SimClient(int id, Simulation sim, long timeoutMicros) {
        this.id = id;
        this.sim = sim;
        this.random = sim.random.fork();
        this.timeoutMicros = timeoutMicros;
        this.target = 1 + random.nextInt(sim.nodes.size());
    }

    /** Sends the next attempts to {@code node} (a client that learned who leads). */
    void target(int node) {
        target = node;
    }

    boolean idle() {
        return current == null && currentRead == 0;
    }

    long completed() {
        return completed;
    }

    /** After the fault phase: finish the outstanding operation, start no new one. */
    void stopIssuing() {
        stopIssuing = true;
    }

    void issueNext() {
        if (stopIssuing) {
            return;
        }
        sequence++;
        long commandId = id * 1_000_000L + sequence;
        // In scenarios with fast reads, client 1 only reads (and so keeps reading from whichever
        // node answers, the way a read-heavy client does); the others mix some in.
        SimWorkload.Operation operation = sim.model.workload().next(random, id, sequence,
                () -> sim.scenario.fastReads() && (id == 1 || random.chance(0.3)));
        if (operation.isRead()) {
            currentRead = commandId;
            readQuery = operation.query();
            // In the lease trap the reader asks for lease reads only, so it stays with the old
            // leader for as long as that leader believes in its lease.
            readWithLease = sim.scenario.leaseReads() && (sim.scenario.leaseTrap() && id == 1 || random.chance(0.7));
            readInvokedMicros = sim.loop.nowMicros();
            sendRead();
            return;
        }
        current = new Command(commandId, operation.command());
        outcomeUnknown = false;
        sim.checker.onProposed(current, false);
        sim.reads.commandSent(commandId, sim.loop.nowMicros());
        send();
    }

    private void send() {
        long thisAttempt = ++attempt;
        Command command = current;
        SimNode node = sim.nodes.get(target - 1);
        sim.toServer(() -> node.onClientRequest(this, command));
        sim.loop.after(timeoutMicros, () -> {
            if (attempt == thisAttempt && current != null) {
                onTimeout();
            }
        });
    }

    private void onTimeout() {
        // The command may still be chosen; resending it may get it chosen twice.
        outcomeUnknown = true;
        target = 1 + random.nextInt(sim.nodes.size());
        sim.checker.onProposed(current, true);
        send();
    }

    void onResult(long commandId, String result) {
        if (current == null || current.id() != commandId) {
            return; // a late answer to an operation already completed
        }
        sim.checker.onAck(commandId, result);
        sim.trace("client %d: command %d acknowledged", id, commandId);
        sim.reads.commandAcked(commandId, sim.loop.nowMicros());
        current = null;
        completed++;
        sim.loop.after(random.between(0, 5 * SimScenario.MILLI), this::issueNext);
    }

    void onRejected(long commandId, int leaderHint) {
        if (current == null || current.id() != commandId) {
            return;
        }
        // Certainly not chosen this time; try the hinted leader, or another replica.
        target = leaderHint != 0 ? leaderHint : 1 + random.nextInt(sim.nodes.size());
        long thisAttempt = ++attempt;
        sim.loop.after(random.between(1 * SimScenario.MILLI, 20 * SimScenario.MILLI), () -> {
            if (attempt == thisAttempt && current != null) {
                sim.checker.onProposed(current, outcomeUnknown);
                send();
            }
        });
    }

    private void sendRead() {
        long thisAttempt = ++attempt;
        long op = currentRead;
        byte[] query = readQuery;
        boolean lease = readWithLease;
        SimNode node = sim.nodes.get(target - 1);
        sim.toServer(() -> node.onClientRead(this, op, query, lease));
        sim.loop.after(timeoutMicros, () -> {
            if (attempt == thisAttempt && currentRead == op) {
                target = 1 + random.nextInt(sim.nodes.size());
                sendRead(); // reads have no effect: retrying is always safe
            }
        });
    }

    void onReadResult(long op, String result, String how, int node) {
        if (currentRead != op) {
            return; // an answer to an earlier attempt of a read already answered
        }
        sim.trace("client %d: %s read at node %d returns %s", id, how, node, result);
        sim.reads.readCompleted(new ReadChecker.Read(id, readQuery, result, readInvokedMicros, sim.loop.nowMicros(),
                how, node));
        currentRead = 0;
        completed++;
        sim.loop.after(random.between(0, 5 * SimScenario.MILLI), this::issueNext);
    }

    void onReadRefused(long op, int leaderHint) {
        if (currentRead != op) {
            return;
        }
        target = leaderHint != 0 ? leaderHint : 1 + random.nextInt(sim.nodes.size());
        long thisAttempt = ++attempt;
        sim.loop.after(random.between(1 * SimScenario.MILLI, 20 * SimScenario.MILLI), () -> {
            if (attempt == thisAttempt && currentRead == op) {
                sendRead();
            }
        });
    }
}
