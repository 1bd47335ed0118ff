package io.synod.storage;

import io.synod.core.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A data directory is used by one storage at a time: a second open, here or in another process, fails clearly. */
class LockTest {
    @TempDir
    Path directory;

    private RocksDbStorageOptions options() {
        return RocksDbStorageOptions.builder(directory, "lock").build();
    }

    @Test
    void aSecondOpenInTheSameProcessIsLockedAndTheFirstKeepsWorking() throws Exception {
        try (RocksDbStorage first = RocksDbStorage.open(options())) {
            first.append(1, List.of(Records.vote(1, 1))).get(10, TimeUnit.SECONDS);
            StorageException.Locked e = assertThrows(StorageException.Locked.class, () -> RocksDbStorage.open(options()));
            assertTrue(e.getMessage().contains("in use by another process or another open RocksDbStorage"), e.getMessage());
            first.append(1, List.of(Records.vote(1, 2))).get(10, TimeUnit.SECONDS);
            assertEquals(2, first.recover(1).accepted().size());
        }
        try (RocksDbStorage again = RocksDbStorage.open(options())) {
            assertEquals(2, again.recover(1).accepted().size(), "the lock is released on close");
        }
    }

    @Test
    void anOpenFromAnotherProcessIsLocked() throws Exception {
        Process holder = ChildJvm.start(LockHolder.class, directory.toString(), "lock");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("OPEN", ChildJvm.readLine(out, holder), "the child opened the directory");
            StorageException.Locked e = assertThrows(StorageException.Locked.class, () -> RocksDbStorage.open(options()));
            assertTrue(e.getMessage().contains(directory.toAbsolutePath().toString()), e.getMessage());
        } finally {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        try (RocksDbStorage storage = RocksDbStorage.open(options())) {
            assertEquals(Records.valueOf(1, 1), storage.recover(1).accepted().get(1L).value(),
                    "the child's write is there, and its lock died with it");
        }
    }

    /** Child process: opens the directory, writes one vote, says OPEN, and holds it until killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(Path.of(args[0]), args[1]).build());
            storage.append(1, List.of(Records.vote(1, 1))).get(10, TimeUnit.SECONDS);
            System.out.println("OPEN");
            System.out.flush();
            System.in.read(); // until the parent kills us or closes our stdin
            storage.close();
        }
    }
}
