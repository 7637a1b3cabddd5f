package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.fixtures.EchoWordTask;
import dev.procpool.it.fixtures.PidTask;
import dev.procpool.it.fixtures.QueueFileTruncatingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static dev.procpool.it.Pools.awaitReadyWorkers;
import static dev.procpool.it.Pools.failureOf;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task that truncates its own worker's queue files, which the parent has mapped too: it may cost that worker
 * and that task, never the pool. The parent's scheduler does not fault on the mapping; the task ends (with its
 * value or {@link WorkerCrashedException}), tasks queued behind it and tasks submitted later run on a new worker,
 * and nothing hangs.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class HostileQueueFileTest {

    @Test
    void taskTruncatesItsResultsQueue_onlyThatTaskFails_laterTasksRun() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).retries(0).build()) {
            long original = awaitReadyWorkers(pool, 1).iterator().next();
            Pools.awaitQueuesInUse(pool);
            Future<Long> hostile = pool.submit(new QueueFileTruncatingTask("results"));
            List<Future<String>> behind = submitEchoes(pool, 4);

            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, failureOf(hostile));
            assertEquals(original, crash.pid(), crash::getMessage);
            assertTrue(crash.getMessage().contains("QueueFileTruncatingTask"), crash::getMessage);
            assertEchoes(behind);
            assertFalse(original == valueOf(pool.submit(new PidTask())), "the worker was replaced");
        }
    }

    @Test
    void taskTruncatesItsTasksQueue_queuedAndLaterTasksRun() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).retries(0).build()) {
            long original = awaitReadyWorkers(pool, 1).iterator().next();
            Pools.awaitQueuesInUse(pool);
            Future<Long> hostile = pool.submit(new QueueFileTruncatingTask("tasks"));
            List<Future<String>> behind = submitEchoes(pool, 4);

            try {
                assertEquals(original, valueOf(hostile)); // its answer was written before its queue failed
            } catch (ExecutionException e) {
                // or its worker was replaced before the answer was read: that task may fail, no other
                assertInstanceOf(WorkerCrashedException.class, e.getCause());
            }
            assertEchoes(behind);
            assertEchoes(submitEchoes(pool, 4));
            assertFalse(original == valueOf(pool.submit(new PidTask())), "the worker was replaced");
        }
    }

    private static List<Future<String>> submitEchoes(ProcessPoolExecutor pool, int count) {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(new EchoWordTask("echo-" + i)));
        }
        return futures;
    }

    private static void assertEchoes(List<Future<String>> futures) throws Exception {
        for (int i = 0; i < futures.size(); i++) {
            assertEquals("echo-" + i, valueOf(futures.get(i)));
        }
    }
}
