package dev.procpool;

import java.time.Duration;

/**
 * A snapshot of a pool's state and counters, from {@link ProcessPoolExecutor#stats()}. The worker and task
 * figures are each consistent as of one pass of the pool's scheduler; counters only grow.
 *
 * @param workers           the pool's size (the number of workers it keeps, not counting spares)
 * @param startingWorkers   workers launched that are not ready yet
 * @param idleWorkers       ready workers with no task
 * @param busyWorkers       ready workers with at least one task sent to them
 * @param spareWorkers      spares (kept ready for a lost worker's place)
 * @param leavingWorkers    workers retiring, stopping or being killed, whose process has not exited yet
 * @param queuedTasks       tasks accepted and not yet handed to a worker
 * @param runningTasks      tasks handed to a worker and not yet answered (running, or sent ahead)
 * @param completedTasks    tasks that returned a result
 * @param failedTasks       tasks whose future failed (their own exception, a crash, a time limit, ...)
 * @param cancelledTasks    tasks cancelled before they ended
 * @param crashes           workers that died unasked while serving
 * @param workersStarted    worker JVMs launched, including replacements and spares
 * @param restarts          of those, the ones launched after the pool's first worker exit, to replace a worker
 *                          (a crash, a kill over a task, recycling, an idle timeout)
 * @param droppedEvents     listener events dropped because the listener fell too far behind
 * @param uptime            time since the pool was built
 */
public record PoolStats(int workers, int startingWorkers, int idleWorkers, int busyWorkers, int spareWorkers,
                        int leavingWorkers, long queuedTasks, long runningTasks, long completedTasks,
                        long failedTasks, long cancelledTasks, long crashes, long workersStarted, long restarts,
                        long droppedEvents, Duration uptime) {
}
