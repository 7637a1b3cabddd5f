package dev.procpool.it;

import dev.procpool.ProcessPoolBuilder;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerOutput;
import dev.procpool.it.fixtures.SleepingTask;
import dev.procpool.it.fixtures.StartedFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Shared helpers for tests that run real worker JVMs. */
final class Pools {
    /** Bound for anything that involves starting a worker JVM on a busy 2-core machine. */
    static final Duration WORKER_BOUND = Duration.ofSeconds(30);

    private Pools() {
    }

    /** A pool builder whose workers' output does not clutter the test log (stderr is still kept for crash reports). */
    static ProcessPoolBuilder quietPool(int workers) {
        return ProcessPoolExecutor.builder().workers(workers).workerOutput(WorkerOutput.DISCARD);
    }

    /**
     * Waits until the pool's single worker serves over its queues: a new worker's first tasks travel over its
     * start-up lane while the queues open, and tests of what happens to a queue's files need the queues in use.
     */
    static void awaitQueuesInUse(ProcessPoolExecutor pool) {
        await("the worker's start-up lane ended").atMost(WORKER_BOUND).pollInterval(Duration.ofMillis(20))
                .until(() -> pool.submit(new dev.procpool.it.fixtures.OnQueuesTask()).get(WORKER_BOUND.toSeconds(),
                        java.util.concurrent.TimeUnit.SECONDS));
    }

    /**
     * Waits until {@code count} distinct workers answer at once, so that the next tasks submitted go to idle,
     * ready workers. Returns their pids.
     */
    static Set<Long> awaitReadyWorkers(ProcessPoolExecutor pool, int count) {
        Set<Long> pids = new HashSet<>();
        await("all " + count + " workers ready").atMost(WORKER_BOUND).until(() -> {
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(new SleepingTask(200)));
            }
            pids.clear();
            for (Future<Long> future : futures) {
                pids.add(future.get(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS));
            }
            return pids.size() == count;
        });
        return Set.copyOf(pids);
    }

    /** Waits until a task has marked {@code startedFile}; returns its worker's pid. */
    static long awaitStarted(Path startedFile) {
        await("the task to start (" + startedFile.getFileName() + ")").atMost(WORKER_BOUND)
                .until(() -> StartedFile.pid(startedFile) > 0);
        return StartedFile.pid(startedFile);
    }

    /** The value of a future that must succeed within {@link #WORKER_BOUND}. */
    static <T> T valueOf(Future<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    /** The cause with which a future fails within {@link #WORKER_BOUND}. */
    static Throwable failureOf(Future<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS))
                .getCause();
    }
}
