package dev.procpool.internal.executor;

/**
 * One task's limits, resolved when it is created: its soft time limit in nanoseconds (0 for none) and how many
 * times it runs again after a worker crash. Immutable.
 */
public record TaskLimits(long timeLimitNs, int retries) {
    public TaskLimits {
        if (timeLimitNs < 0) {
            throw new IllegalArgumentException("timeLimitNs must be >= 0, was " + timeLimitNs);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        }
    }
}
