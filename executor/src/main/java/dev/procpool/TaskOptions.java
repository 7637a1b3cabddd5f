package dev.procpool;

import dev.procpool.internal.executor.TaskLimits;

import java.time.Duration;

/**
 * Settings for one task that override the pool's: its time limit and how often it is retried when its worker
 * dies. Immutable; each method returns a new instance.
 *
 * <pre>{@code
 * pool.submit(task, TaskOptions.defaults().timeLimit(Duration.ofSeconds(5)).retries(2));
 * }</pre>
 */
public final class TaskOptions {
    private static final TaskOptions DEFAULTS = new TaskOptions(null, null);

    /** Null where the pool's setting applies. */
    private final Duration timeLimit;
    private final Integer retries;

    private TaskOptions(Duration timeLimit, Integer retries) {
        this.timeLimit = timeLimit;
        this.retries = retries;
    }

    /**
     * The pool's settings, unchanged.
     *
     * @return options that override nothing
     */
    public static TaskOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The task's soft time limit: when it has run this long its thread is interrupted and its future fails with
     * {@link TaskTimeoutException}; if it is still running after the pool's
     * {@link ProcessPoolBuilder#interruptGrace interrupt grace}, its worker is killed and replaced.
     *
     * @param timeLimit how long the task may run, counted from its start on a worker
     * @return new options with this time limit and this instance's other settings
     * @throws NullPointerException     if {@code timeLimit} is null
     * @throws IllegalArgumentException if {@code timeLimit} is zero or negative
     */
    public TaskOptions timeLimit(Duration timeLimit) {
        return new TaskOptions(Checks.positive(timeLimit, "timeLimit"), retries);
    }

    /**
     * How many times the task is run again when its worker dies while running it.
     *
     * @param retries the number of further runs; 0 fails the task at its first worker crash
     * @return new options with this retry count and this instance's other settings
     * @throws IllegalArgumentException if {@code retries} is negative
     */
    public TaskOptions retries(int retries) {
        return new TaskOptions(timeLimit, Checks.notNegative(retries, "retries"));
    }

    /** These options applied over the pool's limits. */
    TaskLimits over(TaskLimits pool) {
        return new TaskLimits(timeLimit == null ? pool.timeLimitNs() : timeLimit.toNanos(),
                retries == null ? pool.retries() : retries);
    }

    @Override
    public String toString() {
        return "TaskOptions[timeLimit=" + timeLimit + ", retries=" + (retries == null ? "pool's" : retries) + "]";
    }
}
