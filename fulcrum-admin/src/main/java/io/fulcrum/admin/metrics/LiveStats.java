package io.fulcrum.admin.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests per second and latency percentiles of one backend (or route) over the last
 * few seconds, and a short history for the dashboard's charts.
 *
 * <p>The event loops only {@link #record}: a wait-free HdrHistogram recorder. The
 * sampler thread calls {@link #sample} once per {@link #SAMPLE_MILLIS}, which swaps
 * the recorder's interval histogram and folds it into a sliding window.
 */
public final class LiveStats {

    /** How often {@link #sample} runs. */
    public static final long SAMPLE_MILLIS = 1000;
    /** Samples in the window percentiles are computed over. */
    static final int WINDOW = 10;
    /** Samples kept for charts (5 minutes). */
    static final int HISTORY = 300;

    /** Latencies in microseconds, up to one hour, 2 significant digits (a few KB). */
    private final Recorder recorder = new Recorder(3_600_000_000L, 2);
    private final ArrayDeque<Histogram> window = new ArrayDeque<>();
    private final ArrayDeque<Point> history = new ArrayDeque<>();
    private Histogram spare;
    private volatile Snapshot current = Snapshot.EMPTY;

    /**
     * One point of history.
     *
     * @param epochMillis      when it was taken
     * @param requestsPerSecond requests finished per second over the last sample
     * @param p50Millis        median latency over the window
     * @param p99Millis        99th percentile over the window
     * @param active           requests in flight at that moment
     */
    public record Point(long epochMillis, double requestsPerSecond, double p50Millis, double p99Millis, int active) {
    }

    /**
     * The numbers now.
     *
     * @param requestsPerSecond requests finished per second over the last sample
     * @param p50Millis         latency percentiles over the last {@value #WINDOW} samples, in ms
     * @param p90Millis         ditto
     * @param p99Millis         ditto
     * @param maxMillis         ditto
     * @param samples           requests in the window
     */
    public record Snapshot(double requestsPerSecond, double p50Millis, double p90Millis, double p99Millis,
                           double maxMillis, long samples) {
        static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, 0);
    }

    /** Records one request's latency. Called on event loops; wait-free. */
    public void record(long micros) {
        recorder.recordValue(Math.max(0, Math.min(micros, 3_600_000_000L)));
    }

    /** Takes one sample (sampler thread only). */
    synchronized void sample(long epochMillis, long elapsedMillis, int active) {
        Histogram interval = recorder.getIntervalHistogram(spare);
        long count = interval.getTotalCount();
        window.addLast(interval);
        spare = window.size() > WINDOW ? window.removeFirst() : null;
        Histogram all = new Histogram(3_600_000_000L, 2);
        for (Histogram h : window) {
            all.add(h);
        }
        double rps = elapsedMillis <= 0 ? 0 : count * 1000.0 / elapsedMillis;
        long n = all.getTotalCount();
        Snapshot s = n == 0 ? new Snapshot(rps, 0, 0, 0, 0, 0) : new Snapshot(rps,
                all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(90) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0, all.getMaxValue() / 1000.0, n);
        current = s;
        history.addLast(new Point(epochMillis, round(rps), round(s.p50Millis()), round(s.p99Millis()), active));
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
    }

    /** The latest numbers. */
    public Snapshot snapshot() {
        return current;
    }

    /** The last {@code limit} points, oldest first. */
    public synchronized List<Point> history(int limit) {
        List<Point> all = new ArrayList<>(history);
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
