package io.synod.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a {@link NettyTransport} needs, validated once when built. Every default is in
 * {@link Builder}; every error message names the setting to change.
 *
 * <p>Immutable and thread-safe.
 */
public final class NettyTransportOptions {
    /** Frames up to this size are small enough to be handshakes; larger ones are refused before the handshake. */
    static final int HANDSHAKE_MAX_FRAME_BYTES = 4 * 1024;
    static final int MIN_FRAME_BYTES = 64 * 1024;
    static final int MAX_FRAME_BYTES = 1 << 30;

    private final String clusterId;
    private final int localNodeId;
    private final Map<Integer, InetSocketAddress> members;
    private final int maxFrameBytes;
    private final int writeBufferLowWaterMarkBytes;
    private final int writeBufferHighWaterMarkBytes;
    private final Duration reconnectBackoffMin;
    private final Duration reconnectBackoffMax;
    private final Duration handshakeTimeout;
    private final int maxInboundConnections;
    private final int ioThreads;
    private final boolean preferNativeTransport;
    private final TlsOptions tls;

    private NettyTransportOptions(Builder b) {
        this.clusterId = b.clusterId;
        this.localNodeId = b.localNodeId;
        this.members = Map.copyOf(b.members);
        this.maxFrameBytes = b.maxFrameBytes;
        this.writeBufferLowWaterMarkBytes = b.writeBufferLowWaterMarkBytes;
        this.writeBufferHighWaterMarkBytes = b.writeBufferHighWaterMarkBytes;
        this.reconnectBackoffMin = b.reconnectBackoffMin;
        this.reconnectBackoffMax = b.reconnectBackoffMax;
        this.handshakeTimeout = b.handshakeTimeout;
        this.maxInboundConnections = b.maxInboundConnections > 0 ? b.maxInboundConnections
                : Math.max(16, 4 * members.size());
        this.ioThreads = b.ioThreads > 0 ? b.ioThreads : Runtime.getRuntime().availableProcessors();
        this.preferNativeTransport = b.preferNativeTransport;
        this.tls = b.tls;
    }

    public static Builder builder(String clusterId, int localNodeId, Map<Integer, InetSocketAddress> members) {
        return new Builder(clusterId, localNodeId, members);
    }

    /** Every member must use the same cluster id; a peer with another is refused at the handshake. */
    public String clusterId() {
        return clusterId;
    }

    public int localNodeId() {
        return localNodeId;
    }

    /** Node id to address, for every member including this node (whose address is the one it listens on). */
    public Map<Integer, InetSocketAddress> members() {
        return members;
    }

