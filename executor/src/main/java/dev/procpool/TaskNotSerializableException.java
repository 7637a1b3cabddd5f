package dev.procpool;

import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown by {@code submit}, {@code execute}, {@code invokeAll} and {@code invokeAny} when a task cannot be
 * serialized, so it cannot be shipped to a worker. The pool is unaffected. The message says which class was in
 * the way and how to make the task shippable (a {@link SerializableCallable} or {@link SerializableRunnable}
 * lambda, and serializable captured values).
 */
public final class TaskNotSerializableException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;

    /**
     * Built by the pool.
     *
     * @param message which class could not be serialized, and how to make the task serializable
     * @param cause   the serialization failure
     */
    public TaskNotSerializableException(String message, Throwable cause) {
        super(message, cause);
    }
}
