package io.synod.testkit.sim;

import io.synod.core.api.StateMachine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A small embedder-style state machine for the {@link Simulator}'s tests: string registers with
 * {@code put k v}, {@code cas k expected new} and {@code get k} (as a command or a query), and
 * snapshots of the sorted map. Subclasses break one part of the contract each.
 */
class RegisterMachine implements StateMachine {
    protected final TreeMap<String, String> registers = new TreeMap<>();

    /** Puts, compare-and-sets and gets on three keys; half of the reads outside the log are queries. */
    static final Workload WORKLOAD = new Workload() {
        @Override
        public byte[] command(Random random, int client) {
            String key = "k" + random.nextInt(3);
            String value = "v" + client + "-" + random.nextInt(1000);
            return switch (random.nextInt(4)) {
                case 0 -> ("cas " + key + " v" + client + "-" + random.nextInt(1000) + " " + value).getBytes(StandardCharsets.UTF_8);
                case 1 -> ("get " + key).getBytes(StandardCharsets.UTF_8);
                default -> ("put " + key + " " + value).getBytes(StandardCharsets.UTF_8);
            };
        }

        @Override
        public byte[] query(Random random, int client) {
            return ("get k" + random.nextInt(3)).getBytes(StandardCharsets.UTF_8);
        }
    };

    @Override
    public byte[] apply(long index, byte[] command) {
        String[] parts = new String(command, StandardCharsets.UTF_8).split(" ");
        String result = switch (parts[0]) {
            case "put" -> {
                registers.put(parts[1], parts[2]);
                yield "ok";
            }
            case "cas" -> {
                if (parts[2].equals(registers.get(parts[1]))) {
                    registers.put(parts[1], parts[3]);
                    yield "ok";
                }
                yield "was " + registers.get(parts[1]);
            }
            case "get" -> String.valueOf(registers.get(parts[1]));
            default -> throw new IllegalArgumentException("unknown command " + parts[0]);
        };
        return result.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] query(byte[] query) {
        String[] parts = new String(query, StandardCharsets.UTF_8).split(" ");
        return String.valueOf(registers.get(parts[1])).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Snapshot snapshot() {
        Map<String, String> copy = new TreeMap<>(registers);
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(copy.size());
            for (Map.Entry<String, String> e : copy.entrySet()) {
                data.writeUTF(e.getKey());
                data.writeUTF(e.getValue());
            }
            data.flush();
        };
    }

    @Override
    public void restore(InputStream snapshot) throws IOException {
        DataInputStream data = new DataInputStream(snapshot);
        registers.clear();
        for (int n = data.readInt(); n > 0; n--) {
            registers.put(data.readUTF(), data.readUTF());
        }
    }

    /** Not deterministic: a put's result depends on how many puts this JVM applied, on any replica. */
    static final class Nondeterministic extends RegisterMachine {
        private static long putsInThisJvm;

        @Override
        public byte[] apply(long index, byte[] command) {
            byte[] result = super.apply(index, command);
            return new String(command, StandardCharsets.UTF_8).startsWith("put ")
                    ? ("ok #" + ++putsInThisJvm).getBytes(StandardCharsets.UTF_8) : result;
        }
    }

    /** Restores every register but the first: a snapshot format that loses an entry. */
    static final class LossyRestore extends RegisterMachine {
        @Override
        public void restore(InputStream snapshot) throws IOException {
            super.restore(snapshot);
            if (!registers.isEmpty()) {
                registers.pollFirstEntry();
            }
        }
    }

    /** Answers queries from a copy refreshed every fifth command: reads outside the log come out stale. */
    static final class StaleQueries extends RegisterMachine {
        private final TreeMap<String, String> cache = new TreeMap<>();
        private long applied;

        @Override
        public byte[] apply(long index, byte[] command) {
            byte[] result = super.apply(index, command);
            if (++applied % 5 == 0) {
                cache.clear();
                cache.putAll(registers);
            }
            return result;
        }

        @Override
        public byte[] query(byte[] query) {
            String[] parts = new String(query, StandardCharsets.UTF_8).split(" ");
            return String.valueOf(cache.get(parts[1])).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Takes no snapshots: the simulator must run it without them. */
    static final class NoSnapshots extends RegisterMachine {
        @Override
        public Snapshot snapshot() {
            return null;
        }
    }
}
