package io.synod.testkit.sim;

import io.synod.core.api.StateMachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * An embedder's {@link StateMachine} as the simulator runs it: commands applied with the index the
 * runtime would pass (1, 2, 3, … across snapshots and restarts), results rendered as text (printable
 * ASCII in quotes, anything else in hex; a thrown exception as its class and message, since the
 * contract requires every replica to fail alike), and copies made the way a replica gets them —
 * {@link StateMachine#snapshot()} written out, then {@link StateMachine#restore} into a new instance.
 */
final class UserMachine implements SimMachine {
    private final Supplier<? extends StateMachine> factory;
    private final boolean compareSnapshots;
    private final StateMachine machine;
    private long index;

    UserMachine(Supplier<? extends StateMachine> factory, boolean compareSnapshots) {
        this(factory, compareSnapshots, newInstance(factory), 0);
    }

    private UserMachine(Supplier<? extends StateMachine> factory, boolean compareSnapshots, StateMachine machine,
                        long index) {
        this.factory = factory;
        this.compareSnapshots = compareSnapshots;
        this.machine = machine;
        this.index = index;
    }

    /** Whether this kind of machine takes snapshots (a fresh instance's {@code snapshot()} is not null). */
    static boolean takesSnapshots(Supplier<? extends StateMachine> factory) {
        return newInstance(factory).snapshot() != null;
    }

    @Override
    public String apply(byte[] command) {
        index++;
        try {
            return render(machine.apply(index, command.clone()));
        } catch (RuntimeException e) {
            return thrown(e);
        }
    }

    @Override
    public String query(byte[] query) {
        try {
            return render(machine.query(query.clone()));
        } catch (RuntimeException e) {
            return thrown(e);
        }
    }

    @Override
    public SimMachine copy() {
        StateMachine copy = newInstance(factory);
        try {
            copy.restore(new ByteArrayInputStream(snapshotBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("restoring a snapshot of " + machine.getClass().getName() + " failed", e);
        }
        return new UserMachine(factory, compareSnapshots, copy, index);
    }

    @Override
    public boolean sameStateAs(SimMachine other) {
        return !compareSnapshots || (other instanceof UserMachine user && index == user.index
                && Arrays.equals(snapshotBytes(), user.snapshotBytes()));
    }

    @Override
    public String toString() {
        return machine.getClass().getSimpleName() + " after command " + index;
    }

    private byte[] snapshotBytes() {
        StateMachine.Snapshot snapshot = machine.snapshot();
        if (snapshot == null) {
            throw new IllegalStateException(machine.getClass().getName() + ".snapshot() returned null after command "
                    + index + ", but a fresh instance takes snapshots: it must take them always or never");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            snapshot.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a snapshot of " + machine.getClass().getName() + " failed", e);
        }
        return out.toByteArray();
    }

    private static StateMachine newInstance(Supplier<? extends StateMachine> factory) {
        StateMachine machine = factory.get();
        if (machine == null) {
            throw new IllegalStateException("the state machine factory returned null; it must return a new instance"
                    + " on every call");
        }
        return machine;
    }

    static String render(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return '"' + new String(bytes, StandardCharsets.US_ASCII) + '"';
    }

    private static String thrown(RuntimeException e) {
        return "threw " + e.getClass().getName() + ": " + e.getMessage();
    }
}
