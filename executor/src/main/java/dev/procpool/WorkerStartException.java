package dev.procpool;

import java.util.List;

/**
 * Worker JVMs could not be started: a bad JVM option, a class path without procpool on it, a worker that
 * crashed before its handshake. After three such failures in a row the pool stops trying, fails every task
 * waiting for a worker with this exception, and rejects new tasks with it as the cause. The message includes
 * the worker's stderr, which usually names the problem.
 */
public final class WorkerStartException extends ProcessPoolException {
    private static final long serialVersionUID = 1L;

    /** The failed worker's last stderr lines, oldest first. */
    private final List<String> stderr;

    /**
     * Built by the pool.
     *
     * @param message what failed, and how often in a row
     * @param stderr  what the failed worker wrote to stderr (its last lines), oldest first
     * @param cause   the failure, or null when the worker's exit or silence is all there is
     */
    public WorkerStartException(String message, List<String> stderr, Throwable cause) {
        super(message, cause);
        this.stderr = List.copyOf(stderr);
    }

    /**
     * What the failed worker wrote to stderr (its last lines), oldest first.
     *
     * @return an immutable list, empty if the worker wrote nothing
     */
    public List<String> stderr() {
        return stderr;
    }
}
