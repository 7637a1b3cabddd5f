package dev.procpool.internal.executor;

/**
 * One task's limits and settings, resolved when it is created: its soft time limit in nanoseconds (0 for none), how
 * many times it runs again after a worker crash, and whether the worker captures what it prints. Immutable.
 */
public record TaskLimits(long timeLimitNs, int retries, boolean captureOutput) {
    /** Limits for a task whose output is not captured. */
    public TaskLimits(long timeLimitNs, int retries) {
        this(timeLimitNs, retries, false);
    }


    public TaskLimits {
        if (timeLimitNs < 0) {
            throw new IllegalArgumentException("timeLimitNs must be >= 0, was " + timeLimitNs);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        }
    }
}
