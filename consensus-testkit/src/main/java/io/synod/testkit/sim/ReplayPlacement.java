package io.synod.testkit.sim;

import io.synod.core.protocol.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Places reads of any machine by replaying the agreed sequence on a reference instance and asking
 * it the read's query at each candidate point. Copies of the reference state every
 * {@value #CHECKPOINT_EVERY} commands (where the machine can be copied) keep each read's replay
 * short.
 */
final class ReplayPlacement implements ReadChecker.Placement {
    private static final int CHECKPOINT_EVERY = 64;
    private static final int MAX_RESULT_CHARS = 200;

    private final Supplier<? extends SimMachine> machines;
    private final boolean copyable;
    private final List<SimMachine> checkpoints = new ArrayList<>();
    private List<Command> sequence = List.of();

    /** @param copyable whether {@link SimMachine#copy} works (the machine takes snapshots) */
    ReplayPlacement(Supplier<? extends SimMachine> machines, boolean copyable) {
        this.machines = machines;
        this.copyable = copyable;
    }

    @Override
    public void prepare(List<Command> sequence) {
        this.sequence = sequence;
        if (!copyable) {
            return;
        }
        SimMachine machine = machines.get();
        checkpoints.add(machine.copy());
        for (int i = 0; i < sequence.size(); i++) {
            machine.apply(sequence.get(i).payload());
            if ((i + 1) % CHECKPOINT_EVERY == 0) {
                checkpoints.add(machine.copy());
            }
        }
    }

    @Override
    public long earliestPoint(ReadChecker.Read read, long from, long to) {
        SimMachine machine = stateAt(from);
        for (long point = from; point <= to; point++) {
            if (machine.query(read.query()).equals(read.result())) {
                return point;
            }
            if (point < to) {
                machine.apply(sequence.get((int) point).payload());
            }
        }
        return -1;
    }

    @Override
    public String explainMisfit(ReadChecker.Read read, long from, long to) {
        String result = read.result().length() > MAX_RESULT_CHARS
                ? read.result().substring(0, MAX_RESULT_CHARS) + "..." : read.result();
        return "its result " + result + " is what no state between positions " + from + " and " + to + " gives";
    }

    /** The reference state after the first {@code point} commands. */
    private SimMachine stateAt(long point) {
        int start = 0;
        SimMachine machine;
        if (copyable) {
            int checkpoint = (int) Math.min(point / CHECKPOINT_EVERY, checkpoints.size() - 1);
            machine = checkpoints.get(checkpoint).copy();
            start = checkpoint * CHECKPOINT_EVERY;
        } else {
            machine = machines.get();
        }
        for (int i = start; i < point; i++) {
            machine.apply(sequence.get(i).payload());
        }
        return machine;
    }
}
