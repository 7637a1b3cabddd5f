package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.fixtures.RunOnceTask;
import dev.procpool.it.fixtures.WorkerFolderDeletingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code retries(0)} a task runs at most once, whatever happens to its worker and whatever a task does to
 * the worker's files. The tasks check it themselves: each records its start with a file created with
 * CREATE_NEW, and a second start leaves a {@code <id>.again.<pid>} file.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(300)
class AtMostOnceTest {
    @TempDir
    Path marks;

    @Test
    void taskDeletesItsWorkersFolder_laterHaltingTaskRunsOnceAndFails() throws Exception {
        try (ProcessPoolExecutor pool = Pools.quietPool(1).retries(0).build()) {
            // the files to delete are those of a worker that serves over its queues: a new worker opens them while
            // its first tasks run over the lane, and a task walking the folder then meets files still being made
            Pools.awaitQueuesInUse(pool);
            assertTrue(Pools.valueOf(pool.submit(new WorkerFolderDeletingTask())) > 0, "the task deleted its worker's files");

            Throwable failure = Pools.failureOf(pool.submit(new RunOnceTask(marks, 1, 0, true)));

            assertInstanceOf(WorkerCrashedException.class, failure);
            assertEquals(List.of(), secondStarts(), "a task with retries(0) started twice");
            assertEquals(2, Pools.valueOf(pool.submit(new RunOnceTask(marks, 2, 0, false))), "the pool serves on");
        }
    }

    @Test
    void workersKilledAtRandomEvery200ms_noTaskStartsTwice() throws Exception {
        int tasks = Integer.getInteger("procpool.soak.atMostOnceTasks", 400);
        AtomicInteger kills = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (ProcessPoolExecutor pool = Pools.quietPool(2).retries(0).build()) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                futures.add(pool.submit(new RunOnceTask(marks, i, 10, false)));
            }
            Thread killer = Chaos.killer(new Random(7), stop, kills, () -> futures.stream().filter(Future::isDone).count());
            int results = 0;
            int crashes = 0;
            try {
                for (int i = 0; i < tasks; i++) {
                    try {
                        assertEquals(i, futures.get(i).get(Pools.WORKER_BOUND.toSeconds() * 4, TimeUnit.SECONDS));
                        results++;
                    } catch (ExecutionException e) {
                        assertInstanceOf(WorkerCrashedException.class, e.getCause(), "only a crash may fail a task");
                        crashes++;
                    }
                }
            } finally {
                stop.set(true);
                killer.join();
            }
            System.out.printf("at-most-once: %d tasks, %d kills, %d results, %d crashed, %d started twice%n",
                    tasks, kills.get(), results, crashes, secondStarts().size());
            assertEquals(List.of(), secondStarts(), "tasks with retries(0) that started twice");
            assertTrue(kills.get() > 0, "the chaos killed workers");
            assertEquals(tasks, results + crashes);
            long started;
            try (Stream<Path> files = Files.list(marks)) {
                started = files.count();
            }
            assertTrue(started >= results, "every result came from a recorded start");
        }
    }

    /**
     * Work stealing under churn: an idle worker takes back the last unstarted task of a busy one, and new tasks
     * arrive meanwhile, so that a task taken back may be sent to the same worker again, and taken back again,
     * before that worker has read its first copy. Each task must still start once. In each round one worker runs
     * a slow task with instant ones queued behind it, while instant tasks trickle in one at a time, each when the
     * one before is done: the other worker keeps turning idle, taking a task back, and getting new ones.
     */
    @Test
    void tasksTakenBackToBalanceTheLoadAndSentAgain_noTaskStartsTwice() throws Exception {
        int rounds = 100;
        int id = 0;
        try (ProcessPoolExecutor pool = Pools.quietPool(2).retries(0).build()) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                futures.add(pool.submit(new RunOnceTask(marks, id++, 20, false)));
                for (int k = 0; k < 4; k++) {
                    futures.add(pool.submit(new RunOnceTask(marks, id++, 0, false)));
                }
                for (int k = 0; k < 10; k++) {
                    Future<Integer> trickled = pool.submit(new RunOnceTask(marks, id++, 0, false));
                    futures.add(trickled);
                    trickled.get(Pools.WORKER_BOUND.toSeconds() * 4, TimeUnit.SECONDS);
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(i, futures.get(i).get(Pools.WORKER_BOUND.toSeconds() * 4, TimeUnit.SECONDS));
            }
            assertEquals(List.of(), secondStarts(), "tasks that started twice");
        }
    }

    private List<String> secondStarts() throws IOException {
        try (Stream<Path> files = Files.list(marks)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> name.contains(".again")).sorted().toList();
        }
    }
}
