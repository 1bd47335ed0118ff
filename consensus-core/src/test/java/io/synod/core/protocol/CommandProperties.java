package io.synod.core.protocol;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command whose payload is a range of a larger array (as a decoder makes it) behaves exactly as
 * one that owns an exact copy: the same bytes out, the same size, equal and with the same hash.
 */
class CommandProperties {

    @Property
    void aRangeOfAnArrayIsTheSameCommandAsACopyOfIt(@ForAll long id, @ForAll @Size(max = 64) byte[] payload,
                                                    @ForAll @IntRange(max = 16) int before, @ForAll @IntRange(max = 16) int after) {
        byte[] frame = new byte[before + payload.length + after];
        Arrays.fill(frame, (byte) 0x5a); // bytes around the payload that must not leak into it
        System.arraycopy(payload, 0, frame, before, payload.length);
        Command view = Command.ofOwned(id, frame, before, payload.length);
        Command copy = new Command(id, payload);

        assertEquals(copy, view);
        assertEquals(view, copy);
        assertEquals(copy.hashCode(), view.hashCode());
        assertArrayEquals(payload, view.payload());
        assertEquals(payload.length, view.sizeBytes());
        assertEquals(ByteBuffer.wrap(payload), view.payloadView());
    }

    @Example
    void theViewStartsAtZeroSpansOnlyThePayloadAndCannotWrite() {
        byte[] frame = {9, 9, 1, 2, 3, 9};
        ByteBuffer view = Command.ofOwned(7, frame, 2, 3).payloadView();

        assertEquals(0, view.position());
        assertEquals(3, view.limit());
        assertEquals(3, view.capacity()); // protobuf's writeRawBytes(ByteBuffer) writes up to the capacity
        assertTrue(view.isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 4));
    }

    @Example
    void payloadIsACopyTheCallerMayChange() {
        byte[] frame = {9, 1, 2, 9};
        Command command = Command.ofOwned(7, frame, 1, 2);
        command.payload()[0] = 42;
        assertArrayEquals(new byte[] {1, 2}, command.payload());
    }

    @Example
    void differentBytesOrIdsAreDifferentCommands() {
        byte[] frame = {1, 2, 3, 1, 2, 4};
        assertNotEquals(Command.ofOwned(7, frame, 0, 3), Command.ofOwned(7, frame, 3, 3));
        assertEquals(Command.ofOwned(7, frame, 0, 2), Command.ofOwned(7, frame, 3, 2));
        assertNotEquals(Command.ofOwned(7, frame, 0, 2), Command.ofOwned(8, frame, 3, 2));
        assertNotEquals(Command.ofOwned(7, frame, 0, 2), Command.ofOwned(7, frame, 0, 3));
    }

    @Example
    void aRangeOutsideTheArrayIsRefused() {
        byte[] frame = new byte[4];
        assertThrows(IndexOutOfBoundsException.class, () -> Command.ofOwned(1, frame, 3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Command.ofOwned(1, frame, -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Command.ofOwned(1, frame, 0, -1));
    }
}
