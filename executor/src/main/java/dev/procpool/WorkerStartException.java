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

    private final List<String> stderr;

    /** Built by the pool. */
    public WorkerStartException(String message, List<String> stderr, Throwable cause) {
        super(message, cause);
        this.stderr = List.copyOf(stderr);
    }

    /** What the failed worker wrote to stderr (its last lines), oldest first. */
    public List<String> stderr() {
        return stderr;
    }
}
