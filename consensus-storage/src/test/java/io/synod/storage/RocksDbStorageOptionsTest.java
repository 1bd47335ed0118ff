package io.synod.storage;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options are validated once, with messages that name the setting and say what to change. */
class RocksDbStorageOptionsTest {
    private static final Path DIR = Path.of("data");

    private static void assertRefused(String clusterId, Consumer<RocksDbStorageOptions.Builder> change, String expected) {
        RocksDbStorageOptions.Builder builder = RocksDbStorageOptions.builder(DIR, clusterId);
        change.accept(builder);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void defaultsAreSafe() {
        RocksDbStorageOptions options = RocksDbStorageOptions.builder(DIR, "c").build();
        assertTrue(options.syncWrites());
        assertEquals(4L << 20, options.maxBatchBytes());
        assertEquals(64L << 20, options.maxQueuedBytes());
        assertEquals(Duration.ofMillis(500), options.faultProbeInterval());
        assertEquals(1 << 20, options.snapshotChunkBytes());
    }

    @Test
    void everySettingIsChecked() {
        assertRefused("", b -> { }, "clusterId is empty");
        assertRefused("x".repeat(256), b -> { }, "clusterId is longer than 255 bytes");
        assertRefused("c", b -> b.maxBatchBytes(10), "maxBatchBytes must be between");
        assertRefused("c", b -> b.maxBatchBytes(1 << 20).maxQueuedBytes(1000), "raise maxQueuedBytes or lower maxBatchBytes");
        assertRefused("c", b -> b.faultProbeInterval(Duration.ZERO), "faultProbeInterval must be positive");
        assertRefused("c", b -> b.snapshotChunkBytes(1), "snapshotChunkBytes must be between");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RocksDbStorageOptions.builder(null, "c").build());
        assertTrue(e.getMessage().contains("dataDirectory is null"), e.getMessage());
    }
}
