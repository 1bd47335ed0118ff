package io.synod.transport;

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
            // What send() accepted sits in Netty's buffer (bounded by the high water mark) or the kernel's.
            assertTrue(accepted * PAYLOAD < 64L * 1024 * 1024, accepted + " messages of 4 KiB accepted for a stalled peer");
            assertTrue(one.connectionTo(2).bytesBeforeWritable() > 0, "still writable after the flood");

            peer.resumeReading();
            Await.until("the peer to drain every accepted message", () -> peer.framesRead() == accepted);
            Await.until("writability after draining", () -> one.send(accept(accepted + 1)));
            Await.until("the peer to read the message sent after the stall", () -> peer.framesRead() == accepted + 1);
            assertEquals(accepted + 1, peer.lastSlot(), "messages arrived out of order or were lost");
        }
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
        return new Message.Accept(1, 1, 2, new Ballot(1, 1), slot, new Value.Batch(List.of(new Command(slot, new byte[PAYLOAD]))), 0);
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
            server = new ServerSocket(address.getPort(), 4, address.getAddress());
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
