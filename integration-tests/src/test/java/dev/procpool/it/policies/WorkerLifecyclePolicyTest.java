package dev.procpool.it.policies;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.WorkerStartException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@org.junit.jupiter.api.extension.ExtendWith(dev.procpool.it.NoLeakedWorkers.class)
class WorkerLifecyclePolicyTest {

    /** Keeps 5 MB more in a static list on every call (20 calls a second at most): a leak. Returns its pid. */
    static final class LeakingTask implements SerializableCallable<Long> {
        static final List<byte[]> LEAK = new ArrayList<>();

        @Override
        public Long call() throws InterruptedException {
            Thread.sleep(50); // memory is looked at once a second: let the leak span a few seconds
            byte[] chunk = new byte[5 << 20];
            java.util.Arrays.fill(chunk, (byte) 1);
            LEAK.add(chunk);
            return ProcessHandle.current().pid();
        }
    }

    /** Counts the tasks run by this worker JVM since its initializer ran. */
    static final class Counter {
        static int initialized;
    }

    @Test
    void maxTasksPerWorker_workerRetiresAfterN_noTaskFails() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).maxTasksPerWorker(3).build()) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                pids.add(pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS));
            }
            assertEquals(3, new HashSet<>(pids).size(), "three workers served three tasks each: " + pids);
            assertEquals(pids.get(0), pids.get(2));
            assertNotEquals(pids.get(2), pids.get(3));
        }
    }

    @Test
    void leakingTaskUnderMemoryBound_workerReplaced_noTaskFails() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).jvmOptions(List.of("-Xmx512m", "-XX:+UseSerialGC"))
                .maxMemoryGrowth(64L << 20).build()) {
            Set<Long> pids = new HashSet<>();
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 60; i++) { // 300 MB of leaks in all; one worker could hold only 512 MB
                futures.add(pool.submit(new LeakingTask()));
            }
            for (Future<Long> future : futures) {
                pids.add(future.get(120, TimeUnit.SECONDS));
            }
            assertTrue(pids.size() >= 2, "the leaking worker was recycled at least once: " + pids);
        }
    }

    @Test
    void idleTimeout_workersExit_andStartAgainOnDemand_minWorkersStayWarm() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(2).minWorkers(1).idleTimeout(Duration.ofMillis(500)).build()) {
            pool.invokeAll(List.<SerializableCallable<Integer>>of(() -> 1, () -> 2, () -> 3, () -> 4));
            await().atMost(Duration.ofSeconds(20)).until(() -> Pools.liveWorkerPids().size() == 1);
            List<Future<String>> busy = pool.invokeAll(List.of(sleepy(300), sleepy(300), sleepy(300)));
            for (Future<String> f : busy) {
                assertEquals("done", f.get());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> Pools.liveWorkerPids().size() == 1);
        }
    }

    private static SerializableCallable<String> sleepy(long millis) {
        return () -> {
            Thread.sleep(millis);
            return "done";
        };
    }

    @Test
    void initializer_runsOncePerWorker_beforeItsFirstTask() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(2).initializer(() -> Counter.initialized++).build()) {
            for (int i = 0; i < 6; i++) {
                assertEquals(1, pool.submit(() -> Counter.initialized).get(60, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void failingInitializer_tasksFailWithWorkerStartException_noEndlessRespawn() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).initializer(() -> {
            throw new IllegalStateException("no licence server");
        }).build()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> pool.submit(() -> 1).get(120, TimeUnit.SECONDS));
            WorkerStartException start = assertInstanceOf(WorkerStartException.class, e.getCause());
            assertInstanceOf(IllegalStateException.class, start.getCause());
            assertEquals("no licence server", start.getCause().getMessage());
            assertTrue(pool.isShutdown(), "a pool whose workers cannot start stops trying");
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void nativeThreadLimits_defaultToCpusPerWorker_userValuesWin() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        int expected = Math.max(1, cpus / 2);
        try (ProcessPoolExecutor pool = Pools.small(2).build()) {
            assertEquals(List.of(expected, expected, expected, expected), pool.submit(() -> List.of(
                    Runtime.getRuntime().availableProcessors(),
                    Integer.parseInt(System.getenv("OMP_NUM_THREADS")),
                    Integer.parseInt(System.getenv("NUMBA_NUM_THREADS")),
                    Integer.parseInt(System.getenv("TBB_NUM_THREADS")))).get(60, TimeUnit.SECONDS));
        }
        try (ProcessPoolExecutor pool = Pools.small(2).environment(Map.of("OMP_NUM_THREADS", "7"))
                .jvmOptions(List.of("-XX:ActiveProcessorCount=3")).build()) {
            assertEquals(List.of(3, 7, expected), pool.submit(() -> List.of(
                    Runtime.getRuntime().availableProcessors(),
                    Integer.parseInt(System.getenv("OMP_NUM_THREADS")),
                    Integer.parseInt(System.getenv("OPENBLAS_NUM_THREADS")))).get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void spareWorker_takesTheKilledWorkersPlace_andANewSpareStarts() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).spareWorkers(1).build()) {
            long serving = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> Pools.liveWorkerPids().size() == 2);
            long spare = Pools.liveWorkerPids().stream().filter(pid -> pid != serving).findFirst().orElseThrow();
            ProcessHandle.of(serving).ifPresent(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(serving).isEmpty());
            assertEquals(spare, pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS),
                    "the spare, started before the kill, serves next");
            await().atMost(Duration.ofSeconds(60)).until(() -> Pools.liveWorkerPids().size() == 2);
        }
    }

    @Test
    void byDefault_spareStartsOnceThePoolIdles_andAnswersTheFirstKilledBusyWorkersTask() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).build()) {
            long first = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> Pools.liveWorkerPids().size() == 2);
            long spare = Pools.liveWorkerPids().stream().filter(pid -> pid != first).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(60)).until(() -> pool.stats().spareWorkers() == 1);

            Future<Long> busy = pool.submit(() -> {
                Thread.sleep(120_000);
                return ProcessHandle.current().pid();
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.stats().busyWorkers() == 1);
            assertTrue(ProcessHandle.of(spare).isPresent(), "the spare was started before the kill");
            ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);

            assertEquals(spare, pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS),
                    "the spare, started once the pool was idle, serves after the first loss");
            ExecutionException lost = assertThrows(ExecutionException.class, () -> busy.get(60, TimeUnit.SECONDS));
            assertTrue(lost.getCause().getMessage().contains(Long.toString(first)), lost.getCause().getMessage());
            await().atMost(Duration.ofSeconds(60)).until(() -> Pools.liveWorkerPids().size() == 2);
        }
    }

    @Test
    void byDefault_noSpareWhileThePoolIsKeptBusy_oneOnceItIdles() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).build()) {
            Future<Long> busy = pool.submit(() -> {
                Thread.sleep(3_000);
                return ProcessHandle.current().pid();
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> pool.stats().busyWorkers() == 1);
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(2))
                    .until(() -> Pools.liveWorkerPids().size() == 1);
            long worker = busy.get(60, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(60)).until(() -> Pools.liveWorkerPids().size() == 2);
            assertEquals(worker, pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS),
                    "the spare is given no task while the worker serves");
        }
    }

    @Test
    void byDefault_withAnIdleTimeout_noSpareAheadOfALoss() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).idleTimeout(Duration.ofMinutes(5)).build()) {
            long first = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> Pools.liveWorkerPids().equals(List.of(first)));
        }
    }

    @Test
    void spareWorkersZero_aCrashedWorkerIsReplaced_noSpareIsKept() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).spareWorkers(0).build()) {
            long first = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
            long replacement = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> Pools.liveWorkerPids().equals(List.of(replacement)));
        }
    }
}
