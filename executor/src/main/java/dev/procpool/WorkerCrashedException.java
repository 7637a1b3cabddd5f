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

    private final int workerId;
    private final long pid;
    private final int exitCode;
    private final String signal;
    private final List<String> lastStderrLines;

    /** Built by the pool; public for tests and tools that reconstruct crash reports. */
    public WorkerCrashedException(String message, int workerId, long pid, int exitCode, String signal,
                                  List<String> lastStderrLines) {
        super(message);
        this.workerId = workerId;
        this.pid = pid;
        this.exitCode = exitCode;
        this.signal = signal;
        this.lastStderrLines = List.copyOf(lastStderrLines);
    }

    /** The pool's number for the worker, as shown in its output prefix. */
    public int workerId() {
        return workerId;
    }

    /** The worker's operating-system process id. */
    public long pid() {
        return pid;
    }

    /** The exit code; on Unix, 128 + N means death by signal N. */
    public int exitCode() {
        return exitCode;
    }

    /** The signal or Windows status the exit code stands for, such as {@code SIGKILL}, when it stands for one. */
    public Optional<String> signal() {
        return Optional.ofNullable(signal);
    }

    /** The last lines the worker wrote to stderr, oldest first. */
    public List<String> lastStderrLines() {
        return lastStderrLines;
    }
}
