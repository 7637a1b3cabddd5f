package dev.procpool;

/**
 * A task ran, but what it produced could not be sent back to the parent: its result, or the exception it
 * threw, is not serializable (or could not be read in the parent). The message names the class; when the task
 * threw, this exception carries the original exception's stack frames from the worker. The worker stays alive.
 */
public final class TaskSerializationException extends ProcessPoolException {
    private static final long serialVersionUID = 1L;

    /**
     * Built by the pool.
     *
     * @param message which class could not be sent back, and why
     * @param cause   the failure to write or read, or null when the worker reported it (the stack frames are then
     *                the worker's)
     */
    public TaskSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
