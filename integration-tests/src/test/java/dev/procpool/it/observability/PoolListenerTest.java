package dev.procpool.it.observability;

import dev.procpool.PoolListener;
import dev.procpool.PoolListener.WorkerExit;
import dev.procpool.PoolStats;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.TaskOptions;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.DeliberateException;
import dev.procpool.it.fixtures.HaltingTask;
import dev.procpool.it.fixtures.ThrowingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pool's listener and its stats() snapshot, with real workers that complete, throw and crash. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class PoolListenerTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private static <T> T valueOf(Future<T> future) throws Exception {
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(BOUND.toSeconds(), TimeUnit.SECONDS)).getCause();
    }

    /** The calls about one task, in order. */
    private static List<String> taskCalls(RecordingListener listener, long taskId) {
        return listener.calls.stream().filter(c -> c.startsWith("task") && c.split(" ")[1].equals(Long.toString(taskId)))
                .toList();
    }

    @Test
    void listener_isToldOfWorkersAndTasks_completedFailedRetriedAndCrashed() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (ProcessPoolExecutor pool = Pools.quiet(2).listener(listener).spareWorkers(0).build()) {
            assertEquals(42, valueOf(pool.submit((SerializableCallable<Integer>) () -> 42)));
            assertInstanceOf(DeliberateException.class, failureOf(pool.submit(new ThrowingTask("no", 1))));
            Future<Void> halting = pool.submit(new HaltingTask(temp.resolve("started"), 0, "bye", 3),
                    TaskOptions.defaults().retries(1));
            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, failureOf(halting));

            await("the listener to hear of both crashes").atMost(BOUND)
                    .until(() -> listener.count("workerExited") >= 2 && listener.count("taskFailed") == 2);
            // task ids are unique in the JVM: the first task's id is whatever the JVM's previous pools left
            long first = Long.parseLong(listener.calls.stream().filter(c -> c.startsWith("taskSubmitted ")).findFirst()
                    .orElseThrow().split(" ")[1]);
            assertEquals(List.of("taskSubmitted " + first, "taskStarted " + first, "taskCompleted " + first),
                    taskCalls(listener, first));
            long second = first + 1;
            assertEquals(List.of("taskSubmitted " + second, "taskStarted " + second,
                    "taskFailed " + second + " DeliberateException"), taskCalls(listener, second));
            long third = first + 2;
            assertEquals(List.of("taskSubmitted " + third, "taskStarted " + third, "taskRetried " + third + " 3",
                    "taskStarted " + third, "taskFailed " + third + " WorkerCrashedException"), taskCalls(listener, third));
            await("two workers and two replacements ready").atMost(BOUND)
                    .until(() -> listener.count("workerReady") >= 4);
            assertEquals(4, listener.count("workerStarted"), listener.calls::toString);
            WorkerExit exit = listener.exits.get(0);
            assertEquals(WorkerExit.Kind.CRASHED, exit.kind());
            assertEquals(3, exit.exitCode());
            assertEquals(crash.exitCode(), exit.crash().orElseThrow().exitCode());
            assertTrue(listener.threads.stream().allMatch(t -> t.getName().equals("procpool-events")),
                    "called on the pool's events thread");

            PoolStats stats = pool.stats();
            assertEquals(1, stats.completedTasks());
            assertEquals(2, stats.failedTasks());
            assertEquals(2, stats.crashes());
            assertTrue(stats.workersStarted() >= 4, stats::toString);
            assertTrue(stats.restarts() >= 2, stats::toString);
            assertEquals(2, stats.workers());
        }
        await("the workers' clean exits on close").atMost(BOUND)
                .until(() -> listener.exits.stream().filter(e -> e.kind() == WorkerExit.Kind.RETIRED).count() >= 2);
    }

    /**
     * JVMs starting side by side share the processors, so until the first worker has answered, a pool launches
     * at most as many as the processors (one fewer in a JVM new to procpool, which this test's is not): on 2
     * processors (this machine's, or as the pool is told to count them), a pool of 3 is told of its first worker
     * ready before its third starts.
     */
    @Test
    void firstWorkerAnswers_beforeMoreWorkersStartThanTheProcessorsCanServe() throws Exception {
        RecordingListener listener = new RecordingListener();
        ProcessPoolExecutor built;
        System.setProperty("procpool.internal.launchProcessors", "2"); // read once, when the pool is built
        try {
            built = Pools.quiet(3).listener(listener).spareWorkers(0).build();
        } finally {
            System.clearProperty("procpool.internal.launchProcessors");
        }
        try (ProcessPoolExecutor pool = built) {
            assertEquals(42, valueOf(pool.submit((SerializableCallable<Integer>) () -> 42)));
            await("all 3 workers ready").atMost(BOUND).until(() -> listener.count("workerReady") == 3);
        }
        List<String> calls = listener.calls;
        int firstReady = calls.indexOf(calls.stream().filter(c -> c.startsWith("workerReady")).findFirst().orElseThrow());
        long startedBefore = calls.subList(0, firstReady).stream().filter(c -> c.startsWith("workerStarted")).count();
        assertTrue(startedBefore >= 1 && startedBefore <= 2,
                "on 2 processors at most two workers start before the first is ready: " + calls);
        assertEquals(3, listener.count("workerStarted"), "and then the others: " + calls);
    }

    @Test
    void listenerThatThrows_poolCarriesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        PoolListener throwing = new PoolListener() {
            @Override
            public void taskCompleted(Task task) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void taskSubmitted(Task task) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (ProcessPoolExecutor pool = Pools.quiet(1).listener(throwing).build()) {
            for (int i = 0; i < 5; i++) {
                int n = i;
                assertEquals(n, valueOf(pool.submit((SerializableCallable<Integer>) () -> n)));
            }
            await("every completion told").atMost(BOUND).until(() -> calls.get() == 5);
            assertEquals(5, pool.stats().completedTasks());
        }
    }

    @Test
    void slowListener_doesNotHoldUpTasks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger told = new AtomicInteger();
        PoolListener stuck = new PoolListener() {
            @Override
            public void taskCompleted(Task task) {
                try {
                    release.await(); // stuck until the test has seen every task complete
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                told.incrementAndGet();
            }
        };
        try (ProcessPoolExecutor pool = Pools.quiet(2).listener(stuck).build()) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                futures.add(pool.submit((SerializableCallable<Integer>) () -> n));
            }
            for (int i = 0; i < 50; i++) {
                assertEquals(i, valueOf(futures.get(i)));
            }
            assertEquals(0, told.get(), "every task completed while the listener was stuck on the first");
            release.countDown();
            await("the listener to catch up").atMost(BOUND).until(() -> told.get() == 50);
        }
    }
}
