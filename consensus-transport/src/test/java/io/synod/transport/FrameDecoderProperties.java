package io.synod.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.synod.transport.TransportStats.FrameRejection;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The frame decoder alone, fed through an embedded channel in chunks cut anywhere — inside a
 * length prefix as well as inside a body — as TCP may deliver them.
 */
class FrameDecoderProperties {
    private static final int MAX_FRAME = 64 * 1024;

    /** Fresh per try: jqwik reuses one instance for all tries of a property. */
    private TransportStats stats;

    private FrameDecoder decoder(boolean authenticated) {
        stats = new TransportStats();
        TransportContext context = new TransportContext(NettyTransportOptions.builder("frames", 2,
                Map.of(1, new InetSocketAddress("127.0.0.1", 1), 2, new InetSocketAddress("127.0.0.1", 2)))
                .maxFrameBytes(MAX_FRAME).build(), stats, m -> { }, null, null, java.util.Set.of(1, 2), peer -> { });
        FrameDecoder decoder = new FrameDecoder(context);
        if (authenticated) {
            decoder.authenticated();
        }
        return decoder;
    }

    @Property
    void framesCutAnywhereComeOutWhole(@ForAll("bodies") List<byte[]> bodies, @ForAll @IntRange(min = 1, max = 40) int chunkBytes) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder(true));
        byte[] stream = RawPeer.concat(bodies.stream().map(RawPeer::frame).toArray(byte[][]::new));

        for (int at = 0; at < stream.length; at += chunkBytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, at, Math.min(stream.length, at + chunkBytes))));
        }

        for (byte[] body : bodies) {
            assertArrayEquals(body, (byte[]) channel.readInbound());
        }
        assertNull(channel.readInbound());
        assertEquals(stream.length, stats.bytesIn());
        assertFalse(channel.finish());
        assertEquals(0, stats.framesRejected());
    }

    @Provide
    Arbitrary<List<byte[]>> bodies() {
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.bytes().array(byte[].class).ofMinSize(4000).ofMaxSize(9000));
        return body.list().ofMaxSize(6);
    }

    @Property(tries = 50)
    void anOversizedPrefixIsRefusedOnItsLastByte(@ForAll @IntRange(min = 1, max = 3) int firstBytes) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder(true));
        byte[] prefix = RawPeer.lengthPrefix(MAX_FRAME + 1);

        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(prefix, firstBytes)));
        assertEquals(0, stats.framesRejected());
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(prefix, firstBytes, 4), new byte[100]));

        assertEquals(1, stats.framesRejected(FrameRejection.OVERSIZED));
        assertFalse(channel.isOpen());
        assertNull(channel.readInbound());
    }

    @Property(tries = 50)
    void aConnectionClosedInsideAFrameCountsItTruncated(@ForAll @Size(min = 1, max = 100) byte[] body,
                                                        @ForAll @IntRange(min = 1, max = 103) int sentBytes) {
        byte[] frame = RawPeer.frame(body);
        EmbeddedChannel channel = new EmbeddedChannel(decoder(true));

        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame, Math.min(sentBytes, frame.length - 1))));
        channel.close();

        assertEquals(1, stats.framesRejected(FrameRejection.TRUNCATED));
        assertNull(channel.readInbound());
    }

    @Example
    void beforeTheHandshakeOnlySmallFramesAreAccepted() {
        EmbeddedChannel channel = new EmbeddedChannel(decoder(false));
        channel.writeInbound(Unpooled.wrappedBuffer(RawPeer.lengthPrefix(NettyTransportOptions.HANDSHAKE_MAX_FRAME_BYTES + 1)));
        assertEquals(1, stats.framesRejected(FrameRejection.OVERSIZED));
        assertEquals(0, stats.bytesIn()); // nothing is counted before the peer is known
    }

    /** The handshake handler authenticates inside the hello's channelRead; a large frame right behind it must pass. */
    @Example
    void aLargeFramePipelinedBehindTheHelloIsAcceptedOnceTheHelloAuthenticates() {
        FrameDecoder decoder = decoder(false);
        List<byte[]> received = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                decoder.authenticated();
                received.add((byte[]) msg);
            }
        });
        byte[] large = new byte[NettyTransportOptions.HANDSHAKE_MAX_FRAME_BYTES * 2];

        channel.writeInbound(Unpooled.wrappedBuffer(RawPeer.concat(RawPeer.frame(new byte[] {1}), RawPeer.frame(large))));

        assertEquals(2, received.size());
        assertArrayEquals(large, received.get(1));
        assertEquals(0, stats.framesRejected());
    }
}
