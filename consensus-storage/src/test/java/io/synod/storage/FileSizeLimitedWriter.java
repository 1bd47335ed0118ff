package io.synod.storage;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.Value;
import io.synod.core.storage.StorageException;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link RealWriteErrorTest}, started with a file-size limit (RLIMIT_FSIZE), so
 * that the kernel fails RocksDB's log write with EFBIG once the log reaches it — a real I/O error,
 * without root. Appends 8 KiB votes one at a time and prints {@code ACK slot} after each durable
 * one, {@code FAIL}, {@code REFUSED} and {@code RECOVERED} as the storage fails and recovers,
 * then {@code DONE} after {@link #APPENDS_AFTER_RECOVERY} more durable appends.
 *
 * <p>Args: data directory, cluster id.
 */
public final class FileSizeLimitedWriter {
    static final long GROUP = 1;
    static final int PAYLOAD_BYTES = 8192;
    static final int APPENDS_AFTER_RECOVERY = 50;
    private static final long MAX_RUN_MILLIS = 60_000;

    private FileSizeLimitedWriter() {
    }

    /** A compressible payload, so the table file recovery writes stays well below the log that hit the limit. */
    static Value valueOf(long slot) {
        byte[] payload = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (slot + i % 13);
        }
        return new Value.Batch(List.of(new Command(slot, payload)));
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(Path.of(args[0]), args[1])
                .faultProbeInterval(Duration.ofMillis(50)).build());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_RUN_MILLIS);
        int failures = 0;
        int acksAfterRecovery = 0;
        for (long slot = 1; System.nanoTime() < deadline && acksAfterRecovery < APPENDS_AFTER_RECOVERY; slot++) {
            try {
                append(storage, slot).get(30, TimeUnit.SECONDS);
                out.println("ACK " + slot);
                acksAfterRecovery += failures > 0 ? 1 : 0;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof StorageException.WriteFailed)) {
                    throw e;
                }
                failures++;
                out.println("FAIL " + slot + " " + oneLine(e.getCause().getMessage()));
                awaitRecovery(storage, slot + 1, out, deadline);
            }
        }
        storage.close();
        out.println("DONE");
    }

    private static CompletableFuture<Void> append(RocksDbStorage storage, long slot) {
        return storage.append(GROUP, List.of(new JournalRecord.AcceptedValue(GROUP, slot, new Ballot(1, 1), valueOf(slot))));
    }

    /** Shows that appends are refused at once while failing, then waits until the storage recovers by itself. */
    private static void awaitRecovery(RocksDbStorage storage, long slot, PrintStream out, long deadline) throws Exception {
        try {
            append(storage, slot).get(30, TimeUnit.SECONDS);
            out.println("NOT-REFUSED " + slot);
        } catch (ExecutionException e) {
            out.println("REFUSED " + oneLine(e.getCause().getMessage()));
        }
        Deadline.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), "the storage recovers",
                storage::isHealthy);
        out.println("RECOVERED");
    }

    private static String oneLine(String message) {
        return String.valueOf(message).replace('\n', ' ');
    }
}
