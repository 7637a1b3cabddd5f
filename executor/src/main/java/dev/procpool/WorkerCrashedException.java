package dev.procpool;

import java.util.List;
import java.util.Optional;

/**
 * The worker JVM running a task died before the task ended: killed from outside, {@code System.exit} or
 * {@code Runtime.halt} inside the task, an {@link OutOfMemoryError} (workers exit on one), or a crash in native
 * code. Only the task that was running fails; tasks queued behind it are run on other workers, and a
 * replacement worker is started. The message says what is known: worker, pid, exit code and signal, the likely
 * cause, and the worker's last stderr lines.
 */
public final class WorkerCrashedException extends ProcessPoolException {
    private static final long serialVersionUID = 1L;

    /** The pool's number for the worker. */
    private final int workerId;
    /** The worker's process id. */
    private final long pid;
    /** The worker's exit code. */
    private final int exitCode;
    /** The signal or Windows status the exit code stands for, or null. */
    private final String signal;
    /** The worker's last stderr lines, oldest first. */
    private final List<String> lastStderrLines;

    /**
     * Built by the pool; public for tests and tools that reconstruct crash reports.
     *
     * @param message         what happened, the likely cause, and the worker's last stderr lines
     * @param workerId        the pool's number for the worker
     * @param pid             the worker's operating-system process id
     * @param exitCode        the worker's exit code
     * @param signal          the signal or Windows status the exit code stands for, such as {@code SIGKILL}, or
     *                        null when it stands for none
     * @param lastStderrLines the last lines the worker wrote to stderr, oldest first
     */
    public WorkerCrashedException(String message, int workerId, long pid, int exitCode, String signal,
                                  List<String> lastStderrLines) {
        super(message);
        this.workerId = workerId;
        this.pid = pid;
        this.exitCode = exitCode;
        this.signal = signal;
        this.lastStderrLines = List.copyOf(lastStderrLines);
    }

    /**
     * The pool's number for the worker, as shown in its output prefix.
     *
     * @return the worker's number in its pool
     */
    public int workerId() {
        return workerId;
    }

    /**
     * The worker's operating-system process id.
     *
     * @return the worker's pid
     */
    public long pid() {
        return pid;
    }

    /**
     * The exit code; on Unix, 128 + N means death by signal N.
     *
     * @return the worker's exit code
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * The signal or Windows status the exit code stands for, such as {@code SIGKILL}, when it stands for one.
     *
     * @return the signal's or status's name, or empty
     */
    public Optional<String> signal() {
        return Optional.ofNullable(signal);
    }

    /**
     * The last lines the worker wrote to stderr, oldest first.
     *
     * @return an immutable list, empty if the worker wrote nothing
     */
    public List<String> lastStderrLines() {
        return lastStderrLines;
    }
}
