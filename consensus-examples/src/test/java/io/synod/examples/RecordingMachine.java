package io.synod.examples;

import io.synod.core.api.StateMachine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records the commands it applies, in order; answers with the command itself. Thread-safe to read. */
final class RecordingMachine implements StateMachine {
    private final List<String> applied = new ArrayList<>();

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        if (index != applied.size() + 1) {
            throw new AssertionError("index " + index + " after " + applied.size() + " commands");
        }
        applied.add(new String(command, StandardCharsets.UTF_8));
        return command;
    }

    synchronized List<String> applied() {
        return new ArrayList<>(applied);
    }

    synchronized int size() {
        return applied.size();
    }
}
