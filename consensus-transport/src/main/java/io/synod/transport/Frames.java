package io.synod.transport;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.synod.core.codec.WireCodec;
import io.synod.core.protocol.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The frame format: a 4-byte big-endian length, then that many bytes of one protobuf message.
 * Encodes into pooled buffers; {@link FrameDecoder} splits the received stream. Stateless and
 * thread-safe.
 */
final class Frames {
    static final int LENGTH_PREFIX_BYTES = 4;

    private Frames() {
    }

    /** One frame holding {@code message}, or null if its body would exceed {@code maxBodyBytes}. */
    static ByteBuf encode(ByteBufAllocator alloc, MessageLite message, int maxBodyBytes) {
        int size = message.getSerializedSize();
        if (size > maxBodyBytes) {
            return null;
        }
        ByteBuf frame = alloc.ioBuffer(LENGTH_PREFIX_BYTES + size);
        try {
            frame.writeInt(size);
            if (frame.nioBufferCount() == 1) {
                CodedOutputStream out = CodedOutputStream.newInstance(frame.nioBuffer(LENGTH_PREFIX_BYTES, size));
                message.writeTo(out);
                out.checkNoSpaceLeft();
                frame.writerIndex(LENGTH_PREFIX_BYTES + size);
            } else {
                message.writeTo(new ByteBufOutputStream(frame));
            }
            return frame;
        } catch (IOException | RuntimeException e) {
            frame.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * Bodies below this size are encoded in a reused per-thread array, then copied into the frame
     * in one go; larger ones (a batch of commands, a snapshot chunk) straight into the frame,
     * where their payload bytes are the bulk and one copy fewer is what counts.
     */
    static final int DIRECT_ENCODE_MIN_BYTES = 1024;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[DIRECT_ENCODE_MIN_BYTES]);

    /**
     * One frame holding {@code message} in the wire format, or null if its body would exceed
     * {@code maxBodyBytes}. Small bodies are encoded into a heap array first: protobuf's array
     * encoder is much faster than its encoder over a direct buffer at the many small fields of a
     * small message, and one bulk copy into the frame costs less than the difference.
     */
    static ByteBuf encode(ByteBufAllocator alloc, Message message, int maxBodyBytes) {
        int size = WireCodec.size(message);
        if (size > maxBodyBytes) {
            return null;
        }
        ByteBuf frame = alloc.ioBuffer(LENGTH_PREFIX_BYTES + size);
        try {
            frame.writeInt(size);
            if (size < DIRECT_ENCODE_MIN_BYTES) {
                byte[] scratch = SCRATCH.get();
                CodedOutputStream out = CodedOutputStream.newInstance(scratch, 0, size);
                WireCodec.write(message, out);
                out.checkNoSpaceLeft();
                frame.writeBytes(scratch, 0, size);
                return frame;
            }
            if (frame.nioBufferCount() == 1) {
                CodedOutputStream out = CodedOutputStream.newInstance(frame.nioBuffer(LENGTH_PREFIX_BYTES, size));
                WireCodec.write(message, out);
                out.checkNoSpaceLeft();
                frame.writerIndex(LENGTH_PREFIX_BYTES + size);
                return frame;
            }
            CodedOutputStream out = CodedOutputStream.newInstance(new ByteBufOutputStream(frame));
            WireCodec.write(message, out);
            out.flush();
            return frame;
        } catch (IOException | RuntimeException e) {
            frame.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }
}
