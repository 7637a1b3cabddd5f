package dev.procpool;

/**
 * The figures of {@link PoolStats} over JMX. Each open pool registers one on the platform MBean server as
 * {@code dev.procpool:type=ProcessPool,name=<pool name>} (see {@link ProcessPoolBuilder#name}), from the moment
 * all of its workers are first up (not in {@code build()}: a JVM's first platform MBean server costs some hundred
 * milliseconds of CPU, which would slow the workers' start) until the pool terminates. A pool whose workers never
 * start is never registered. Read-only.
 */
public interface ProcessPoolMXBean {
    /**
     * The pool's name.
     *
     * @return the pool's name
     */
    String getName();

    /**
     * The pool's size.
     *
     * @return the pool's size; see {@link PoolStats#workers()}
     */
    int getWorkers();

    /**
     * Workers launched and not ready yet.
     *
     * @return see {@link PoolStats#startingWorkers()}
     */
    int getStartingWorkers();

    /**
     * Ready workers with no task.
     *
     * @return see {@link PoolStats#idleWorkers()}
     */
    int getIdleWorkers();

    /**
     * Ready workers with a task.
     *
     * @return see {@link PoolStats#busyWorkers()}
     */
    int getBusyWorkers();

    /**
     * Tasks waiting for a worker.
     *
     * @return see {@link PoolStats#queuedTasks()}
     */
    long getQueuedTasks();

    /**
     * Tasks handed to a worker and not yet answered.
     *
     * @return see {@link PoolStats#runningTasks()}
     */
    long getRunningTasks();

    /**
     * Tasks that returned a result.
     *
     * @return see {@link PoolStats#completedTasks()}
     */
    long getCompletedTasks();

    /**
     * Tasks whose future failed.
     *
     * @return see {@link PoolStats#failedTasks()}
     */
    long getFailedTasks();

    /**
     * Tasks cancelled before they ended.
     *
     * @return see {@link PoolStats#cancelledTasks()}
     */
    long getCancelledTasks();

    /**
     * Workers that died unasked while serving.
     *
     * @return see {@link PoolStats#crashes()}
     */
    long getCrashes();

    /**
     * Workers started to replace one that exited.
     *
     * @return see {@link PoolStats#restarts()}
     */
    long getRestarts();

    /**
     * Time since the pool was built.
     *
     * @return the pool's uptime in milliseconds
     */
    long getUptimeMillis();
}
