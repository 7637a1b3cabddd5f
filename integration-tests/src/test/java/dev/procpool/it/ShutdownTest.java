package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.fixtures.HangingTask;
import dev.procpool.it.fixtures.PidTask;
import dev.procpool.it.fixtures.SleepingTask;
import dev.procpool.it.fixtures.SpinningTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.awaitReadyWorkers;
import static dev.procpool.it.Pools.awaitStarted;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The life cycle: shutdown, shutdownNow, awaitTermination and close, with real workers. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class ShutdownTest {
    @TempDir
    Path temp;

    @Test
    void shutdown_finishesSubmittedWorkAndRejectsNewTasks() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(2).build()) {
            List<Future<Long>> submitted = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                submitted.add(pool.submit(new SleepingTask(100)));
            }

            pool.shutdown();

            assertTrue(pool.isShutdown());
            RejectedExecutionException rejected = assertThrows(RejectedExecutionException.class, () -> pool.submit(new PidTask()));
            assertTrue(rejected.getMessage().contains("shut down"), rejected::getMessage);
            for (Future<Long> future : submitted) {
                assertTrue(valueOf(future) > 0);
            }
            assertTrue(pool.awaitTermination(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS));
            assertTrue(pool.isTerminated());
        }
    }

    @Test
    void awaitTermination_whileRunning_returnsFalseAfterTheTimeout() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            long start = System.nanoTime();
            assertFalse(pool.awaitTermination(300, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(290));
            assertFalse(pool.isShutdown());
            assertFalse(pool.isTerminated());
        }
    }

    @Test
    void shutdownNow_with100LongTasks_futuresEndAndPoolTerminatesWithinASecond() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(2).build()) {
            awaitReadyWorkers(pool, 2);
            List<Future<Long>> futures = new ArrayList<>();
            List<Path> startedFiles = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Path started = temp.resolve("hanging-" + i);
                startedFiles.add(started);
                futures.add(pool.submit(new HangingTask(started)));
            }
            Set<Long> busyWorkers = Set.of(awaitStarted(startedFiles.get(0)), awaitStarted(startedFiles.get(1)));

            long start = System.nanoTime();
            List<Runnable> notStarted = pool.shutdownNow();
            boolean terminated = pool.awaitTermination(1, TimeUnit.SECONDS);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            System.out.println("shutdownNow with 100 long tasks: terminated after " + tookMs + " ms");

            assertTrue(terminated, "terminated within a second");
            assertTrue(futures.stream().allMatch(Future::isCancelled), "every future is cancelled");
            assertEquals(98, notStarted.size(), "the tasks that never reached a worker");
            assertTrue(notStarted.stream().allMatch(r -> futures.contains(r)), "returned as their own futures");
            notStarted.get(0).run(); // does nothing: the task cannot run here
            assertThrows(CancellationException.class, () -> futures.get(2).get());
            assertTrue(busyWorkers.stream().noneMatch(Processes::isRunning), "the busy workers have exited");
            assertThrows(RejectedExecutionException.class, () -> pool.submit(new PidTask()));
            assertEquals(List.of(), pool.shutdownNow(), "a second shutdownNow has nothing left to return");
        }
    }

    @Test
    void shutdownNow_taskIgnoresInterrupts_itsWorkerIsStoppedAnywayWithinASecond() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            Path started = temp.resolve("spinning");
            Future<Long> spinning = pool.submit(new SpinningTask(started));
            long worker = awaitStarted(started);

            long start = System.nanoTime();
            pool.shutdownNow();
            boolean terminated = pool.awaitTermination(1, TimeUnit.SECONDS);
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertTrue(terminated, "terminated within a second, took " + tookMs + " ms");
            assertTrue(spinning.isCancelled());
            assertFalse(Processes.isRunning(worker));
        }
    }

    @Test
    void close_waitsForRunningTasksAndForWorkersToExit() throws Exception {
        ProcessPoolExecutor pool = quietPool(2).build();
        Set<Long> workers = awaitReadyWorkers(pool, 2);
        Future<Long> running = pool.submit(new SleepingTask(1_000));
        Future<Long> queued = pool.submit(new SleepingTask(1_000));

        pool.close();

        assertTrue(running.isDone() && queued.isDone(), "close waited for the tasks");
        assertTrue(workers.contains(running.get()), "ran on " + running.get() + ", workers " + workers);
        assertTrue(workers.contains(queued.get()), "ran on " + queued.get() + ", workers " + workers);
        assertTrue(pool.isTerminated());
        assertTrue(workers.stream().noneMatch(Processes::isRunning), "close returned only after the workers exited");
        assertEquals(List.of(), NoLeakedWorkers.poolFolders(), "close removed the pool's folder");
        pool.close(); // a second close is harmless
    }

    @Test
    void closeWhileInterrupted_stopsRunningTasksAndKeepsTheInterrupt() {
        ProcessPoolExecutor pool = quietPool(1).build();
        Path started = temp.resolve("hanging");
        Future<Long> hanging = pool.submit(new HangingTask(started));
        awaitStarted(started);

        Thread.currentThread().interrupt();
        long start = System.nanoTime();
        pool.close();
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(Thread.interrupted(), "close keeps the interrupt status");
        assertTrue(hanging.isCancelled());
        assertTrue(pool.isTerminated());
        assertTrue(tookMs < 10_000, "did not wait for the hanging task, took " + tookMs + " ms");
    }

    @Test
    void closeRightAfterBuild_workersStillStarting_terminatesCleanly() {
        ProcessPoolExecutor pool = quietPool(2).build();

        long start = System.nanoTime();
        pool.close();
        System.out.println("close right after build took " + (System.nanoTime() - start) / 1_000_000 + " ms");

        assertTrue(pool.isTerminated());
        assertEquals(List.of(), NoLeakedWorkers.poolFolders());
    }

    @Test
    void shutdownNowWhileWorkersStart_queuedTasksAreReturnedCancelled() throws Exception {
        ProcessPoolExecutor pool = quietPool(2).build();
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(pool.submit(new PidTask()));
        }

        List<Runnable> notStarted = pool.shutdownNow();

        assertTrue(pool.awaitTermination(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS));
        for (Future<Long> future : futures) {
            assertTrue(future.isDone());
        }
        long cancelled = futures.stream().filter(Future::isCancelled).count();
        assertEquals(notStarted.size() + futures.stream().filter(f -> f.isCancelled() && !notStarted.contains(f)).count(),
                cancelled);
        assertInstanceOf(Future.class, notStarted.isEmpty() ? futures.get(0) : notStarted.get(0));
    }
}
