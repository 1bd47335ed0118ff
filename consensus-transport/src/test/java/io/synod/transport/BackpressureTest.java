package io.synod.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.synod.core.codec.MessageCodec;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Value;
import io.synod.transport.proto.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that stops reading: the sender's buffer for it stays bounded by the high water mark and
 * send() drops (and counts) instead of queueing; when the peer reads again, sending resumes, and
 * every message send() accepted arrives, in order.
 */
@ExtendWith(NoLeaks.class)
class BackpressureTest {
    private static final int LOW = 32 * 1024;
    private static final int HIGH = 64 * 1024;
    private static final int PAYLOAD = 4096;
    /** 800 MB worth of messages: far beyond what any buffer between the two nodes holds. */
    private static final long ATTEMPTS = 200_000;
    /** SO_SNDBUF and SO_RCVBUF for the round-by-round test, so the kernel stops taking bytes after a few rounds. */
    private static final int SMALL_SOCKET_BUFFER = 8 * 1024;
    private final TestNodes nodes = new TestNodes(1, 2);

    @AfterEach
    void close() {
        nodes.closeAll();
    }

    @Test
    void aPeerThatStopsReadingCausesDropsNotAnUnboundedQueue() throws Exception {
        try (StalledPeer peer = new StalledPeer(nodes.address(2))) {
            NettyTransport one = nodes.start(1, m -> { }, b -> b.writeBufferWaterMarks(LOW, HIGH));
            Await.until("the handshake with the stalled peer", () -> one.connectionTo(2) != null);
            long accepted = sendAll(one);
            long dropped = one.stats().messagesDropped(TransportStats.Drop.BACKPRESSURE);
            assertEquals(ATTEMPTS - accepted, dropped, one.stats().toString());
            assertTrue(dropped > 0, "no backpressure drop for a peer that reads nothing");
            // What send() accepted sits in the frame queue or Netty's buffer (together bounded by the high water mark) or the kernel's.
            assertTrue(accepted * PAYLOAD < 64L * 1024 * 1024, accepted + " messages of 4 KiB accepted for a stalled peer");
            long held = one.heldBytesTowards(2);
            assertTrue(held <= HIGH, held + " frame bytes held for the stalled peer, above the high water mark " + HIGH);

            peer.resumeReading();
            Await.until("the peer to drain every accepted message", () -> peer.framesRead() == accepted);
            Await.until("writability after draining", () -> one.send(accept(accepted + 1)));
            Await.until("the peer to read the message sent after the stall", () -> peer.framesRead() == accepted + 1);
            assertEquals(accepted + 1, peer.lastSlot(), "messages arrived out of order or were lost");
        }
    }

    /**
     * Issue 4: the frame queue and Netty's buffer were each bounded by the high mark, so one connection
     * could hold twice it. The event loop is held busy (by a task) while the test sends until refused,
     * so the queue fills; then the loop drains it into Netty's buffer, which writes what the kernel
     * takes. Round after round, until the (small) socket buffers are full and sends are refused
     * outright, the frame bytes Netty has not written must stay at or below the high mark.
     */
    @Test
    void framesHeldForAStalledPeerNeverExceedTheHighWaterMark() throws Exception {
        try (StalledPeer peer = new StalledPeer(nodes.address(2), SMALL_SOCKET_BUFFER)) {
            NettyTransport one = nodes.start(1, m -> { }, b -> b.writeBufferWaterMarks(LOW, HIGH));
            Await.until("the handshake with the stalled peer", () -> one.connectionTo(2) != null);
            Channel channel = one.connectionTo(2);
            channel.config().setOption(ChannelOption.SO_SNDBUF, SMALL_SOCKET_BUFFER); // the kernel fills in a few rounds
            long accepted = 0;
            int round = 0;
            while (true) {
                long acceptedThisRound = sendUntilRefusedWhileLoopBusy(one, channel, accepted);
                accepted += acceptedThisRound;
                long unwritten = unwrittenFrameBytes(channel);
                assertTrue(unwritten <= HIGH, "round " + round + ": " + unwritten + " frame bytes held for the stalled peer,"
                        + " above the high water mark " + HIGH + " (" + accepted + " messages accepted)");
                if (acceptedThisRound == 0) {
                    break;
                }
                round++;
                assertTrue(round < 200, "sends never refused outright: the socket buffers never filled");
            }
            assertTrue(one.heldBytesTowards(2) >= unwrittenFrameBytes(channel), "the budget does not cover Netty's buffer");

            peer.resumeReading();
            long total = accepted;
            Await.until("the peer to drain every accepted message", () -> peer.framesRead() == total);
            assertEquals(total, peer.lastSlot(), "messages arrived out of order or were lost");
        }
    }

