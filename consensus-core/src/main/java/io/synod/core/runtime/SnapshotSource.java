package io.synod.core.runtime;

import io.synod.core.protocol.Message;
import io.synod.core.storage.SnapshotReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Serves this group's snapshot to replicas that must install it, one chunk per request. Chunks are
 * read on the node's snapshot thread (storage I/O kept off the consensus thread) from a reader kept
 * open per requester, so a transfer streams the snapshot once; a request at another offset (a
 * transfer resumed after an interruption) reopens it and skips ahead. Confined to the snapshot
 * thread.
 */
final class SnapshotSource {
    private static final Logger log = LoggerFactory.getLogger(SnapshotSource.class);
    private static final long IDLE_NANOS = 60_000_000_000L;

    private final long groupId;
    private final NodeContext node;
    private final Map<Integer, Open> open = new HashMap<>();

    private static final class Open {
        final SnapshotReader reader;
        long position;
        long lastUsedNanos;

        Open(SnapshotReader reader) {
            this.reader = reader;
        }
    }

    SnapshotSource(long groupId, NodeContext node) {
        this.groupId = groupId;
        this.node = node;
    }

    /** Answers {@code request} on the snapshot thread. */
    void serve(Message.SnapshotRequest request) {
        node.snapshotPool().execute(() -> {
            try {
                node.transport().send(chunkFor(request));
            } catch (RuntimeException e) {
                log.warn("group {}: reading the snapshot for node {} failed: {}", groupId, request.from(), e.toString());
                close(request.from());
            }
            closeIdle();
        });
    }

    private Message.SnapshotChunk chunkFor(Message.SnapshotRequest request) {
        Open current = open.get(request.from());
        if (current == null || current.position > request.offset()
                || current.reader.metadata().lastIncludedSlot() < request.slotAtLeast()) {
            close(request.from());
            Optional<SnapshotReader> reader = node.storage().openSnapshot(groupId);
            if (reader.isEmpty() || reader.get().metadata().lastIncludedSlot() < request.slotAtLeast()) {
                reader.ifPresent(SnapshotReader::close);
                return new Message.SnapshotChunk(groupId, node.nodeId(), request.from(), 0, 0, 0, 0, new byte[0]);
            }
            current = new Open(reader.get());
            open.put(request.from(), current);
        }
        current.lastUsedNanos = node.clock().nanoTime();
        byte[] buffer = new byte[node.options().snapshotChunkBytes()];
        skip(current, request.offset(), buffer);
        int length = 0;
        long total = current.reader.metadata().sizeBytes();
        int wanted = (int) Math.min(buffer.length, total - current.position);
        while (length < wanted) {
            int n = current.reader.read(buffer, length, wanted - length);
            if (n < 0) {
                break;
            }
            length += n;
        }
        long offset = current.position;
        current.position += length;
        var metadata = current.reader.metadata();
        if (current.position >= total) {
            close(request.from()); // fully sent
        }
        return new Message.SnapshotChunk(groupId, node.nodeId(), request.from(), metadata.lastIncludedSlot(), total,
                metadata.crc32c(), offset, java.util.Arrays.copyOf(buffer, length));
    }

    private static void skip(Open current, long offset, byte[] buffer) {
        while (current.position < offset) {
            int n = current.reader.read(buffer, 0, (int) Math.min(buffer.length, offset - current.position));
            if (n < 0) {
                return;
            }
            current.position += n;
        }
    }

    private void closeIdle() {
        long now = node.clock().nanoTime();
        open.entrySet().removeIf(e -> {
            if (now - e.getValue().lastUsedNanos > IDLE_NANOS) {
                e.getValue().reader.close();
                return true;
            }
            return false;
        });
    }

    private void close(int requester) {
        Open current = open.remove(requester);
        if (current != null) {
            current.reader.close();
        }
    }
}