    public InetSocketAddress bindAddress() {
        return members.get(localNodeId);
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** See {@link Builder#writeBufferWaterMarks}: after a backpressure drop, sends resume at or below this. */
    public int writeBufferLowWaterMarkBytes() {
        return writeBufferLowWaterMarkBytes;
    }

    /**
     * See {@link Builder#writeBufferWaterMarks}: the most frame bytes held for one peer connection
     * (queued or in Netty's buffer, not yet written to the socket), unless one frame alone is larger.
     */
    public int writeBufferHighWaterMarkBytes() {
        return writeBufferHighWaterMarkBytes;
    }

    public Duration reconnectBackoffMin() {
        return reconnectBackoffMin;
    }

    public Duration reconnectBackoffMax() {
        return reconnectBackoffMax;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public int maxInboundConnections() {
        return maxInboundConnections;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public boolean preferNativeTransport() {
        return preferNativeTransport;
    }

    public Optional<TlsOptions> tls() {
        return Optional.ofNullable(tls);
    }

    @Override
    public String toString() {
        return "NettyTransportOptions{cluster=" + clusterId + ", node=" + localNodeId + ", members=" + new TreeMap<>(members)
                + ", maxFrameBytes=" + maxFrameBytes + ", waterMarks=" + writeBufferLowWaterMarkBytes + "/"
                + writeBufferHighWaterMarkBytes + ", backoff=" + reconnectBackoffMin + ".." + reconnectBackoffMax
                + ", handshakeTimeout=" + handshakeTimeout + ", maxInbound=" + maxInboundConnections
                + ", ioThreads=" + ioThreads + ", native=" + preferNativeTransport + ", tls=" + (tls != null) + "}";
    }

    /** Collects settings; {@link #build} validates them. Not thread-safe. */
    public static final class Builder {
        private final String clusterId;
        private final int localNodeId;
        private final Map<Integer, InetSocketAddress> members;
        private int maxFrameBytes = 16 * 1024 * 1024;
        private int writeBufferLowWaterMarkBytes = 1024 * 1024;
        private int writeBufferHighWaterMarkBytes = 4 * 1024 * 1024;
        private Duration reconnectBackoffMin = Duration.ofMillis(100);
        private Duration reconnectBackoffMax = Duration.ofSeconds(5);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private int maxInboundConnections;
        private int ioThreads;
        private boolean preferNativeTransport = true;
        private TlsOptions tls;

        private Builder(String clusterId, int localNodeId, Map<Integer, InetSocketAddress> members) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            this.localNodeId = localNodeId;
            this.members = Map.copyOf(Objects.requireNonNull(members, "members"));
        }

        /** Largest accepted frame (one encoded message); default 16 MiB. Must match across the cluster. */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * The memory bound per peer connection. The frame bytes {@link NettyTransport#send} has
         * accepted for a peer and the connection has not yet written to its socket (queued for the
         * event loop or in Netty's outbound buffer, counted as encoded, length prefix included,
         * before any TLS record overhead) never exceed {@code high}: not by one frame, the bound is
         * exact, with one exception: a single frame larger than {@code high} is accepted when nothing
         * else is held for that peer, and goes out alone. A message that would take them above it is dropped ({@code send} returns false and
         * counts {@link TransportStats.Drop#BACKPRESSURE}), and after such a drop every message to
         * that peer is dropped until they are back at {@code low} or below. Bytes already in the
         * kernel's socket buffer are not counted.
         * Defaults 1 MiB / 4 MiB.
         */
        public Builder writeBufferWaterMarks(int lowBytes, int highBytes) {
            this.writeBufferLowWaterMarkBytes = lowBytes;
            this.writeBufferHighWaterMarkBytes = highBytes;
            return this;
        }

        /** Reconnect delays grow from {@code min} to {@code max}, with jitter. Defaults 100 ms and 5 s. */
        public Builder reconnectBackoff(Duration min, Duration max) {
            this.reconnectBackoffMin = Objects.requireNonNull(min, "min");
            this.reconnectBackoffMax = Objects.requireNonNull(max, "max");
            return this;
        }

        /** A connection must complete TLS and the Hello exchange within this time; default 5 s. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Inbound connections open at once, handshaken or not; default max(16, 4 x members). */
        public Builder maxInboundConnections(int count) {
            this.maxInboundConnections = count;
            return this;
        }

        /** Netty event-loop threads; default the number of available processors. */
        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** Use native epoll when it loads (default true); NIO otherwise or when false. */
        public Builder preferNativeTransport(boolean prefer) {
            this.preferNativeTransport = prefer;
            return this;
        }

        /** Mutual TLS; without it connections are plaintext and the handshake guards only against misconfiguration. */
        public Builder tls(TlsOptions tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        public NettyTransportOptions build() {
            require(!clusterId.isBlank() && clusterId.length() <= 255,
                    "clusterId must be 1 to 255 characters, not blank; got '" + clusterId + "'");
            require(localNodeId > 0, "localNodeId must be positive; got " + localNodeId);
            require(members.containsKey(localNodeId), "members must include this node (" + localNodeId
                    + ") with the address it listens on; got node ids " + new TreeMap<>(members).keySet());
            members.forEach((id, address) -> {
                require(id != null && id > 0, "member node ids must be positive; got " + id);
                require(address != null && !address.isUnresolved(), "address of member " + id
                        + " must be a resolved InetSocketAddress; got " + address);
            });
            require(maxFrameBytes >= MIN_FRAME_BYTES && maxFrameBytes <= MAX_FRAME_BYTES, "maxFrameBytes must be between "
                    + MIN_FRAME_BYTES + " and " + MAX_FRAME_BYTES + "; got " + maxFrameBytes);
            require(writeBufferLowWaterMarkBytes > 0 && writeBufferLowWaterMarkBytes <= writeBufferHighWaterMarkBytes,
                    "writeBufferWaterMarks need 0 < low <= high; got low " + writeBufferLowWaterMarkBytes + ", high "
                            + writeBufferHighWaterMarkBytes);
            require(positive(reconnectBackoffMin) && reconnectBackoffMin.compareTo(reconnectBackoffMax) <= 0
                            && reconnectBackoffMax.compareTo(Duration.ofHours(1)) <= 0,
                    "reconnectBackoff needs 0 < min <= max <= 1 h; got " + reconnectBackoffMin + " and " + reconnectBackoffMax);
            require(positive(handshakeTimeout) && handshakeTimeout.compareTo(Duration.ofMinutes(10)) <= 0,
                    "handshakeTimeout must be positive and at most 10 minutes; got " + handshakeTimeout);
            require(maxInboundConnections == 0 || maxInboundConnections >= members.size() - 1,
                    "maxInboundConnections must allow one connection from each of the " + (members.size() - 1)
                            + " peers; got " + maxInboundConnections);
            require(ioThreads >= 0 && ioThreads <= 256, "ioThreads must be between 1 and 256 (0 = default); got " + ioThreads);
            return new NettyTransportOptions(this);
        }

        private static boolean positive(Duration d) {
            return !d.isNegative() && !d.isZero();
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
