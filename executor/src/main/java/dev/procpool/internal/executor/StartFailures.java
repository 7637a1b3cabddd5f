package dev.procpool.internal.executor;

import java.util.concurrent.TimeUnit;

/**
 * Counts consecutive failed worker starts and spaces the next attempts: the second start after a failure waits
 * 250 ms, the third 1 s, and after {@link #MAX_CONSECUTIVE} failures in a row the pool gives up (a configuration
 * that failed three times in a row will not start the fourth time). A start ended by a signal from outside (the
 * OOM killer on a loaded host, a kill by hand) is not the configuration's fault: it never counts toward giving
 * up, but the next start waits too, longer each time in a row, at most 5 s. A worker that becomes ready resets
 * both counts. Scheduler thread.
 */
final class StartFailures {
    static final int MAX_CONSECUTIVE = 3;
    private static final long[] BACKOFF_NS = {0, TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.SECONDS.toNanos(1)};
    private static final long[] OUTSIDE_KILL_BACKOFF_NS = {0, TimeUnit.MILLISECONDS.toNanos(250),
            TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(5)};

    private int consecutive;
    private int outsideKills;
    private long nextStartNs;

    StartFailures(long nowNs) {
        this.nextStartNs = nowNs;
    }

    /** Counts a failure at {@code nowNs}; true when the pool should stop trying. */
    boolean failed(long nowNs) {
        consecutive++;
        if (consecutive >= MAX_CONSECUTIVE) {
            return true;
        }
        nextStartNs = nowNs + BACKOFF_NS[Math.min(consecutive, BACKOFF_NS.length - 1)];
        return false;
    }

    /** Counts a start ended by a signal from outside; returns how long the next start waits, in ns. */
    long killedFromOutside(long nowNs) {
        long waitNs = OUTSIDE_KILL_BACKOFF_NS[Math.min(outsideKills, OUTSIDE_KILL_BACKOFF_NS.length - 1)];
        outsideKills++;
        nextStartNs = Math.max(nextStartNs, nowNs + waitNs);
        return waitNs;
    }

    void succeeded() {
        consecutive = 0;
        outsideKills = 0;
    }

    boolean mayStart(long nowNs) {
        return nowNs - nextStartNs >= 0;
    }

    /** When the next start may happen (in the past when it may happen now). */
    long nextStartNs() {
        return nextStartNs;
    }
}
