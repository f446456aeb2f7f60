package io.fulcrum.health.check;

/**
 * The rise/fall verdict of one check on one backend: an up backend goes down after
 * {@code fall} failures in a row, a down one comes up after {@code rise} passes in a
 * row. Starts up (a new backend takes traffic until its checks say otherwise).
 * Thread-safe.
 */
public final class RiseFall {

    /** What one result did to the verdict. */
    public enum Change { NONE, WENT_DOWN, CAME_UP }

    private int rise;
    private int fall;
    private boolean up = true;
    private int passes;
    private int failures;

    public RiseFall(int rise, int fall) {
        this.rise = rise;
        this.fall = fall;
    }

    /** Takes new thresholds (a reload) without forgetting the current verdict. */
    public synchronized void configure(int rise, int fall) {
        this.rise = rise;
        this.fall = fall;
    }

    public synchronized Change record(boolean ok) {
        if (ok) {
            passes++;
            failures = 0;
            if (!up && passes >= rise) {
                up = true;
                return Change.CAME_UP;
            }
        } else {
            failures++;
            passes = 0;
            if (up && failures >= fall) {
                up = false;
                return Change.WENT_DOWN;
            }
        }
        return Change.NONE;
    }

    public synchronized boolean up() {
        return up;
    }

    /** Passes in a row when the last result passed, else failures in a row. */
    public synchronized int streak() {
        return passes > 0 ? passes : failures;
    }
}
