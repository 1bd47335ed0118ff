package io.synod.examples.bench;

import io.synod.core.api.ReplicatedGroup;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A closed loop of {@code clients} threads, each proposing one {@code valueBytes}-byte command and
 * waiting for its result before the next (bytes 0–3 the client id, 4–11 a sequence number, the
 * rest filler, as in the peers' harness). A warm-up runs first and is discarded; then only
 * operations started inside the measured window and completed before it ends count. Bounded in
 * time (warm-up + window, and a per-operation timeout) and in count ({@code maxOps}).
 */
final class LoadGenerator {
    private static final long OP_TIMEOUT_MILLIS = 10_000;

    /** What the measured window saw. */
    record Window(long ops, long errors, double seconds, Histogram latencyMicros, long windowStartNanos,
                  long windowEndNanos) {
    }

    /** Called at the start and end of the measured window (to sample CPU time, fsync counts, heap). */
    interface WindowListener {
        void windowStarts();

        void windowEnds();
    }

    /** Where the clients send their commands: the leader's {@code propose}, in process or over the network. */
    interface Proposer {
        /** Proposes {@code command} and waits for its result; false if it failed or timed out. */
        boolean propose(byte[] command, long timeoutMillis) throws InterruptedException;
    }

    /** The embedded mode: clients call the group's {@code propose} in this JVM. */
    static Proposer inProcess(ReplicatedGroup group) {
        return (command, timeoutMillis) -> {
            try {
                group.propose(command).get(timeoutMillis, TimeUnit.MILLISECONDS);
                return true;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        };
    }

    private final Proposer proposer;
    private final int clients;
    private final int valueBytes;
    private final long maxOps;
    private final boolean text;

    /**
     * @param text commands of printable ASCII only (for a text protocol): the client id as four
     *             base-64 digits, the sequence number in hex, then filler
     */
    LoadGenerator(Proposer proposer, int clients, int valueBytes, long maxOps, boolean text) {
        this.proposer = proposer;
        this.text = text;
        this.clients = clients;
        this.valueBytes = valueBytes;
        this.maxOps = maxOps;
    }

    Window run(double warmupSeconds, double measuredSeconds, WindowListener listener) throws InterruptedException {
        long start = System.nanoTime();
        long windowStart = start + (long) (warmupSeconds * 1e9);
        long windowEnd = windowStart + (long) (measuredSeconds * 1e9);
        List<Client> all = new ArrayList<>();
        for (int id = 1; id <= clients; id++) {
            Client client = new Client(id, windowStart, windowEnd, maxOps / clients + 1);
            all.add(client);
        }
        all.forEach(Client::start);
        // The listener runs on this thread at the window's edges, not on a client's.
        sleepUntil(windowStart);
        listener.windowStarts();
        sleepUntil(windowEnd);
        listener.windowEnds();
        Histogram merged = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        long ops = 0;
        long errors = 0;
        for (Client client : all) {
            client.join(OP_TIMEOUT_MILLIS + 5_000); // a client finishes its last operation or times it out
            merged.add(client.latencies);
            ops += client.ops;
            errors += client.errors;
        }
        return new Window(ops, errors, measuredSeconds, merged, windowStart, windowEnd);
    }

    /** {@code id} as four printable bytes (base-64 digits): distinct for up to 16,777,216 clients. */
    static byte[] asciiId(int id) {
        String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        byte[] out = new byte[4];
        for (int i = 3; i >= 0; i--) {
            out[i] = (byte) digits.charAt(id & 63);
            id >>>= 6;
        }
        return out;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    /** One closed-loop client thread. */
    private final class Client extends Thread {
        final int id;
        final long windowStart;
        final long windowEnd;
        final long maxOps;
        final Histogram latencies = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        long ops;
        long errors;

        Client(int id, long windowStart, long windowEnd, long maxOps) {
            super("bench-client-" + id);
            setDaemon(true);
            this.id = id;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.maxOps = maxOps;
        }

        @Override
        public void run() {
            ByteBuffer command = ByteBuffer.allocate(valueBytes); // at least 12 bytes, checked by the command line
            if (text) {
                java.util.Arrays.fill(command.array(), (byte) 'x');
            }
            for (long sequence = 0; sequence < maxOps; sequence++) {
                long began = System.nanoTime();
                if (began >= windowEnd) {
                    return;
                }
                command.clear();
                if (text) {
                    command.put(asciiId(id)).put(String.format("%08x", sequence & 0xffffffffL).getBytes(StandardCharsets.US_ASCII));
                } else {
                    command.putInt(id).putLong(sequence);
                }
                byte[] bytes = command.array().clone();
                boolean ok;
                try {
                    ok = proposer.propose(bytes, OP_TIMEOUT_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long ended = System.nanoTime();
                if (began >= windowStart && ended <= windowEnd) {
                    if (ok) {
                        ops++;
                        latencies.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(ended - began),
                                latencies.getHighestTrackableValue()));
                    } else {
                        errors++;
                    }
                }
            }
        }
    }
}
