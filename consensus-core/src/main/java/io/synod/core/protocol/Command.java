package io.synod.core.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One application command as the protocol carries it: opaque bytes plus an id that the proposing
 * side uses to match the command to its caller once it is chosen. The protocol never interprets
 * either; it only guarantees that every replica sees the same commands in the same order.
 *
 * <p>Immutable: the payload is copied on the way in and never exposed for writing.
 */
public final class Command {
    private final long id;
    private final byte[] payload;

    /** Copies {@code payload}. */
    public Command(long id, byte[] payload) {
        this(payload.clone(), id);
    }

    private Command(byte[] owned, long id) {
        this.id = id;
        this.payload = owned;
    }

    /**
     * Takes {@code payload} without copying it: for code that has just made the array (a decoder,
     * the runtime's own copy of a client's bytes) and never touches it again. Saves a copy per
     * command on the hot path.
     */
    public static Command ofOwned(long id, byte[] payload) {
        return new Command(payload, id);
    }

    public long id() {
        return id;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload, read-only and without a copy. */
    public ByteBuffer payloadView() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    public int sizeBytes() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command other && id == other.id && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Command{id=" + id + ", " + payload.length + " bytes}";
    }
}
