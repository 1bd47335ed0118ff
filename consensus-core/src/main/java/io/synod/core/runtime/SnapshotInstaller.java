package io.synod.core.runtime;

import io.synod.core.protocol.Message;
import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Fetches another replica's snapshot for a replica too far behind to catch up from the log. The
 * receiver pulls: one chunk is requested at a time (backpressure), requests are paced to
 * {@code snapshotTransferBytesPerSecond}, and a request that goes unanswered is repeated from the
 * same offset, so an interrupted transfer resumes where it stopped. If the source's snapshot
 * changes (it took a newer one), the transfer restarts from the beginning of the new one. The
 * storage writer is begun with the source's size and CRC32C, so a damaged transfer is refused at
 * commit and never installed.
 *
 * <p>State on the consensus thread; storage writes on the snapshot thread, in order.
 */
final class SnapshotInstaller {
    private static final Logger log = LoggerFactory.getLogger(SnapshotInstaller.class);
    private static final long REQUEST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_UNANSWERED = 10;
    private static final long PACING_CREDIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long groupId;
    private final NodeContext node;
    private final ConsensusLoop loop;
    /** Called on the consensus thread once a snapshot is durably stored: install it. */
    private final LongConsumer installed;

    private boolean active;
    private int source;
    private long slotAtLeast;
    private long slot;
    private long totalBytes;
    private int crc32c;
    private long offset;
    private long requestedAtNanos;
    private long nextRequestAtNanos;
    private long startedAtNanos;
    /** When the bytes received so far were due by the rate limit (see onChunk). */
    private long paceNanos;
    private int unanswered;
    /** Touched on the snapshot thread only. */
    private SnapshotWriter writer;

    SnapshotInstaller(long groupId, NodeContext node, ConsensusLoop loop, LongConsumer installed) {
        this.groupId = groupId;
        this.node = node;
        this.loop = loop;
        this.installed = installed;
    }

    boolean active() {
        return active;
    }

    /** Starts fetching a snapshot covering at least {@code slot} from {@code from}, unless one is already on its way. */
    void start(int from, long slot) {
        if (active || from == node.nodeId()) {
            return;
        }
        active = true;
        source = from;
        slotAtLeast = slot;
        this.slot = 0;
        offset = 0;
        unanswered = 0;
        startedAtNanos = node.clock().nanoTime();
        paceNanos = startedAtNanos;
        log.info("group {}: installing a snapshot from node {} (this replica is behind its compacted log, slot {})",
                groupId, from, slot);
        request();
    }

    void onChunk(Message.SnapshotChunk chunk) {
        if (!active || chunk.from() != source) {
            return;
        }
        unanswered = 0;
        if (chunk.slot() == 0) {
            abandon("node " + source + " has no snapshot covering slot " + slotAtLeast);
            return;
        }
        if (chunk.slot() != slot || chunk.totalBytes() != totalBytes || chunk.crc32c() != crc32c) {
            beginNewSnapshot(chunk);
            if (chunk.offset() != 0) {
                request(); // from the beginning of the snapshot the source has now
                return;
            }
        }
        if (chunk.offset() != offset) {
            return; // a duplicate or a late answer to an earlier request
        }
        byte[] data = chunk.data();
        long quarter = Math.max(1, totalBytes / 4);
        if ((offset + data.length) / quarter > offset / quarter && offset + data.length < totalBytes) {
            log.info("group {}: snapshot at slot {} from node {}: {} of {} bytes", groupId, slot, source,
                    offset + data.length, totalBytes);
        }
        offset += data.length;
        boolean last = offset >= totalBytes;
        long forSlot = slot;
        node.snapshotPool().execute(() -> writeChunk(data, last, forSlot));
        if (!last) {
            long rate = node.options().snapshotTransferBytesPerSecond();
            if (rate != 0) {
                // A token bucket holding at most one second's worth: after a stall the transfer
                // catches up by at most that much, instead of bursting to make up for the whole stall.
                long now = node.clock().nanoTime();
                paceNanos = Math.max(paceNanos, now - PACING_CREDIT_NANOS) + data.length * 1_000_000_000L / rate;
                nextRequestAtNanos = paceNanos;
            } else {
                nextRequestAtNanos = 0;
            }
            if (node.clock().nanoTime() >= nextRequestAtNanos) {
                request();
            }
        }
    }

    /** Paced and repeated requests; called every tick. */
    void tick() {
        if (!active) {
            return;
        }
        long now = node.clock().nanoTime();
        if (nextRequestAtNanos != 0 && now >= nextRequestAtNanos) {
            request();
        } else if (now - requestedAtNanos > REQUEST_TIMEOUT_NANOS) {
            if (++unanswered > MAX_UNANSWERED) {
                abandon("node " + source + " stopped answering");
            } else {
                log.info("group {}: snapshot chunk at offset {} of {} from node {} unanswered for {} s; asking again"
                        + " from that offset", groupId, offset, totalBytes, source, REQUEST_TIMEOUT_NANOS / 1_000_000_000L);
                request(); // resume from the same offset
            }
        }
    }

    private void beginNewSnapshot(Message.SnapshotChunk chunk) {
        log.info("group {}: receiving node {}'s snapshot at slot {} ({} bytes) from offset 0", groupId, source,
                chunk.slot(), chunk.totalBytes());
        slot = chunk.slot();
        totalBytes = chunk.totalBytes();
        crc32c = chunk.crc32c();
        offset = 0;
        SnapshotMetadata expected = new SnapshotMetadata(groupId, slot, totalBytes, crc32c);
        node.snapshotPool().execute(() -> {
            abortWriter();
            writer = node.storage().beginSnapshot(expected);
        });
    }

    private void writeChunk(byte[] data, boolean last, long forSlot) {
        try {
            if (writer == null) {
                return; // abandoned meanwhile
            }
            writer.write(data, 0, data.length);
            if (last) {
                SnapshotMetadata committed = writer.commit();
                writer = null;
                loop.control(() -> finished(forSlot, committed));
            }
        } catch (RuntimeException e) {
            abortWriter();
            loop.control(() -> abandon("storing the snapshot failed: " + e));
        }
    }

    private void finished(long forSlot, SnapshotMetadata committed) {
        if (!active || forSlot != slot) {
            return;
        }
        active = false;
        nextRequestAtNanos = 0;
        double seconds = (node.clock().nanoTime() - startedAtNanos) / 1e9;
        log.info("group {}: snapshot at slot {} ({} bytes) received from node {} in {} s", groupId, forSlot,
                committed.sizeBytes(), source, String.format("%.1f", seconds));
        node.metrics().snapshotInstalled(groupId, forSlot, committed.sizeBytes(), node.clock().nanoTime() - startedAtNanos);
        installed.accept(forSlot);
    }

    private void abandon(String why) {
        log.warn("group {}: gave up installing a snapshot from node {}: {}; catch-up will ask again", groupId, source, why);
        active = false;
        nextRequestAtNanos = 0;
        node.snapshotPool().execute(this::abortWriter);
    }

    private void abortWriter() {
        if (writer != null) {
            writer.abort();
            writer = null;
        }
    }

    private void request() {
        nextRequestAtNanos = 0;
        requestedAtNanos = node.clock().nanoTime();
        node.transport().send(new Message.SnapshotRequest(groupId, node.nodeId(), source, slotAtLeast, offset));
    }
}
