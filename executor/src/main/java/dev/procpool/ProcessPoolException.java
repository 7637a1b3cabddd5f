package dev.procpool;

/**
 * The base of the exceptions with which procpool's own machinery reports a failure, as opposed to an exception a
 * task threw, which reaches the caller with its own type. Appears as the cause of an
 * {@link java.util.concurrent.ExecutionException}.
 */
public abstract class ProcessPoolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProcessPoolException(String message) {
        super(message);
    }

    ProcessPoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
