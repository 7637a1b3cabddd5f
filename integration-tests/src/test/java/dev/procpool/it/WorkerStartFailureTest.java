package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerStartException;
import dev.procpool.it.fixtures.PidTask;
import dev.procpool.it.fixtures.SlowStartLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.failureOf;
import static dev.procpool.it.Pools.quietPool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers that cannot start fail the waiting tasks with {@link WorkerStartException} carrying what the worker said,
 * and after a few attempts the pool gives up (and terminates) instead of respawning forever.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class WorkerStartFailureTest {

    @Test
    void badJvmOption_tasksFailWithWorkerStartExceptionCarryingStderr_andPoolGivesUp() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(2).jvmOptions(List.of("-XX:+NoSuchOption")).build()) {
            List<Future<Long>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(pool.submit(new PidTask()));
            }

            WorkerStartException failure = null;
            for (Future<Long> future : waiting) {
                WorkerStartException e = assertInstanceOf(WorkerStartException.class, failureOf(future));
                failure = failure == null ? e : failure;
                assertSame(failure, e, "every waiting task fails with the same start failure");
            }
            WorkerStartException startFailure = failure;
            assertTrue(startFailure.stderr().stream().anyMatch(l -> l.contains("Unrecognized VM option 'NoSuchOption'")),
                    startFailure.stderr()::toString);
            assertTrue(startFailure.getMessage().contains("could not start"), startFailure::getMessage);
            assertTrue(startFailure.getMessage().contains("Unrecognized VM option 'NoSuchOption'"), startFailure::getMessage);
            assertTrue(startFailure.getMessage().contains("jvmOptions"), "points at the likely culprit: " + startFailure.getMessage());

            assertTrue(pool.awaitTermination(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS), "the pool gave up and terminated");
            RejectedExecutionException rejected = assertThrows(RejectedExecutionException.class, () -> pool.submit(new PidTask()));
            assertSame(startFailure, rejected.getCause());
            assertTrue(rejected.getMessage().contains("broken"), rejected::getMessage);
        }
    }

    /**
     * The worker hangs before its {@code main}, so before it connects to its parent at all: the start timeout
     * counts from the launch, not from the connection (a JVM that never connected was once waited for forever).
     */
    @Test
    void workerHangsBeforeItConnects_startTimeoutEndsIt_tasksFailWithWorkerStartExceptionSayingSo() throws Exception {
        List<String> slowStart = List.of("-Djava.system.class.loader=" + SlowStartLoader.class.getName());
        try (ProcessPoolExecutor pool = quietPool(1).startTimeout(Duration.ofMillis(1)).jvmOptions(slowStart).build()) {
            Future<Long> waiting = pool.submit(new PidTask());

            WorkerStartException failure = assertInstanceOf(WorkerStartException.class, failureOf(waiting));

            assertTrue(failure.getMessage().contains("did not complete its handshake within"), failure::getMessage);
            assertTrue(pool.awaitTermination(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS), "the pool gave up and terminated");
        }
    }

    /** A pool stopped while its worker hangs before connecting ends that worker at once, not at its start timeout. */
    @Test
    void workerHangsBeforeItConnects_shutdownNow_poolTerminatesWithoutWaitingForTheStartTimeout() throws Exception {
        List<String> slowStart = List.of("-Djava.system.class.loader=" + SlowStartLoader.class.getName());
        try (ProcessPoolExecutor pool = quietPool(1).startTimeout(Duration.ofMinutes(10)).jvmOptions(slowStart).build()) {
            Future<Long> waiting = pool.submit(new PidTask());

            List<Runnable> notRun = pool.shutdownNow();

            assertTrue(pool.awaitTermination(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS),
                    "the pool waited for the hanging worker's start timeout");
            assertTrue(waiting.isCancelled());
            assertEquals(1, notRun.size());
        }
    }
}
