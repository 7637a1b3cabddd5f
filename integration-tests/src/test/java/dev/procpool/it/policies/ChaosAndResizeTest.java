package dev.procpool.it.policies;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerCrashedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@org.junit.jupiter.api.extension.ExtendWith(dev.procpool.it.NoLeakedWorkers.class)
class ChaosAndResizeTest {

    /** What a chaos task answers: its input, and which worker ran it. */
    record Answer(int n, long pid) implements java.io.Serializable {
    }

    @ParameterizedTest(name = "{0} kills")
    @ValueSource(ints = {1, 2, 5, 13})
    void workersKilledInRounds_whileThousandTasksRun_everyTaskEndsExactlyOnce(int kills) throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(2).retries(kills).build()) {
            List<Future<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    Thread.sleep(2);
                    return new Answer(n, ProcessHandle.current().pid());
                }));
            }
            Random random = new Random(kills);
            java.util.Set<Long> killedPids = new java.util.HashSet<>();
            while (killedPids.size() < kills && !futures.stream().allMatch(Future::isDone)) {
                // a victim is a live worker that has served tasks (killing one mid-start is another story)
                List<Long> serving = futures.stream().filter(f -> f.isDone() && !f.isCancelled())
                        .map(ChaosAndResizeTest::pidOrNull).filter(java.util.Objects::nonNull).distinct()
                        .filter(pid -> !killedPids.contains(pid) && ProcessHandle.of(pid).isPresent()).toList();
                if (serving.isEmpty()) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> futures.stream().anyMatch(Future::isDone));
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                            futures.stream().allMatch(Future::isDone) || hasFreshServingWorker(futures, killedPids));
                    continue;
                }
                long victim = serving.get(random.nextInt(serving.size()));
                long doneBefore = futures.stream().filter(Future::isDone).count();
                ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                killedPids.add(victim);
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        futures.stream().filter(Future::isDone).count() > doneBefore + 10
                                || futures.stream().allMatch(Future::isDone));
            }
            int results = 0;
            int crashes = 0;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    assertEquals(i, futures.get(i).get(120, TimeUnit.SECONDS).n());
                    results++;
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof WorkerCrashedException, "only crashes may fail a task: " + e);
                    crashes++;
                }
            }
            assertEquals(1000, results + crashes);
            assertEquals(1000, results, "with retries(" + kills + ") no task fails for " + kills + " kills");
        }
    }

    private static Long pidOrNull(Future<Answer> future) {
        try {
            return future.get().pid();
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean hasFreshServingWorker(List<Future<Answer>> futures, java.util.Set<Long> killed) {
        return futures.stream().filter(f -> f.isDone() && !f.isCancelled()).map(ChaosAndResizeTest::pidOrNull)
                .anyMatch(pid -> pid != null && !killed.contains(pid) && ProcessHandle.of(pid).isPresent());
    }

    /** Claims its index with a file: a second execution of the same task fails on CREATE_NEW. */
    record ClaimOnceTask(String folder, int index, long sleepMillis) implements dev.procpool.SerializableCallable<Integer> {
        @Override
        public Integer call() throws Exception {
            java.nio.file.Files.createFile(java.nio.file.Path.of(folder, Integer.toString(index)));
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
            return index;
        }
    }

    @Test
    void mixedShortAndLongTasks_sentAheadAndStolen_eachRunsExactlyOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(2).build()) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                futures.add(pool.submit(new ClaimOnceTask(dir.toString(), i, i % 50 == 0 ? 30 : 0)));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(i, futures.get(i).get(120, TimeUnit.SECONDS), "task " + i + " ran more than once?");
            }
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
                assertEquals(600, files.count());
            }
        }
    }

    @Test
    void sharedPool_resizedThroughManySizes_whileTasksRun_noDeadlock_noLostTask() throws Exception {
        ProcessPoolExecutor first = ProcessPoolExecutor.shared(Pools.small(2));
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            int next = 0;
            for (int size : new int[] {12, 2, 1, 12, 6, 1, 8, 5}) {
                ProcessPoolExecutor pool = ProcessPoolExecutor.shared(Pools.small(size));
                assertTrue(pool == first, "only the size differs: the same pool, resized in place");
                assertEquals(size, pool.workers());
                for (int i = 0; i < 40; i++) {
                    int n = next++;
                    futures.add(pool.submit(() -> {
                        Thread.sleep(5);
                        return n;
                    }));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(i, futures.get(i).get(180, TimeUnit.SECONDS));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> Pools.liveWorkerPids().size() <= 5);
        } finally {
            first.close();
        }
        ProcessPoolExecutor rebuilt = ProcessPoolExecutor.shared(Pools.small(1));
        try {
            assertTrue(rebuilt != first, "a closed shared pool is rebuilt");
            assertEquals(3, rebuilt.submit(() -> 3).get(60, TimeUnit.SECONDS));
        } finally {
            rebuilt.close();
        }
    }
}
