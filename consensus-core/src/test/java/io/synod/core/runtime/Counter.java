package io.synod.core.runtime;

import io.synod.core.api.StateMachine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A test state machine: records every command it applies, in order, and answers with the
 * command's index. Thread-safe to read while Synod applies.
 */
final class Counter implements StateMachine {
    private final List<String> applied = Collections.synchronizedList(new ArrayList<>());
    volatile long lastIndex;

    @Override
    public byte[] apply(long index, byte[] command) {
        if (index != lastIndex + 1) {
            throw new AssertionError("index " + index + " after " + lastIndex);
        }
        lastIndex = index;
        applied.add(new String(command));
        return ByteBuffer.allocate(8).putLong(index).array();
    }

    List<String> applied() {
        synchronized (applied) {
            return new ArrayList<>(applied);
        }
    }
}
