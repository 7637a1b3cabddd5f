package dev.procpool;

import java.util.Objects;

/**
 * Carries a failed task's captured {@link TaskOutput}: attached to the task's exception as a suppressed exception
 * ({@link Throwable#getSuppressed()}), so that what the task printed shows in the exception's stack trace. Never
 * thrown by the pool. It has no stack frames of its own.
 */
public final class TaskOutputException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The output, also in the message. */
    private final TaskOutput output;

    /**
     * An exception whose message is the task's output.
     *
     * @param task   the task, as its future describes it
     * @param output what the task printed
     * @throws NullPointerException if {@code output} is null
     */
    public TaskOutputException(String task, TaskOutput output) {
        super(task + " printed:\n" + Objects.requireNonNull(output, "output"), null, true, false);
        this.output = output;
    }

    /**
     * What the task printed.
     *
     * @return the captured output
     */
    public TaskOutput output() {
        return output;
    }
}
