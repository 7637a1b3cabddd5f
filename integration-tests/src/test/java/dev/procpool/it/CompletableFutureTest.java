package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.TaskOptions;
import dev.procpool.TaskTimeoutException;
import dev.procpool.it.fixtures.DeliberateException;
import dev.procpool.it.fixtures.HangingTask;
import dev.procpool.it.fixtures.PidTask;
import dev.procpool.it.fixtures.ThrowingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.awaitStarted;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tasks as {@link CompletableFuture}s ({@code submitAsync}), and {@link ExecutorCompletionService} over a pool. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class CompletableFutureTest {
    @TempDir
    Path temp;

    @Test
    void submitAsync_completesWithResult_stagesRunOffTheSchedulerThread() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            CompletableFuture<String> stage = pool.submitAsync(() -> 6 * 7)
                    .thenApply(answer -> answer + " on " + Thread.currentThread().getName());

            String value = stage.get(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS);
            assertTrue(value.startsWith("42 on "), value);
            assertFalse(value.contains("procpool-scheduler"), value);
        }
    }

    @Test
    void submitAsync_taskThrows_completesExceptionallyWithItsOwnException() {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            CompletableFuture<Integer> future = pool.submitAsync(new ThrowingTask("async, as planned", 5));

            CompletionException e = assertThrows(CompletionException.class,
                    () -> future.orTimeout(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS).join());
            DeliberateException cause = assertInstanceOf(DeliberateException.class, e.getCause());
            assertEquals("async, as planned", cause.getMessage());
        }
    }

    @Test
    void submitAsyncWithOptions_appliesTheTimeLimit() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            CompletableFuture<Long> hanging = pool.submitAsync(new HangingTask(temp.resolve("limited")),
                    TaskOptions.defaults().timeLimit(Duration.ofMillis(300)));

            CompletionException e = assertThrows(CompletionException.class,
                    () -> hanging.orTimeout(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS).join());
            assertInstanceOf(TaskTimeoutException.class, e.getCause(), () -> String.valueOf(e.getCause()));
            assertEquals(42, pool.submitAsync(() -> 42, TaskOptions.defaults())
                    .get(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS), "the pool serves the next task");
            assertThrows(NullPointerException.class, () -> pool.submitAsync(() -> 1, null));
        }
    }

    @Test
    void submitAsyncCancelled_cancelsTheRunningTask_workerServesNext() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            Path started = temp.resolve("hanging");
            CompletableFuture<Long> hanging = pool.submitAsync(new HangingTask(started));
            long pid = awaitStarted(started);

            assertTrue(hanging.cancel(false));

            assertTrue(hanging.isCancelled());
            long next = valueOf(pool.submit(new PidTask()));
            assertEquals(pid, next, "the task was interrupted, so its worker serves the next task");
        }
    }

    @Test
    void executorCompletionService_overPool_yieldsEveryFutureAsItCompletes() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(2).build()) {
            ExecutorCompletionService<Integer> service = new ExecutorCompletionService<>(pool);
            Set<Future<Integer>> submitted = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                submitted.add(service.submit((SerializableCallable<Integer>) () -> n * n));
            }

            Set<Integer> results = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                Future<Integer> done = service.poll(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS);
                assertTrue(submitted.remove(done), "a future the service returned from submit: " + done);
                results.add(done.get());
            }
            assertEquals(Set.of(0, 1, 4, 9, 16, 25), results);
            assertNotEquals(null, pool.submit(new PidTask()).get(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void executorCompletionService_taskThrows_itsFutureIsQueuedWithTheFailure() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            ExecutorCompletionService<Integer> service = new ExecutorCompletionService<>(pool);
            service.submit(new ThrowingTask("via ECS", 9));

            Future<Integer> done = service.poll(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, done::get);
            assertInstanceOf(DeliberateException.class, e.getCause());
        }
    }
}
