package io.synod.examples.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchMachineTest {

    @Test
    void aSnapshotRestoresEveryClientsLastCommand() throws IOException {
        BenchMachine machine = new BenchMachine();
        machine.apply(1, new byte[] {0, 0, 0, 1, 10, 11, 12, 13, 14, 15, 16, 17});
        machine.apply(2, new byte[] {0, 0, 0, 2, 20, 21, 22, 23, 24, 25, 26, 27});
        machine.apply(3, new byte[] {0, 0, 0, 1, 30, 31, 32, 33, 34, 35, 36, 37});
        BenchMachine restored = new BenchMachine();
        restored.restore(new ByteArrayInputStream(bytesOf(machine)));
        Map<Integer, String> expected = contents(bytesOf(machine));
        assertEquals(2, expected.size());
        assertTrue(expected.get(1).startsWith("[0, 0, 0, 1, 30"), expected.toString());
        assertEquals(expected, contents(bytesOf(restored)));
    }

    @Test
    void aCommandWithoutAClientIdIsRefusedNamingWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BenchMachine().apply(1, new byte[3]));
        assertTrue(e.getMessage().contains("4-byte client id"), e.getMessage());
    }

    private static byte[] bytesOf(BenchMachine machine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        machine.snapshot().writeTo(out);
        return out.toByteArray();
    }

    /** A snapshot's entries, client id to command, in an order-independent form. */
    private static Map<Integer, String> contents(byte[] snapshot) throws IOException {
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(snapshot));
        Map<Integer, String> entries = new TreeMap<>();
        for (int n = data.readInt(); n > 0; n--) {
            int client = data.readInt();
            byte[] command = new byte[data.readInt()];
            data.readFully(command);
            entries.put(client, Arrays.toString(command));
        }
        return entries;
    }
}
