package io.synod.testkit.sim;

import io.synod.core.protocol.Message;

import java.util.function.Consumer;

/**
 * The simulated network between replicas: per-message loss, duplication and delay (a long-tailed
 * delay reorders messages, and sometimes delivers one seconds late), and a matrix of cut links for
 * symmetric and one-way partitions.
 */
final class SimNetwork {
    private final EventLoop loop;
    private final SimRandom random;
    private final int nodes;
    private final boolean[][] cut;
    private double dropRate;
    private double duplicateRate;
    private double longDelayRate;
    private Consumer<Message> deliver = m -> { };
    private Consumer<Message> duplicated = m -> { };
    private long sent;
    private long delivered;
    private long dropped;

    SimNetwork(EventLoop loop, SimRandom random, int nodes) {
        this.loop = loop;
        this.random = random;
        this.nodes = nodes;
        this.cut = new boolean[nodes + 1][nodes + 1];
    }

    void onDeliver(Consumer<Message> deliver) {
        this.deliver = deliver;
    }

    /** Told of every message the network is about to deliver twice. */
    void onDuplicate(Consumer<Message> duplicated) {
        this.duplicated = duplicated;
    }

    void setFaults(double dropRate, double duplicateRate, double longDelayRate) {
        this.dropRate = dropRate;
        this.duplicateRate = duplicateRate;
        this.longDelayRate = longDelayRate;
    }

    void send(Message message) {
        sent++;
        int copies = random.chance(duplicateRate) ? 2 : 1;
        if (copies == 2) {
            duplicated.accept(message);
        }
        for (int i = 0; i < copies; i++) {
            if (cut[message.from()][message.to()] || random.chance(dropRate)) {
                dropped++;
                continue;
            }
            loop.after(delayMicros(), () -> {
                // A link cut while the message was in flight loses it too.
                if (!cut[message.from()][message.to()]) {
                    delivered++;
                    deliver.accept(message);
                } else {
                    dropped++;
                }
            });
        }
    }

    /** The longest a message can be in flight (a "message from the past"). */
    static final long MAX_DELAY_MICROS = 5 * SimScenario.SECOND;

    private long delayMicros() {
        if (random.chance(longDelayRate)) {
            // Mostly reordering; one in ten is a message from the past (a stuck buffer, a TCP
            // retransmission backoff) that arrives seconds later, after leaders and restarts.
            return random.chance(0.1)
                    ? random.between(500 * SimScenario.MILLI, MAX_DELAY_MICROS)
                    : random.between(20 * SimScenario.MILLI, 400 * SimScenario.MILLI);
        }
        return random.between(100, 3 * SimScenario.MILLI);
    }

    /**
     * A bulk transfer (a snapshot) from {@code from} to {@code to}: read at the source after one
     * delay, delivered after another, lost if the link is cut or the network drops it.
     */
    <T> void transfer(int from, int to, java.util.function.Supplier<T> read, Consumer<T> delivered, Runnable lost) {
        loop.after(delayMicros(), () -> {
            if (cut[to][from] || random.chance(dropRate)) {
                lost.run();
                return;
            }
            T payload = read.get();
            loop.after(delayMicros() + 5 * SimScenario.MILLI, () -> {
                if (cut[from][to] || random.chance(dropRate)) {
                    lost.run();
                } else {
                    delivered.accept(payload);
                }
            });
        });
    }

    void cut(int from, int to) {
        cut[from][to] = true;
    }

    void isolate(int node) {
        for (int other = 1; other <= nodes; other++) {
            if (other != node) {
                cut[node][other] = true;
                cut[other][node] = true;
            }
        }
    }

    void healAll() {
        for (boolean[] row : cut) {
            java.util.Arrays.fill(row, false);
        }
    }

    long sent() {
        return sent;
    }

    long delivered() {
        return delivered;
    }

    long dropped() {
        return dropped;
    }
}
