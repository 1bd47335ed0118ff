package io.synod.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.synod.core.protocol.Message;
import io.synod.core.transport.Transport;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@link Transport} of one node over TCP with Netty: length-prefixed protobuf frames, a
 * handshake that admits only members of this cluster, optional mutual TLS, and backpressure that
 * drops rather than queues. See {@code docs/transport.md} for the wire format and policies.
 *
 * <p>Each node dials every peer once and sends to it only on that connection; it receives on the
 * connections its peers dialed. So the messages of one sender to one receiver travel one TCP
 * stream and arrive in order. The peers are the configured members and those learned later through
 * {@link #updatePeers} (nodes added to a group by a membership change).
 *
 * <p>Thread-safe: {@link #send} may be called from any thread and never blocks. The
 * {@link Transport.MessageHandler} is called on the transport's event-loop threads, in order per
 * sender, and must not block. The transport owns its threads and buffers; {@link #close} releases
 * them.
 */
public final class NettyTransport implements Transport {
    private final NettyTransportOptions options;
    private final TransportStats stats = new TransportStats();
    private final SslContext serverTls;
    private final SslContext clientTls;
    private volatile Map<Integer, PeerLink> links = Map.of();
    /** Peers learned since start (see {@link #updatePeers}); configured members take precedence. */
    private Map<Integer, InetSocketAddress> learned = Map.of();
    private volatile boolean closed;
    private boolean started;
    private EventLoops loops;
    private TransportContext context;
    private Channel serverChannel;

    private NettyTransport(NettyTransportOptions options) {
        this.options = options;
        this.serverTls = options.tls().map(TlsContexts::server).orElse(null);
        this.clientTls = options.tls().map(TlsContexts::client).orElse(null);
    }

    /** A transport for {@code options}; it starts no thread and opens no socket until {@link #start}. */
    public static NettyTransport create(NettyTransportOptions options) {
        return new NettyTransport(Objects.requireNonNull(options, "options"));
    }

    /**
     * Listens on this node's address and starts dialing every peer. Throws
     * {@link IllegalStateException} if the address cannot be bound (the message says which).
     */
    @Override
    public synchronized void start(MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (started || closed) {
            throw new IllegalStateException("transport of node " + options.localNodeId() + " was already "
                    + (closed ? "closed" : "started") + "; create a new one");
        }
        started = true;
        loops = new EventLoops(options.ioThreads(), options.preferNativeTransport(), options.localNodeId());
        context = new TransportContext(options, stats, handler, serverTls, clientTls, wantedPeers().keySet(),
                this::peerAccepted);
        try {
            serverChannel = bind();
        } catch (RuntimeException e) {
            loops.shutdown();
            closed = true;
            throw e;
        }
        Map<Integer, PeerLink> peers = new TreeMap<>();
        wantedPeers().forEach((id, address) -> peers.put(id, new PeerLink(context, id, address, loops)));
        links = Map.copyOf(peers);
        links.values().forEach(PeerLink::start);
        context.log().info("node {}: transport listening on {} ({}, {}TLS), peers {}", options.localNodeId(),
                serverChannel.localAddress(), loops.isEpoll() ? "epoll" : "nio", clientTls != null ? "" : "no ",
                peers.keySet());
    }

    /**
     * Peers learned from the groups' memberships: each is dialed, and its connections accepted, from
     * now on; a peer learned earlier and absent now is dropped (its connections closed). Configured
     * members are always kept at their configured addresses. May be called before {@link #start}.
     */
    @Override
    public synchronized void updatePeers(Map<Integer, InetSocketAddress> peers) {
        learned = Map.copyOf(peers);
        if (!started || closed) {
            return;
        }
        Map<Integer, InetSocketAddress> wanted = wantedPeers();
        context.peers(wanted.keySet()); // admit new peers before dialing them, so their replies are not refused
        Map<Integer, PeerLink> next = new TreeMap<>();
        wanted.forEach((id, address) -> {
            PeerLink link = links.get(id);
            if (link == null || !link.address().equals(address)) {
                if (link != null) {
                    link.close();
                }
                link = new PeerLink(context, id, address, loops);
                link.start();
                context.log().info("node {}: peer node {} at {} learned from a membership change", options.localNodeId(),
                        id, address);
            }
            next.put(id, link);
        });
        for (Map.Entry<Integer, PeerLink> old : links.entrySet()) {
            if (!next.containsKey(old.getKey())) {
                old.getValue().close();
                context.inbound().close(old.getKey());
                context.log().info("node {}: node {} is no longer a peer (removed from every group)",
                        options.localNodeId(), old.getKey());
            }
        }
        links = Map.copyOf(next);
    }

    /** Configured members and learned peers, this node excluded; a configured address wins. */
    private Map<Integer, InetSocketAddress> wantedPeers() {
        Map<Integer, InetSocketAddress> wanted = new HashMap<>(learned);
        wanted.putAll(options.members());
        wanted.remove(options.localNodeId());
        return wanted;
    }

    private void peerAccepted(int peerId) {
        PeerLink link = links.get(peerId);
        if (link != null) {
            link.redialNow();
        }
    }

    private Channel bind() {
        InetSocketAddress address = options.bindAddress();
        ServerBootstrap bootstrap = new ServerBootstrap().group(loops.group()).channel(loops.serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        initInbound(channel);
                    }
                });
        try {
            return bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new IllegalStateException("node " + options.localNodeId() + " cannot listen on " + address + ": " + e
                    + "; free that port or change this node's address in members", e);
        }
    }

    private void initInbound(Channel channel) {
        if (!context.inbound().admit(channel)) {
            stats.connectionOverLimit();
            context.logLimited("inbound-limit", "node {}: refused a connection from {}: {} inbound connections are open"
                    + " (maxInboundConnections)", options.localNodeId(), channel.remoteAddress(), options.maxInboundConnections());
            channel.close();
            return;
        }
        if (serverTls != null) {
            channel.pipeline().addLast("tls", TlsContexts.handler(serverTls, channel, options.handshakeTimeout().toMillis()));
        }
        FrameDecoder decoder = new FrameDecoder(context);
        channel.pipeline().addLast("frames", decoder);
        channel.pipeline().addLast("handshake", new InboundHandshakeHandler(context, decoder));
    }

    /**
     * Queues {@code message} on the connection to {@code message.to()} and returns at once. Returns
     * false, and counts why in {@link #stats()}, when the message is dropped instead: the receiver
     * is unknown or this node, the sender is not this node, there is no handshaken connection to
     * the receiver right now, the connection is over its high water mark (backpressure), the
     * message is larger than {@code maxFrameBytes}, or the transport is closed.
     */
    @Override
    public boolean send(Message message) {
        if (closed) {
            stats.dropped(TransportStats.Drop.CLOSED);
            return false;
        }
        if (message.from() != options.localNodeId()) {
            stats.dropped(TransportStats.Drop.WRONG_SENDER);
            return false;
        }
        PeerLink link = links.get(message.to());
        if (link == null) {
            stats.dropped(started ? TransportStats.Drop.UNKNOWN_RECEIVER : TransportStats.Drop.CLOSED);
            return false;
        }
        return link.send(message);
    }

    @Override
    public int localNodeId() {
        return options.localNodeId();
    }

    public NettyTransportOptions options() {
        return options;
    }

    public TransportStats stats() {
        return stats;
    }

    /** The address this transport listens on, or null before {@link #start}. */
    public synchronized InetSocketAddress listenAddress() {
        return serverChannel == null ? null : (InetSocketAddress) serverChannel.localAddress();
    }

    /** For tests: the handshaken outbound connection to {@code peerId}, or null. */
    Channel connectionTo(int peerId) {
        PeerLink link = links.get(peerId);
        return link == null ? null : link.handshakenChannel();
    }

    /** For tests: frame bytes accepted for {@code peerId} and not yet written to its socket. */
    long heldBytesTowards(int peerId) {
        PeerLink link = links.get(peerId);
        return link == null ? 0 : link.heldBytes();
    }

    /** For tests: inbound connections open now, handshaken or not. */
    int inboundConnections() {
        return context == null ? 0 : context.inbound().open();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!started) {
            return;
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        links.values().forEach(PeerLink::close);
        context.inbound().closeAll();
        loops.shutdown();
        context.log().info("node {}: transport closed; {}", options.localNodeId(), stats);
    }
}
