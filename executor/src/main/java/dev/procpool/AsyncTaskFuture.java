package dev.procpool;

import dev.procpool.internal.executor.TaskFuture;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@link ProcessPoolExecutor#submitAsync}: a {@link CompletableFuture} that follows a task's future. It is completed
 * on a {@link CallbackThreads} thread, so dependent stages never run on the pool's scheduler thread; cancelling it
 * cancels the task. Thread-safe, as {@code CompletableFuture} is.
 */
final class AsyncTaskFuture<T> extends CompletableFuture<T> {
    private final TaskFuture<T> task;

    private AsyncTaskFuture(TaskFuture<T> task) {
        this.task = task;
    }

    /** A future completed when {@code task} ends, with its result, its exception, or a cancellation. */
    static <T> AsyncTaskFuture<T> following(TaskFuture<T> task) {
        AsyncTaskFuture<T> async = new AsyncTaskFuture<>(task);
        task.whenDone(done -> CallbackThreads.EXECUTOR.execute(async::copyOutcome));
        return async;
    }

    /** The task this future follows. */
    TaskFuture<T> task() {
        return task;
    }

    private void copyOutcome() {
        try {
            complete(task.get());
        } catch (ExecutionException e) {
            completeExceptionally(e.getCause());
        } catch (CancellationException e) {
            super.cancel(false);
        } catch (InterruptedException cannotHappen) { // the task is done: get() does not wait
            Thread.currentThread().interrupt();
            completeExceptionally(cannotHappen);
        }
    }

    /** Cancels this future and the task, interrupting it in its worker if it runs (whatever the argument). */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            task.cancel(true);
        }
        return cancelled;
    }

    @Override
    public String toString() {
        return task + " " + super.toString();
    }
}
