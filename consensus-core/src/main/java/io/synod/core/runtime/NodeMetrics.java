package io.synod.core.runtime;

import io.synod.core.api.MetricsListener;
import io.synod.core.api.MonotonicClock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and latency histograms of one node, recorded from any thread, forwarded to the host's
 * {@link MetricsListener}, and summarised for JMX over intervals (rolled at most once a second).
 */
final class NodeMetrics {
    private static final long MAX_TRACKED_MICROS = TimeUnit.HOURS.toMicros(1);

    final MetricsListener listener;
    final LongAdder submitted = new LongAdder();
    final LongAdder applied = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder leaderChanges = new LongAdder();
    final LongAdder bytesChosen = new LongAdder();
    final LongAdder messagesDropped = new LongAdder();
    private final Recorder commitMicros = new Recorder(MAX_TRACKED_MICROS, 3);
    private final Recorder applyMicros = new Recorder(MAX_TRACKED_MICROS, 3);
    private final Recorder syncMicros = new Recorder(MAX_TRACKED_MICROS, 3);
    private final MonotonicClock clock;

    private Interval last;

    /** Histograms and rates of one reporting interval. */
    record Interval(long endNanos, Histogram commit, Histogram apply, Histogram sync, long bytesChosenTotal,
                    double bytesChosenPerSecond) {
    }

    NodeMetrics(MetricsListener listener, MonotonicClock clock) {
        this.listener = listener;
        this.clock = clock;
        this.last = new Interval(clock.nanoTime(), new Histogram(3), new Histogram(3), new Histogram(3), 0, 0);
    }

    void proposalApplied(long groupId, int bytes, long commitNanos, long applyNanos) {
        applied.increment();
        commitMicros.recordValue(clamp(commitNanos));
        applyMicros.recordValue(clamp(applyNanos));
        listener.proposalApplied(groupId, bytes, commitNanos, applyNanos);
    }

    void proposalFailed(long groupId, Throwable error) {
        failed.increment();
        listener.proposalFailed(groupId, error.getClass().getSimpleName());
    }

    void journalSynced(long groupId, int records, long syncNanos) {
        syncMicros.recordValue(clamp(syncNanos));
        listener.journalSynced(groupId, records, syncNanos);
    }

    void bytesChosen(long groupId, long bytes) {
        bytesChosen.add(bytes);
        listener.bytesChosen(groupId, bytes);
    }

    void leaderChanged(long groupId, int leader) {
        leaderChanges.increment();
        listener.leaderChanged(groupId, leader);
    }

    void snapshotTaken(long groupId, long slot, long bytes, long writeNanos) {
        listener.snapshotTaken(groupId, slot, bytes, writeNanos);
    }

    void snapshotInstalled(long groupId, long slot, long bytes, long transferNanos) {
        listener.snapshotInstalled(groupId, slot, bytes, transferNanos);
    }

    void messageDropped(String reason) {
        messagesDropped.increment();
        listener.messageDropped(reason);
    }

    /** The latest interval, rolling a new one if the last is over a second old. */
    synchronized Interval interval() {
        long now = clock.nanoTime();
        if (now - last.endNanos() >= TimeUnit.SECONDS.toNanos(1)) {
            long total = bytesChosen.sum();
            double seconds = (now - last.endNanos()) / 1e9;
            last = new Interval(now, commitMicros.getIntervalHistogram(), applyMicros.getIntervalHistogram(),
                    syncMicros.getIntervalHistogram(), total, (total - last.bytesChosenTotal()) / seconds);
        }
        return last;
    }

    static double percentileMillis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    private static long clamp(long nanos) {
        return Math.min(MAX_TRACKED_MICROS, Math.max(0, nanos / 1000));
    }
}
