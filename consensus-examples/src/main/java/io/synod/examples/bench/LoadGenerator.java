package io.synod.examples.bench;

import io.synod.core.api.ReplicatedGroup;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
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

    private final ReplicatedGroup group;
    private final int clients;
    private final int valueBytes;
    private final long maxOps;

    LoadGenerator(ReplicatedGroup group, int clients, int valueBytes, long maxOps) {
        this.group = group;
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
            for (long sequence = 0; sequence < maxOps; sequence++) {
                long began = System.nanoTime();
                if (began >= windowEnd) {
                    return;
                }
                command.clear();
                command.putInt(id).putLong(sequence);
                byte[] bytes = command.array().clone();
                boolean ok;
                try {
                    group.propose(bytes).get(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    ok = true;
                } catch (ExecutionException | TimeoutException e) {
                    ok = false;
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
