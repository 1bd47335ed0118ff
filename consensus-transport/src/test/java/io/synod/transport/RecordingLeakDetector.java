package io.synod.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, made to fail tests: installed for this module's tests through the system
 * property {@code io.netty.customResourceLeakDetector} (see the pom), it records every leak Netty
 * reports, and {@link #assertNoLeaks} fails if there was one. Netty only notices a leak when the
 * garbage collector has reclaimed the leaked buffer and a later allocation polls the detector, so
 * the check collects garbage and allocates a few times first.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected boolean needReport() {
        return true; // report even when the logger for Netty is not at ERROR
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add("LEAK of " + resourceType + ":" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add("LEAK of " + resourceType + " (untraced)");
        super.reportUntracedLeak(resourceType);
    }

    /** True if this class is the detector Netty uses (the system property was set before Netty loaded). */
    static boolean installed() {
        ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1);
        try {
            return ResourceLeakDetector.getLevel() == Level.PARANOID;
        } finally {
            probe.release();
        }
    }

    /** Collects garbage, polls the detector, and fails if any leak was reported since the last call. */
    static void assertNoLeaks() throws InterruptedException {
        for (int round = 0; round < 4; round++) {
            System.gc();
            Thread.sleep(20); // give the reference handler time to enqueue collected trackers
            for (int i = 0; i < 64; i++) {
                ByteBufAllocator.DEFAULT.buffer(16).release(); // each tracked allocation polls for reported leaks
            }
        }
        List<String> leaks = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            leaks.add(leak);
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s):\n" + String.join("\n\n", leaks));
        }
    }
}