    /**
     * A frame larger than the high mark (a big command batch) would never fit the budget: it goes
     * out alone, when nothing else is held for the peer, instead of being refused forever.
     */
    @Test
    void aFrameLargerThanTheHighWaterMarkGoesOutAlone() throws Exception {
        try (StalledPeer peer = new StalledPeer(nodes.address(2))) {
            NettyTransport one = nodes.start(1, m -> { }, b -> b.writeBufferWaterMarks(LOW, HIGH));
            Await.until("the handshake with the peer", () -> one.connectionTo(2) != null);
            peer.resumeReading();
            Await.until("the oversized message to be accepted", () -> one.send(accept(1, 2 * HIGH)));
            Await.until("the peer to read the oversized message", () -> peer.framesRead() == 1);
            Await.until("the next message to be accepted", () -> one.send(accept(2, PAYLOAD)));
            Await.until("the peer to read the next message", () -> peer.framesRead() == 2);
            assertEquals(2, peer.lastSlot());
        }
    }

    /** With {@code channel}'s event loop held by a task, sends until one is refused; returns how many were accepted. */
    private static long sendUntilRefusedWhileLoopBusy(NettyTransport one, Channel channel, long acceptedBefore)
            throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        channel.eventLoop().execute(() -> {
            busy.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long accepted = 0;
        try {
            assertTrue(busy.await(20, TimeUnit.SECONDS), "the event loop never ran the task");
            while (one.send(accept(acceptedBefore + accepted + 1))) {
                accepted++;
            }
        } finally {
            release.countDown();
        }
        return accepted;
    }

    /**
     * Frame bytes in Netty's outbound buffer that are not yet written to the socket, read on the event
     * loop after the drain the sends scheduled (so the frame queue is empty): flushed first, directly
     * (the FlushConsolidationHandler may have deferred the drain's flush), so every entry is counted.
     */
    private static long unwrittenFrameBytes(Channel channel) throws Exception {
        return channel.eventLoop().submit(() -> {
            channel.unsafe().flush();
            long[] bytes = {0};
            if (channel.unsafe().outboundBuffer() != null) {
                channel.unsafe().outboundBuffer().forEachFlushedMessage(m -> {
                    bytes[0] += ((ByteBuf) m).readableBytes();
                    return true;
                });
            }
            return bytes[0];
        }).get(20, TimeUnit.SECONDS);
    }

    /** Attempts {@link #ATTEMPTS} sends; accepted messages carry slots 1, 2, 3...; returns how many were accepted. */
    private static long sendAll(NettyTransport one) {
        long accepted = 0;
        for (long attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (one.send(accept(accepted + 1))) {
                accepted++;
            }
        }
        return accepted;
    }

    private static Message.Accept accept(long slot) {
        return accept(slot, PAYLOAD);
    }

    private static Message.Accept accept(long slot, int payloadBytes) {
        return new Message.Accept(1, 1, 2, new Ballot(1, 1), slot, new Value.Batch(List.of(new Command(slot, new byte[payloadBytes]))), 0);
    }

    /** Plays node 2: accepts the handshake, then reads nothing until told to, then counts frames. */
    private static final class StalledPeer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;
        private final CountDownLatch resume = new CountDownLatch(1);
        private final AtomicLong frames = new AtomicLong();
        private final AtomicLong lastSlot = new AtomicLong();
        private final AtomicReference<Socket> socket = new AtomicReference<>();

        StalledPeer(InetSocketAddress address) throws IOException {
            this(address, 0);
        }

        /** {@code receiveBufferBytes}: SO_RCVBUF of the accepted socket, or 0 for the system's default. */
        StalledPeer(InetSocketAddress address, int receiveBufferBytes) throws IOException {
            server = new ServerSocket();
            if (receiveBufferBytes > 0) {
                server.setReceiveBufferSize(receiveBufferBytes);
            }
            server.bind(address, 4);
            thread = new Thread(this::serve, "stalled-peer");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            try (Socket s = server.accept()) {
                socket.set(s);
                DataInputStream in = new DataInputStream(s.getInputStream());
                Hello hello = Hello.parseFrom(readFrame(in));
                s.getOutputStream().write(RawPeer.frame(Handshake.accepted(2)));
                if (hello.getNodeId() != 1) {
                    return;
                }
                resume.await();
                while (true) {
                    Message m = MessageCodec.fromBytes(readFrame(in));
                    lastSlot.set(((Message.Accept) m).slot());
                    frames.incrementAndGet();
                }
            } catch (Exception e) {
                // the test closed the socket, or the node did
            }
        }

        private static byte[] readFrame(DataInputStream in) throws IOException {
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return body;
        }

        void resumeReading() {
            resume.countDown();
        }

        long framesRead() {
            return frames.get();
        }

        long lastSlot() {
            return lastSlot.get();
        }

        @Override
        public void close() throws Exception {
            server.close();
            Socket s = socket.get();
            if (s != null) {
                s.close();
            }
            thread.join(5_000);
        }
    }
}
