package dev.procpool;

import java.time.Duration;
import java.util.Optional;

/**
 * Told what happens inside a pool: workers starting, becoming ready and exiting, tasks submitted, handed to a
 * worker, completed, failed and retried. Register one with {@link ProcessPoolBuilder#listener}. Every method
 * has an empty default, so implement only what you need.
 *
 * <p>The methods are called one at a time, in the order the events happened, on one thread of the pool's own
 * ({@code procpool-events}), never on the pool's scheduler thread and never on the submitting thread: a slow
 * listener delays only later events, never a task. If a listener falls more than 10,000 events behind, further
 * events are dropped (and counted) until it catches up, and the pool logs that once. An exception a method
 * throws is logged (logger {@code dev.procpool.pool}, WARN, once per method) and the pool carries on.
 *
 * <p>This is how to observe a process pool: wrapping it in a decorator that wraps each task (Micrometer's
 * {@code ExecutorServiceMetrics}, Spring's {@code TaskDecorator}) cannot work, because the wrapper would have
 * to be serialized to the worker. {@link ProcessPoolExecutor#stats()} gives the same figures as a snapshot.
 */
public interface PoolListener {

    /**
     * A worker's JVM has been launched (it is not serving yet).
     *
     * @param worker the worker
     */
    default void workerStarted(Worker worker) {
    }

    /**
     * A worker has completed its handshake (and its initializer, if any) and takes tasks.
     *
     * @param worker    the worker
     * @param startTime from the decision to start it to ready
     */
    default void workerReady(Worker worker, Duration startTime) {
    }

    /**
     * A worker's process has exited.
     *
     * @param worker the worker
     * @param exit   how and why
     */
    default void workerExited(Worker worker, WorkerExit exit) {
    }

    /**
     * A task was accepted by the pool.
     *
     * @param task the task
     */
    default void taskSubmitted(Task task) {
    }

    /**
     * A task was handed to a worker; it runs as soon as the worker is free (it may have tasks sent ahead).
     * Called again for each retry.
     *
     * @param task   the task
     * @param worker the worker it was handed to
     */
    default void taskStarted(Task task, Worker worker) {
    }

    /**
     * A task returned a result, which its future now holds.
     *
     * @param task the task
     */
    default void taskCompleted(Task task) {
    }

    /**
     * A task's future failed: with the task's own exception, {@link WorkerCrashedException},
     * {@link TaskTimeoutException}, {@link TaskSerializationException} or {@link WorkerStartException}. Not
     * called for a cancelled task.
     *
     * @param task    the task
     * @param failure what its future failed with
     */
    default void taskFailed(Task task, Throwable failure) {
    }

    /**
     * A task's worker crashed while running it, and the task runs again (it had retries left).
     *
     * @param task  the task
     * @param crash the crash of this attempt
     */
    default void taskRetried(Task task, WorkerCrashedException crash) {
    }

    /**
     * One worker JVM.
     *
     * @param id  the pool's number for it: 1, 2, ... in start order
     * @param pid its process id
     */
    record Worker(int id, long pid) {
    }

    /**
     * One task.
     *
     * @param id          the pool's number for it: 1, 2, ... in submission order
     * @param description how messages name it: its class, or for a lambda the method it compiles to
     */
    record Task(long id, String description) {
    }

    /**
     * How a worker's process ended.
     *
     * @param kind     the kind of ending
     * @param exitCode the process's exit code
     * @param reason   why, in words (the pool's reason for retiring or killing it, or the crash message)
     * @param crash    for {@link Kind#CRASHED}, the same facts a {@link WorkerCrashedException} carries
     */
    record WorkerExit(Kind kind, int exitCode, String reason, Optional<WorkerCrashedException> crash) {
        /** The kinds of ending. */
        public enum Kind {
            /** It exited cleanly after the pool asked it to or after saying goodbye (recycling, idle, shutdown). */
            RETIRED,
            /** The pool killed it: a task did not stop after its time limit or a cancel, or it missed a deadline. */
            KILLED,
            /** It died unasked while serving: a crash, {@code System.exit}, a kill from outside. */
            CRASHED,
            /** It ended before it became ready. */
            START_FAILED
        }
    }
}
