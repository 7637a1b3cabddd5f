package dev.procpool;

import dev.procpool.internal.executor.TaskLimits;

import java.time.Duration;

/**
 * Settings for one task that override the pool's: its time limit and how often it is retried when its worker
 * dies; and whether what it prints is captured. Immutable; each method returns a new instance.
 *
 * <pre>{@code
 * pool.submit(task, TaskOptions.defaults().timeLimit(Duration.ofSeconds(5)).retries(2));
 * }</pre>
 */
public final class TaskOptions {
    private static final TaskOptions DEFAULTS = new TaskOptions(null, null, false);

    /** Null where the pool's setting applies. */
    private final Duration timeLimit;
    private final Integer retries;
    private final boolean captureOutput;

    private TaskOptions(Duration timeLimit, Integer retries, boolean captureOutput) {
        this.timeLimit = timeLimit;
        this.retries = retries;
        this.captureOutput = captureOutput;
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
        return new TaskOptions(Checks.positive(timeLimit, "timeLimit"), retries, captureOutput);
    }

    /**
     * How many times the task is run again when its worker dies while running it.
     *
     * @param retries the number of further runs; 0 fails the task at its first worker crash
     * @return new options with this retry count and this instance's other settings
     * @throws IllegalArgumentException if {@code retries} is negative
     */
    public TaskOptions retries(int retries) {
        return new TaskOptions(timeLimit, Checks.notNegative(retries, "retries"), captureOutput);
    }

    /**
     * Whether what the task prints to {@code System.out} and {@code System.err} in its worker while it runs is
     * captured and attached to its outcome as a {@link TaskOutput} (the first
     * {@link TaskOutput#MAX_BYTES_PER_STREAM} bytes of each stream). On success read it with
     * {@link ProcessPoolExecutor#outputOf(java.util.concurrent.Future)}; on failure it is also attached to the
     * task's exception as a suppressed {@link TaskOutputException}, so it shows in the stack trace. The output
     * still reaches the worker's own stream, as it does without capture. Off by default: it costs a copy of
     * everything the task prints.
     *
     * @param captureOutput true to capture the task's output
     * @return new options with this setting and this instance's other settings
     */
    public TaskOptions captureOutput(boolean captureOutput) {
        return new TaskOptions(timeLimit, retries, captureOutput);
    }

    /** These options applied over the pool's limits. */
    TaskLimits over(TaskLimits pool) {
        return new TaskLimits(timeLimit == null ? pool.timeLimitNs() : timeLimit.toNanos(),
                retries == null ? pool.retries() : retries, captureOutput);
    }

    @Override
    public String toString() {
        return "TaskOptions[timeLimit=" + timeLimit + ", retries=" + (retries == null ? "pool's" : retries)
                + ", captureOutput=" + captureOutput + "]";
    }
}
