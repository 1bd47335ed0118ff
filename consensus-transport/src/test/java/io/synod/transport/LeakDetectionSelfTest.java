package io.synod.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the leak check can fail: a buffer dropped without release must be reported. */
class LeakDetectionSelfTest {
    @Test
    void aDroppedBufferIsReportedAsALeak() throws Exception {
        assertTrue(RecordingLeakDetector.installed(), "leak detection must be paranoid");
        RecordingLeakDetector.assertNoLeaks();
        leakOneBuffer();
        AssertionError leak = assertThrows(AssertionError.class, RecordingLeakDetector::assertNoLeaks);
        assertTrue(leak.getMessage().contains("LEAK"), leak.getMessage());
        RecordingLeakDetector.assertNoLeaks(); // the report was consumed
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(32);
        leaked.writeLong(42); // deliberately never released
    }
}
