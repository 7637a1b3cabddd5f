package dev.procpool.internal.ipc;

/**
 * Lines a worker writes to its stderr for the parent to find there after the worker is gone, when no message
 * can travel any more: the worker prints them, the parent's crash report looks for them. Constants only.
 */
public final class WorkerStderr {
    /**
     * Starts the line a worker prints from its shutdown hook when a task calls {@code System.exit}; the line
     * goes on with {@code " while running task <id>"} and, where known, {@code " at <frame> < <frame>"}.
     */
    public static final String SYSTEM_EXIT_MARKER = "procpool: the task called System.exit";

    /**
     * Starts the line a worker prints when it cannot read its tasks queue (a corrupted frame, a file truncated
     * under it) before it exits with {@link #QUEUE_UNREADABLE_EXIT_CODE}; the line goes on with the reason.
     */
    public static final String QUEUE_UNREADABLE_MARKER = "procpool: the worker cannot read its tasks queue";

    /** The exit code of a worker that cannot read its tasks queue; see {@link #QUEUE_UNREADABLE_MARKER}. */
    public static final int QUEUE_UNREADABLE_EXIT_CODE = 86;

    private WorkerStderr() {
    }
}
