package dev.procpool;

import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.TaskFuture;
import dev.procpool.internal.executor.Tasks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ProcessPoolExecutor#invokeAny}: the first task to succeed wins; the others are cancelled with
 * interruption. Called on the caller's thread.
 */
final class InvokeAny {
    private InvokeAny() {
    }

    static <T> T invoke(Tasks tasks, PoolLoop loop, Collection<? extends Callable<T>> callables, boolean timed,
                        long timeoutNs) throws InterruptedException, ExecutionException, TimeoutException {
        if (callables.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        long deadline = System.nanoTime() + timeoutNs;
        List<TaskFuture<T>> futures = new ArrayList<>(callables.size());
        BlockingQueue<TaskFuture<T>> done = new LinkedBlockingQueue<>();
        try {
            for (Callable<T> callable : callables) {
                TaskFuture<T> future = tasks.create(callable, null, false, null);
                futures.add(future);
                future.whenDone(done::add);
                loop.submit(future);
            }
            ExecutionException last = null;
            for (int remaining = futures.size(); remaining > 0; remaining--) {
                TaskFuture<T> first = timed ? done.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) : done.take();
                if (first == null) {
                    throw new TimeoutException("no task of invokeAny succeeded within the timeout");
                }
                try {
                    return first.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(first + " was cancelled", e);
                }
            }
            throw last;
        } finally {
            for (TaskFuture<T> future : futures) {
                future.cancel(true);
            }
        }
    }
}
