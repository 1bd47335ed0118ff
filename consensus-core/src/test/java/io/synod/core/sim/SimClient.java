package io.synod.core.sim;

import io.synod.core.protocol.Command;

/**
 * A client with one operation outstanding at a time. It sends to the replica it believes leads,
 * follows leader hints on rejection, and on timeout resends the same command (same id) to another
 * replica — the case where a command may legitimately be chosen twice until sessions exist.
 */
final class SimClient {
    private static final String[] KEYS = {"x", "y", "z"};

    private final int id;
    private final Simulation sim;
    private final SimRandom random;
    private final long timeoutMicros;
    private int target;
    private long sequence;
    private Command current;
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

    boolean idle() {
        return current == null;
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
        String key = KEYS[random.nextInt(KEYS.length)];
        byte[] payload = random.chance(0.25)
                ? ListAppendMachine.read(key)
                : ListAppendMachine.append(key, id + "." + sequence);
        current = new Command(commandId, payload);
        outcomeUnknown = false;
        sim.checker.onProposed(current, false);
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
}
