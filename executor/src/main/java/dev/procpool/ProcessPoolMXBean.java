package dev.procpool;

/**
 * The figures of {@link PoolStats} over JMX. Each open pool registers one on the platform MBean server as
 * {@code dev.procpool:type=ProcessPool,name=<pool name>} (see {@link ProcessPoolBuilder#name}); it is
 * unregistered when the pool terminates. Read-only.
 */
public interface ProcessPoolMXBean {
    /** @return the pool's name */
    String getName();

    /** @return the pool's size; see {@link PoolStats#workers()} */
    int getWorkers();

    /** @return see {@link PoolStats#startingWorkers()} */
    int getStartingWorkers();

    /** @return see {@link PoolStats#idleWorkers()} */
    int getIdleWorkers();

    /** @return see {@link PoolStats#busyWorkers()} */
    int getBusyWorkers();

    /** @return see {@link PoolStats#queuedTasks()} */
    long getQueuedTasks();

    /** @return see {@link PoolStats#runningTasks()} */
    long getRunningTasks();

    /** @return see {@link PoolStats#completedTasks()} */
    long getCompletedTasks();

    /** @return see {@link PoolStats#failedTasks()} */
    long getFailedTasks();

    /** @return see {@link PoolStats#cancelledTasks()} */
    long getCancelledTasks();

    /** @return see {@link PoolStats#crashes()} */
    long getCrashes();

    /** @return see {@link PoolStats#restarts()} */
    long getRestarts();

    /** @return the pool's uptime in milliseconds */
    long getUptimeMillis();
}
