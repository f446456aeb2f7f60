package io.fulcrum.gslb.check;

/**
 * The state of one remote VIP as this site sees it: up or down with fall/rise thresholds,
 * and its time-weighted average response time. Starts up (nothing known means usable).
 * Thread-safe.
 */
public final class VipHealth {

    private final String site;
    private final String vip;
    private final int fall;
    private final int rise;
    private final TimeWeightedAverage average;
    private boolean up = true;
    private int streak;
    private String lastDetail = "";

    public VipHealth(String site, String vip, int fall, int rise, long halfLifeNanos) {
        this.site = site;
        this.vip = vip;
        this.fall = fall;
        this.rise = rise;
        this.average = new TimeWeightedAverage(halfLifeNanos);
    }

    /** Records one check; returns true when the up/down state changed. */
    public synchronized boolean record(ProbeResult r, long nowNanos) {
        lastDetail = r.detail();
        if (r.ok()) {
            average.add(r.millis(), nowNanos);
        }
        if (r.ok() == up) {
            streak = 0;
            return false;
        }
        streak++;
        if (streak >= (up ? fall : rise)) {
            up = !up;
            streak = 0;
            return true;
        }
        return false;
    }

    public String site() {
        return site;
    }

    public String vip() {
        return vip;
    }

    public synchronized boolean up() {
        return up;
    }

    /** The time-weighted average response time in ms, NaN before the first success. */
    public double averageMillis() {
        return average.value();
    }

    public synchronized String lastDetail() {
        return lastDetail;
    }
}
