package io.synod.core.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One application command as the protocol carries it: opaque bytes plus an id that the proposing
 * side uses to match the command to its caller once it is chosen. The protocol never interprets
 * either; it only guarantees that every replica sees the same commands in the same order.
 *
 * <p>Immutable: the payload is copied on the way in (or handed over by its only writer) and never
 * exposed for writing. It may be a range of a larger array, e.g. of the network frame it was
 * decoded from, so that a decoder need not copy it again; equality and hashing are by content.
 */
public final class Command {
    private final long id;
    private final byte[] bytes;
    private final int offset;
    private final int length;

    /** Copies {@code payload}. */
    public Command(long id, byte[] payload) {
        this(id, payload.clone(), 0, payload.length);
    }

    private Command(long id, byte[] bytes, int offset, int length) {
        this.id = id;
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /**
     * Takes {@code payload} without copying it: for code that has just made the array (a decoder,
     * the runtime's own copy of a client's bytes) and never touches it again. Saves a copy per
     * command on the hot path.
     */
    public static Command ofOwned(long id, byte[] payload) {
        return new Command(id, payload, 0, payload.length);
    }

    /**
     * Takes {@code length} bytes of {@code array} from {@code offset} as the payload, without
     * copying them: for a decoder that has just copied a whole frame into {@code array} and never
     * writes it again. The command keeps the whole array reachable, so use it only where the rest
     * of the array is small or lives as long anyway (the other fields of the same message).
     */
    public static Command ofOwned(long id, byte[] array, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, array.length);
        return new Command(id, array, offset, length);
    }

    public long id() {
        return id;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    /** The payload, read-only and without a copy; its position is 0 and its capacity the payload's size. */
    public ByteBuffer payloadView() {
        return ByteBuffer.wrap(bytes).slice(offset, length).asReadOnlyBuffer();
    }

    public int sizeBytes() {
        return length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command other && id == other.id
                && Arrays.equals(bytes, offset, offset + length, other.bytes, other.offset, other.offset + other.length);
    }

    /** By content, with the same formula as {@link Arrays#hashCode(byte[])} (which has no range form). */
    @Override
    public int hashCode() {
        int payloadHash = 1;
        for (int i = offset; i < offset + length; i++) {
            payloadHash = 31 * payloadHash + bytes[i];
        }
        return Long.hashCode(id) * 31 + payloadHash;
    }

    @Override
    public String toString() {
        return "Command{id=" + id + ", " + length + " bytes}";
    }
}
