package dev.procpool;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings for one task that override the pool's: its time limit and how often it is retried when its worker
 * dies. Immutable; each method returns a new instance.
 *
 * <pre>{@code
 * pool.submit(task, TaskOptions.defaults().timeLimit(Duration.ofSeconds(5)).retries(2));
 * }</pre>
 */
public final class TaskOptions {
    private static final TaskOptions DEFAULTS = new TaskOptions(null, -1);

    private final Duration timeLimit;
    private final int retries;

    private TaskOptions(Duration timeLimit, int retries) {
        this.timeLimit = timeLimit;
        this.retries = retries;
    }

    /** The pool's settings, unchanged. */
    public static TaskOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The task's soft time limit: when it has run this long its thread is interrupted and its future fails with
     * {@link TaskTimeoutException}; if it is still running after the pool's
     * {@link ProcessPoolExecutor.Builder#interruptGrace interrupt grace}, its worker is killed and replaced.
     */
    public TaskOptions timeLimit(Duration timeLimit) {
        Objects.requireNonNull(timeLimit, "timeLimit");
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("timeLimit must be > 0, was " + timeLimit);
        }
        return new TaskOptions(timeLimit, retries);
    }

    /** How many times the task is run again when its worker dies while running it. */
    public TaskOptions retries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        }
        return new TaskOptions(timeLimit, retries);
    }

    Duration timeLimitOrNull() {
        return timeLimit;
    }

    /** -1 when the pool's setting applies. */
    int retriesOrDefault() {
        return retries;
    }

    @Override
    public String toString() {
        return "TaskOptions[timeLimit=" + timeLimit + ", retries=" + (retries < 0 ? "pool's" : retries) + "]";
    }
}
