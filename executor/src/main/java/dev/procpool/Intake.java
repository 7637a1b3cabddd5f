package dev.procpool;

import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.PoolLog;
import dev.procpool.internal.executor.PoolMdc;
import dev.procpool.internal.executor.TaskFuture;
import dev.procpool.internal.executor.Tasks;
import org.slf4j.Logger;

import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * {@link ProcessPoolExecutor#execute}: a future the pool made, a future wrapped by
 * {@link java.util.concurrent.ExecutorCompletionService}, or a plain {@code Runnable} whose failure nobody waits
 * for and is therefore logged. Called on the submitting threads; thread-safe.
 */
final class Intake {
    private static final Logger LOG = PoolLog.LOG;

    private final Tasks tasks;
    private final PoolLoop loop;
    /** The future newTaskFor made last on each thread, until the next execute on that thread. */
    private final ThreadLocal<TaskFuture<?>> madeOnThisThread = new ThreadLocal<>();

    Intake(Tasks tasks, PoolLoop loop) {
        this.tasks = tasks;
        this.loop = loop;
    }

    /** Remembered until the next {@link #execute} on this thread, which may get it wrapped. */
    <T> TaskFuture<T> made(TaskFuture<T> future) {
        madeOnThisThread.set(future);
        return future;
    }

    void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        TaskFuture<?> justMade = madeOnThisThread.get();
        madeOnThisThread.remove();
        if (command instanceof TaskFuture<?> future && tasks.owns(future)) {
            loop.submit(future);
            return;
        }
        if (justMade != null && command instanceof Future<?> && !(command instanceof Serializable)) {
            // ExecutorCompletionService wraps the future newTaskFor just made in a QueueingFuture, whose run() runs
            // that future and then queues it: run the future in a worker, and the wrapper when it has ended
            justMade.whenDone(done -> CallbackThreads.EXECUTOR.execute(command));
            loop.submit(justMade);
            return;
        }
        TaskFuture<Object> future = tasks.create(command, null, true, null);
        future.whenDone(f -> {
            try {
                f.get();
            } catch (ExecutionException e) {
                try (PoolMdc ids = PoolMdc.of(f)) {
                    LOG.warn("procpool: {} submitted with execute() failed", f, e.getCause());
                }
            } catch (CancellationException | InterruptedException ignored) {
                // cancelled by shutdownNow: nothing to report
            }
        });
        loop.submit(future);
    }
}
