package io.synod.transport;

import io.synod.core.protocol.Message;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random byte streams thrown at a live listener (node 2) through raw sockets: garbage, valid
 * length prefixes over garbage, oversized and negative prefixes, truncated frames, envelopes before
 * the handshake, and after a valid handshake (claiming node 1) unknown or absent message kinds,
 * spoofed senders and garbage. After every attack the real peer (node 3) still exchanges messages
 * with node 2 in both directions, nothing from the attacker reaches the handler, no connection is
 * left behind, and no buffer leaks.
 */
class BadInputProperties {
    private static TestNodes nodes;
    private static NettyTransport two;
    private static NettyTransport three;
    private static final ConcurrentLinkedQueue<Message> receivedBy2 = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<Message> receivedBy3 = new ConcurrentLinkedQueue<>();

    @BeforeContainer
    static void startNodes() throws Exception {
        assertTrue(RecordingLeakDetector.installed(), "tests must run with -Dio.netty.leakDetection.level=paranoid");
        RecordingLeakDetector.assertNoLeaks();
        nodes = new TestNodes(1, 2, 3);
        two = nodes.start(2, receivedBy2::add, b -> b.maxFrameBytes(64 * 1024));
        three = nodes.start(3, receivedBy3::add, b -> b.maxFrameBytes(64 * 1024));
    }

    @AfterContainer
    static void stopNodes() throws Exception {
        try {
            assertTrue(two.stats().framesRejected() + two.stats().handshakesRefused() > 0, two.stats().toString());
        } finally {
            nodes.closeAll();
        }
        RecordingLeakDetector.assertNoLeaks();
    }

    @Property(tries = 60)
    void aNodeUnderBadInputKeepsServingItsRealPeer(@ForAll("attacks") byte[] attack, @ForAll("splits") int split)
            throws Exception {
        try (RawPeer attacker = RawPeer.connect(nodes.address(2))) {
            int cut = Math.min(split, attack.length);
            if (attacker.write(Arrays.copyOfRange(attack, 0, cut))) {
                attacker.write(Arrays.copyOfRange(attack, cut, attack.length));
            }
        }
        Await.delivered(three, 2, receivedBy2);
        Await.delivered(two, 3, receivedBy3);
        assertTrue(receivedBy2.stream().allMatch(m -> m.from() == 3), "attacker's message reached the handler");
        Await.until("the attacker's connection to close", () -> two.inboundConnections() == 1);
    }

    @Provide
    Arbitrary<Integer> splits() {
        return Arbitraries.integers().between(0, 600);
    }

    @Provide
    Arbitrary<byte[]> attacks() {
        Arbitrary<byte[]> afterHello = Arbitraries.oneOf(garbage(), prefixedGarbage(), oversizedPrefix(), truncated(unknownKind()),
                unknownKind(), emptyBody(), spoofedSender(), Combinators.combine(misaddressed(), garbage()).as(RawPeer::concat));
        Arbitrary<byte[]> beforeHello = Arbitraries.oneOf(garbage(), prefixedGarbage(), oversizedPrefix(),
                truncated(Arbitraries.just(RawPeer.frame(RawPeer.hello(1, 2)))), unknownKind(),
                Arbitraries.just(RawPeer.envelopeFrame(RawPeer.heartbeat(1, 2, 5))));
        Arbitrary<byte[]> withHello = afterHello.map(tail -> RawPeer.concat(RawPeer.frame(RawPeer.hello(1, 2)), tail));
        return Arbitraries.oneOf(beforeHello, withHello);
    }

    private static Arbitrary<byte[]> garbage() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(512);
    }

    /** A plausible length prefix (maybe lying about the length) followed by random bytes. */
    private static Arbitrary<byte[]> prefixedGarbage() {
        return Combinators.combine(Arbitraries.integers().between(0, 600), garbage())
                .as((length, body) -> RawPeer.concat(RawPeer.lengthPrefix(length), body));
    }

    private static Arbitrary<byte[]> oversizedPrefix() {
        return Arbitraries.oneOf(Arbitraries.integers().between(64 * 1024 + 1, Integer.MAX_VALUE),
                Arbitraries.integers().between(Integer.MIN_VALUE, -1)).map(RawPeer::lengthPrefix);
    }

    private static Arbitrary<byte[]> truncated(Arbitrary<byte[]> frames) {
        return frames.flatMap(frame -> Arbitraries.integers().between(1, frame.length - 1)
                .map(length -> Arrays.copyOf(frame, length)));
    }

    private static Arbitrary<byte[]> unknownKind() {
        return Arbitraries.just(RawPeer.unknownKindFrame(1, 2));
    }

    private static Arbitrary<byte[]> emptyBody() {
        return Arbitraries.just(RawPeer.emptyBodyFrame(1, 2));
    }

    private static Arbitrary<byte[]> spoofedSender() {
        return Arbitraries.just(RawPeer.envelopeFrame(RawPeer.heartbeat(3, 2, 1)));
    }

    private static Arbitrary<byte[]> misaddressed() {
        return Arbitraries.just(RawPeer.envelopeFrame(RawPeer.heartbeat(1, 3, 1)));
    }
}
