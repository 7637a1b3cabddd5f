package dev.procpool.internal.executor;

import org.slf4j.MDC;

/**
 * Puts the worker id and the task id into the SLF4J {@link MDC} of a pool thread while it logs or calls the
 * listener about that worker or task, under the public keys {@value #WORKER_ID} and {@value #TASK_ID}; closing
 * the scope removes them. Set only around those calls, never on the scheduler's hot path. Any pool thread, and
 * the workers' output pumps ({@link OutputSinks}).
 */
public final class PoolMdc implements AutoCloseable {
    /** The MDC key of the worker's id, as in {@code dev.procpool.worker.<id>}. */
    public static final String WORKER_ID = "procpool.workerId";
    /** The MDC key of the task's id, as in the task's {@code toString()}. */
    public static final String TASK_ID = "procpool.taskId";
    /** Neither id known. */
    static final int NONE = -1;

    private final boolean worker;
    private final boolean task;

    private PoolMdc(int workerId, long taskId) {
        worker = workerId >= 0;
        task = taskId > 0;
        if (worker) {
            MDC.put(WORKER_ID, Integer.toString(workerId));
        }
        if (task) {
            MDC.put(TASK_ID, Long.toString(taskId));
        }
    }

    /** The worker's id, and the task's when it is above 0, until {@link #close()}. */
    static PoolMdc of(int workerId, long taskId) {
        return new PoolMdc(workerId, taskId);
    }

    static PoolMdc worker(int workerId) {
        return new PoolMdc(workerId, 0);
    }

    static PoolMdc task(long taskId) {
        return new PoolMdc(NONE, taskId);
    }

    /** The task's id, for code outside this package that logs about a task. */
    public static PoolMdc of(TaskFuture<?> task) {
        return new PoolMdc(NONE, task.id());
    }

    /** Removes the ids this scope put. */
    @Override
    public void close() {
        if (worker) {
            MDC.remove(WORKER_ID);
        }
        if (task) {
            MDC.remove(TASK_ID);
        }
    }
}
