package io.synod.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a flood of bad input from becoming a flood of log lines: at most one line per key per
 * interval; the rest are counted (the stats have them) and the next line says how many were
 * suppressed. Thread-safe.
 */
final class LogLimiter {
    private final long intervalNanos;
    private final Map<Object, Window> windows = new ConcurrentHashMap<>();

    LogLimiter(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** -1 if a line for {@code key} should be suppressed now; otherwise how many were suppressed before it. */
    long permit(Object key) {
        Window w = windows.computeIfAbsent(key, k -> new Window());
        synchronized (w) {
            long now = System.nanoTime();
            if (w.started && now - w.lastLoggedNanos < intervalNanos) {
                w.suppressed++;
                return -1;
            }
            w.started = true;
            w.lastLoggedNanos = now;
            long suppressed = w.suppressed;
            w.suppressed = 0;
            return suppressed;
        }
    }

    /** " (N similar suppressed)" or "" — to append to a permitted line. */
    static String suppressedNote(long suppressed) {
        return suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "";
    }

    private static final class Window {
        boolean started;
        long lastLoggedNanos;
        long suppressed;
    }
}
