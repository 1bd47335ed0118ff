package io.synod.transport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fails a test class if Netty reported a buffer leak while it ran (or checks that detection is on). */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assertTrue(RecordingLeakDetector.installed(), "tests must run with -Dio.netty.leakDetection.level=paranoid");
        RecordingLeakDetector.assertNoLeaks(); // a leak from an earlier class is that class's failure, not ours
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        RecordingLeakDetector.assertNoLeaks();
    }
}
