package io.synod.examples.bench;

import io.synod.core.api.StateMachine;

import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's replicated state machine, the same as the peers' harness uses: a map from the
 * client id (the command's first four bytes) to the client's last command. Applying is cheap on
 * purpose, so the benchmark measures replication, not the application.
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
}
