package io.synod.core.codec;

import io.synod.core.protocol.Message;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import com.google.protobuf.CodedOutputStream;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-written hot path against the generated protobuf code: the same bytes out, and for any
 * bytes in — valid, damaged or random — the same verdict: the same message, or a CodecException
 * from both.
 */
class WireCodecProperties {

    static byte[] write(Message message) throws Exception {
        byte[] bytes = new byte[WireCodec.size(message)];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        WireCodec.write(message, out);
        out.checkNoSpaceLeft();
        return bytes;
    }

    @Property
    void writesExactlyTheBytesOfTheGeneratedCode(@ForAll("messages") Message message) throws Exception {
        assertArrayEquals(MessageCodec.toBytes(message), write(message));
    }

    @Property
    void readsBackEveryMessage(@ForAll("messages") Message message) throws Exception {
        assertEquals(message, WireCodec.read(ByteBuffer.wrap(MessageCodec.toBytes(message))));
    }

    @Property
    void readsBackEveryMessageWithoutCopyingPayloads(@ForAll("messages") Message message) throws Exception {
        assertEquals(message, WireCodec.readOwned(MessageCodec.toBytes(message)));
    }

    /** Commands read without a copy are views into the middle of the frame: both encoders must honour that. */
    @Property
    void aMessageReadWithoutCopyingEncodesToTheSameBytes(@ForAll("messages") Message message) throws Exception {
        byte[] bytes = MessageCodec.toBytes(message);
        Message read = WireCodec.readOwned(bytes.clone());
        assertArrayEquals(bytes, write(read));
        assertArrayEquals(bytes, MessageCodec.toBytes(read));
    }

    @Property(tries = 3000)
    void agreesWithTheGeneratedCodeOnDamagedEncodings(@ForAll("damaged") byte[] bytes) {
        Object expected = verdict(() -> MessageCodec.fromBytes(bytes));
        assertEquals(expected, verdict(() -> WireCodec.read(ByteBuffer.wrap(bytes))));
        assertEquals(expected, verdict(() -> WireCodec.readOwned(bytes.clone())));
    }

    @Property
    void agreesWithTheGeneratedCodeOnRandomBytes(@ForAll byte[] bytes) {
        Object expected = verdict(() -> MessageCodec.fromBytes(bytes));
        assertEquals(expected, verdict(() -> WireCodec.read(ByteBuffer.wrap(bytes))));
        assertEquals(expected, verdict(() -> WireCodec.readOwned(bytes.clone())));
    }

    private interface Decode {
        Message run() throws CodecException;
    }

    /** The decoded message, or "refused" — the two decoders may word their reasons differently. */
    private static Object verdict(Decode decode) {
        try {
            return Objects.requireNonNull(decode.run());
        } catch (CodecException e) {
            return "refused";
        }
    }

    @Provide
    Arbitrary<Message> messages() {
        return CodecProperties.allMessages();
    }

    /** Valid encodings, then one byte changed, cut short, or extra bytes spliced in. */
    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<byte[]> valid = CodecProperties.allMessages().map(MessageCodec::toBytes);
        return Combinators.combine(valid, Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1 << 16),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(6)).as((bytes, how, at, junk) -> {
                    if (bytes.length == 0) {
                        return junk;
                    }
                    int i = at % bytes.length;
                    switch (how) {
                        case 0: {
                            byte[] b = bytes.clone();
                            b[i] = junk[0];
                            return b;
                        }
                        case 1:
                            return Arrays.copyOf(bytes, i);
                        default: {
                            byte[] b = new byte[bytes.length + junk.length];
                            System.arraycopy(bytes, 0, b, 0, i);
                            System.arraycopy(junk, 0, b, i, junk.length);
                            System.arraycopy(bytes, i, b, i + junk.length, bytes.length - i);
                            return b;
                        }
                    }
                });
    }
}
