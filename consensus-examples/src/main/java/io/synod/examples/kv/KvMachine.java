package io.synod.examples.kv;

import io.synod.core.api.StateMachine;
import io.synod.examples.cli.Codec;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated key-value store: string keys to string values, each with the version (the log
 * index of the command that last wrote it), so a version is also a fencing token for the key.
 * Commands and queries are encoded by {@link KvOps}; {@code apply} is deterministic.
 */
public final class KvMachine implements StateMachine {

    /** A stored value and the index of the command that wrote it. */
    public record Entry(String value, long version) {
    }

    private final Map<String, Entry> entries = new TreeMap<>();

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        KvOps.Op op = KvOps.decode(command);
        Entry current = entries.get(op.key());
        return switch (op.kind()) {
            case PUT -> {
                entries.put(op.key(), new Entry(op.value(), index));
                yield KvOps.result(true, op.value(), index);
            }
            case DELETE -> {
                entries.remove(op.key());
                yield KvOps.result(current != null, null, index);
            }
            case CAS -> {
                boolean matches = op.expectAbsent() ? current == null
                        : current != null && current.value().equals(op.expected());
                if (matches) {
                    entries.put(op.key(), new Entry(op.value(), index));
                    yield KvOps.result(true, op.value(), index);
                }
                yield KvOps.result(false, current == null ? null : current.value(), current == null ? 0 : current.version());
            }
            case GET -> throw new IllegalArgumentException("GET is a query, not a command");
        };
    }

    @Override
    public synchronized byte[] query(byte[] query) {
        KvOps.Op op = KvOps.decode(query);
        if (op.kind() != KvOps.Kind.GET) {
            throw new IllegalArgumentException(op.kind() + " is a command, not a query");
        }
        Entry entry = entries.get(op.key());
        return entry == null ? KvOps.result(false, null, 0) : KvOps.result(true, entry.value(), entry.version());
    }

    @Override
    public synchronized Snapshot snapshot() {
        Map<String, Entry> copy = new TreeMap<>(entries);
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(copy.size());
            for (Map.Entry<String, Entry> e : copy.entrySet()) {
                data.writeUTF(e.getKey());
                Codec.writeString(data, e.getValue().value());
                data.writeLong(e.getValue().version());
            }
            data.flush();
        };
    }

    @Override
    public void restore(InputStream snapshot) throws IOException {
        DataInputStream data = new DataInputStream(snapshot);
        Map<String, Entry> restored = new TreeMap<>();
        int size = data.readInt();
        for (int i = 0; i < size; i++) {
            restored.put(data.readUTF(), new Entry(Codec.readString(data), data.readLong()));
        }
        synchronized (this) {
            entries.clear();
            entries.putAll(restored);
        }
    }
}
