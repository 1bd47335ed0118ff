package io.synod.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open a {@link RocksDbStorage}: built once with {@link #builder(Path, String)}, validated
 * by {@link Builder#build()}, immutable afterwards. Every default is in {@link Builder}.
 *
 * <p>Thread-safe (immutable).
 */
public final class RocksDbStorageOptions {
    static final long MIN_BATCH_BYTES = 4 * 1024;
    static final long MAX_BATCH_BYTES = 1L << 30;
    static final int MIN_CHUNK_BYTES = 4 * 1024;
    static final int MAX_CHUNK_BYTES = 64 * 1024 * 1024;
    static final int MAX_CLUSTER_ID_BYTES = 255;

    private final Path dataDirectory;
    private final String clusterId;
    private final boolean syncWrites;
    private final long maxBatchBytes;
    private final long maxQueuedBytes;
    private final Duration faultProbeInterval;
    private final int snapshotChunkBytes;
    private final BatchWriter batchWriter;

    private RocksDbStorageOptions(Builder b) {
        this.dataDirectory = b.dataDirectory;
        this.clusterId = b.clusterId;
        this.syncWrites = b.syncWrites;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.faultProbeInterval = b.faultProbeInterval;
        this.snapshotChunkBytes = b.snapshotChunkBytes;
        this.batchWriter = b.batchWriter;
    }

    /**
     * Starts options for the data directory {@code dataDirectory} (created if missing) of the cluster
     * {@code clusterId}. A directory remembers the cluster that created it and refuses any other.
     */
    public static Builder builder(Path dataDirectory, String clusterId) {
        return new Builder(dataDirectory, clusterId);
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public String clusterId() {
        return clusterId;
    }

    /** Whether appends are synced before they are reported durable; false only for benchmarks. */
    public boolean syncWrites() {
        return syncWrites;
    }

    public long maxBatchBytes() {
        return maxBatchBytes;
    }

    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    public Duration faultProbeInterval() {
        return faultProbeInterval;
    }

    public int snapshotChunkBytes() {
        return snapshotChunkBytes;
    }

    BatchWriter batchWriter() {
        return batchWriter;
    }

    @Override
    public String toString() {
        return "RocksDbStorageOptions{dataDirectory=" + dataDirectory + ", clusterId=" + clusterId + ", syncWrites="
                + syncWrites + ", maxBatchBytes=" + maxBatchBytes + ", maxQueuedBytes=" + maxQueuedBytes
                + ", faultProbeInterval=" + faultProbeInterval + ", snapshotChunkBytes=" + snapshotChunkBytes + "}";
    }

    /** Collects settings; {@link #build()} checks them all at once. Not thread-safe. */
    public static final class Builder {
        private final Path dataDirectory;
        private final String clusterId;
        private boolean syncWrites = true;
        private long maxBatchBytes = 4L * 1024 * 1024;
        private long maxQueuedBytes = 64L * 1024 * 1024;
        private Duration faultProbeInterval = Duration.ofMillis(500);
        private int snapshotChunkBytes = 1024 * 1024;
        private BatchWriter batchWriter = BatchWriter.ROCKSDB;

        private Builder(Path dataDirectory, String clusterId) {
            this.dataDirectory = dataDirectory;
            this.clusterId = clusterId;
        }

        /**
         * Default true. {@code false} reports appends durable when they reach the operating system,
         * not the disk: a machine crash then loses acknowledged votes, which breaks Paxos. For
         * benchmarks only.
         */
        public Builder syncWrites(boolean syncWrites) {
            this.syncWrites = syncWrites;
            return this;
        }

        /** Default 4 MiB: group commit stops adding appends to a batch once it holds this many bytes. */
        public Builder maxBatchBytes(long maxBatchBytes) {
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        /**
         * Default 64 MiB: appends waiting for the writer may hold at most this many bytes; an
         * append that would exceed it blocks its caller until the writer catches up.
         */
        public Builder maxQueuedBytes(long maxQueuedBytes) {
            this.maxQueuedBytes = maxQueuedBytes;
            return this;
        }

        /** Default 500 ms: after a write error, how often the storage tries to recover. */
        public Builder faultProbeInterval(Duration faultProbeInterval) {
            this.faultProbeInterval = faultProbeInterval;
            return this;
        }

        /** Default 1 MiB: snapshot data is stored and read back in chunks of this size. */
        public Builder snapshotChunkBytes(int snapshotChunkBytes) {
            this.snapshotChunkBytes = snapshotChunkBytes;
            return this;
        }

        /** Test seam: replaces the call that writes and syncs a batch. */
        Builder batchWriter(BatchWriter batchWriter) {
            this.batchWriter = Objects.requireNonNull(batchWriter, "batchWriter");
            return this;
        }

        /** Validates every setting; the exception names the setting and what to change. */
        public RocksDbStorageOptions build() {
            if (dataDirectory == null) {
                throw new IllegalArgumentException("dataDirectory is null: pass the directory this node keeps its state in");
            }
            checkClusterId();
            if (maxBatchBytes < MIN_BATCH_BYTES || maxBatchBytes > MAX_BATCH_BYTES) {
                throw new IllegalArgumentException("maxBatchBytes must be between " + MIN_BATCH_BYTES + " and "
                        + MAX_BATCH_BYTES + ", got " + maxBatchBytes);
            }
            if (maxQueuedBytes < maxBatchBytes) {
                throw new IllegalArgumentException("maxQueuedBytes (" + maxQueuedBytes + ") must be at least maxBatchBytes ("
                        + maxBatchBytes + "): raise maxQueuedBytes or lower maxBatchBytes");
            }
            if (faultProbeInterval == null || faultProbeInterval.isNegative() || faultProbeInterval.isZero()
                    || faultProbeInterval.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("faultProbeInterval must be positive and at most 10 minutes, got "
                        + faultProbeInterval);
            }
            if (snapshotChunkBytes < MIN_CHUNK_BYTES || snapshotChunkBytes > MAX_CHUNK_BYTES) {
                throw new IllegalArgumentException("snapshotChunkBytes must be between " + MIN_CHUNK_BYTES + " and "
                        + MAX_CHUNK_BYTES + ", got " + snapshotChunkBytes);
            }
            return new RocksDbStorageOptions(this);
        }

        private void checkClusterId() {
            if (clusterId == null || clusterId.isBlank()) {
                throw new IllegalArgumentException("clusterId is empty: pass the id every node of this cluster shares,"
                        + " so a directory of another cluster is never used by mistake");
            }
            if (clusterId.getBytes(StandardCharsets.UTF_8).length > MAX_CLUSTER_ID_BYTES) {
                throw new IllegalArgumentException("clusterId is longer than " + MAX_CLUSTER_ID_BYTES
                        + " bytes in UTF-8: use a shorter id");
            }
        }
    }
}
