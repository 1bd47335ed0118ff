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

    /** Captures a copy of the state; written later, while applying goes on. */
    @Override
    public Snapshot snapshot() {
        List<String> copy = applied();
        long index = lastIndex;
        return out -> {
            java.io.DataOutputStream data = new java.io.DataOutputStream(out);
            data.writeLong(index);
            data.writeInt(copy.size());
            for (String command : copy) {
                data.writeUTF(command);
            }
            data.flush();
        };
    }

    @Override
    public void restore(java.io.InputStream snapshot) throws java.io.IOException {
        java.io.DataInputStream data = new java.io.DataInputStream(snapshot);
        long index = data.readLong();
        int size = data.readInt();
        List<String> restored = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            restored.add(data.readUTF());
        }
        synchronized (applied) {
            applied.clear();
            applied.addAll(restored);
        }
        lastIndex = index;
    }

    /** An empty query asks for the index of the last command applied; any other, how often that command was applied. */
    @Override
    public byte[] query(byte[] query) {
        if (query.length == 0) {
            return ByteBuffer.allocate(8).putLong(lastIndex).array();
        }
        String command = new String(query);
        if (command.equals("fail")) {
            throw new IllegalArgumentException("the query 'fail' always fails");
        }
        return ByteBuffer.allocate(8).putLong(Collections.frequency(applied(), command)).array();
    }

    List<String> applied() {
        synchronized (applied) {
            return new ArrayList<>(applied);
        }
    }
}
