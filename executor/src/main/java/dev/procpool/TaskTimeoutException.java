package dev.procpool;

/**
 * A task ran past its time limit. Its thread in the worker was interrupted; if it did not stop within the
 * pool's interrupt grace, its worker was killed and replaced. Only this task fails.
 */
public final class TaskTimeoutException extends ProcessPoolException {
    private static final long serialVersionUID = 1L;

    /**
     * Built by the pool.
     *
     * @param message which task ran past which limit, and whether its worker had to be killed
     */
    public TaskTimeoutException(String message) {
        super(message);
    }
}
