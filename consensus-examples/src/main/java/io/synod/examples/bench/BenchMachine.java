package io.synod.examples.bench;

import io.synod.core.api.StateMachine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's replicated state machine, the same as the peers' harness uses: a map from the
 * client id (the command's first four bytes) to the client's last command. Applying is cheap on
 * purpose, so the benchmark measures replication, not the application. It takes snapshots, as a
 * production state machine does, so the replicas compact their logs and a long run's memory stays
 * bounded (without them every chosen command would stay in memory).
 */
final class BenchMachine implements StateMachine {
    private static final byte[] EMPTY = new byte[0];
    private final Map<Integer, byte[]> lastByClient = new HashMap<>();

    @Override
    public byte[] apply(long index, byte[] command) {
        if (command.length < 4) {
            throw new IllegalArgumentException("a benchmark command holds at least the 4-byte client id, got "
                    + command.length + " bytes");
        }
        int client = (command[0] & 0xff) << 24 | (command[1] & 0xff) << 16 | (command[2] & 0xff) << 8 | command[3] & 0xff;
        lastByClient.put(client, command);
        return EMPTY;
    }

    @Override
    public Snapshot snapshot() {
        Map<Integer, byte[]> copy = new HashMap<>(lastByClient); // commands are never changed after apply
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(copy.size());
            for (Map.Entry<Integer, byte[]> e : copy.entrySet()) {
                data.writeInt(e.getKey());
                data.writeInt(e.getValue().length);
                data.write(e.getValue());
            }
            data.flush();
        };
    }

    @Override
    public void restore(InputStream snapshot) throws IOException {
        DataInputStream data = new DataInputStream(snapshot);
        lastByClient.clear();
        for (int n = data.readInt(); n > 0; n--) {
            int client = data.readInt();
            byte[] command = new byte[data.readInt()];
            data.readFully(command);
            lastByClient.put(client, command);
        }
    }
}
