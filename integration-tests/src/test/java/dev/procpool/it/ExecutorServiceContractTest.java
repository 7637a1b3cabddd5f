package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.SerializableFunction;
import dev.procpool.it.fixtures.DeliberateException;
import dev.procpool.it.fixtures.FileCreatingRunnable;
import dev.procpool.it.fixtures.HangingTask;
import dev.procpool.it.fixtures.PidTask;
import dev.procpool.it.fixtures.ReversingTask;
import dev.procpool.it.fixtures.ThrowingRunnable;
import dev.procpool.it.fixtures.ThrowingTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.awaitReadyWorkers;
import static dev.procpool.it.Pools.awaitStarted;
import static dev.procpool.it.Pools.failureOf;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link ExecutorService} method, and {@code map}, against one shared two-worker pool: none of these tests
 * crashes a worker, and each leaves both workers idle for the next (checked after each test by pid).
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class ExecutorServiceContractTest {
    private static ProcessPoolExecutor pool;
    private static Set<Long> workerPids;

    @TempDir
    Path temp;

    @BeforeAll
    static void startPool() {
        // spareWorkers(0): a pool shared by the class's tests must start no process between them, or the per-test
        // leak check (NoLeakedWorkers) counts the spare it starts once idle as the running test's
        pool = quietPool(2).spareWorkers(0).build();
        workerPids = awaitReadyWorkers(pool, 2);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @AfterEach
    void bothOriginalWorkersIdleAndAlive() {
        assertEquals(workerPids, awaitReadyWorkers(pool, 2), "a test left a worker busy, or a worker was replaced");
    }

    @Test
    void submitCallable_futureYieldsItsValue() throws Exception {
        assertEquals(42, valueOf(pool.submit(() -> 6 * 7)));
        assertTrue(workerPids.contains(valueOf(pool.submit(new PidTask()))), "ran in a worker JVM, not here");
    }

    @Test
    void submitRunnable_runsInWorkerAndFutureYieldsNull() throws Exception {
        Path file = temp.resolve("ran");
        Future<?> future = pool.submit(new FileCreatingRunnable(file, "submitted"));

        assertNull(valueOf(future));
        assertEquals("submitted", Files.readString(file));
    }

    @Test
    void submitRunnableWithResult_futureYieldsTheParentsObject() throws Exception {
        List<String> result = new ArrayList<>(List.of("the parent's own list"));
        Path file = temp.resolve("ran");

        Future<List<String>> future = pool.submit(new FileCreatingRunnable(file, "with result"), result);

        assertSame(result, valueOf(future));
        assertEquals("with result", Files.readString(file));
    }

    @Test
    void execute_runsTheCommandInAWorker() {
        Path file = temp.resolve("executed");

        pool.execute(new FileCreatingRunnable(file, "executed"));

        await().atMost(WORKER_BOUND).until(() -> Files.exists(file) && Files.readString(file).equals("executed"));
    }

    @Test
    void invokeAll_returnsDoneFuturesInTaskOrder() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            tasks.add((SerializableCallable<Integer>) () -> n * n);
        }
        tasks.add(new ThrowingTask("the ninth fails", 9));

        List<Future<Integer>> futures = pool.invokeAll(tasks);

        assertEquals(9, futures.size());
        assertTrue(futures.stream().allMatch(Future::isDone));
        for (int i = 0; i < 8; i++) {
            assertEquals(i * i, futures.get(i).get());
        }
        assertInstanceOf(DeliberateException.class, failureOf(futures.get(8)));
    }

    @Test
    void invokeAllWithTimeout_finishedTasksKeepResults_unfinishedAreCancelledAndInterrupted() throws Exception {
        Path started = temp.resolve("hanging");
        List<Callable<Long>> tasks = List.of(new PidTask(), new HangingTask(started));

        long start = System.nanoTime();
        List<Future<Long>> futures = pool.invokeAll(tasks, 3, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(workerPids.contains(futures.get(0).get()));
        assertTrue(futures.get(1).isCancelled(), "the hanging task's future is cancelled");
        assertThrows(CancellationException.class, () -> futures.get(1).get());
        assertTrue(tookMs >= 2_900 && tookMs < 10_000, "returned at the timeout, took " + tookMs + " ms");
        assertTrue(Files.exists(started), "the hanging task had started");
        // @AfterEach checks that its worker was interrupted and is free again
    }

    @Test
    void invokeAny_returnsTheResultOfATaskThatSucceeded() throws Exception {
        List<Callable<Integer>> tasks = List.of(new ThrowingTask("first fails", 1), (SerializableCallable<Integer>) () -> 5,
                new ThrowingTask("third fails", 3));
        assertEquals(5, pool.invokeAny(tasks));
    }

    @Test
    void invokeAny_allFail_throwsExecutionExceptionWithATasksException() {
        List<Callable<Integer>> tasks = List.of(new ThrowingTask("first fails", 1), new ThrowingTask("second fails", 2));

        ExecutionException failure = assertThrows(ExecutionException.class, () -> pool.invokeAny(tasks));

        DeliberateException cause = assertInstanceOf(DeliberateException.class, failure.getCause());
        assertTrue(Set.of(1, 2).contains(cause.code()));
    }

    @Test
    void invokeAnyWithTimeout_oneSucceedsInTime_returnsItAndCancelsTheOther() throws Exception {
        Path started = temp.resolve("hanging");
        List<Callable<Long>> tasks = List.of(new HangingTask(started), new PidTask());

        long pid = pool.invokeAny(tasks, WORKER_BOUND.toSeconds(), TimeUnit.SECONDS);

        assertTrue(workerPids.contains(pid));
        // @AfterEach checks that the hanging loser was interrupted and its worker is free again
    }

    @Test
    void invokeAnyWithTimeout_noneEndsInTime_throwsTimeoutExceptionAndCancelsAll() {
        List<Callable<Long>> tasks = List.of(new HangingTask(temp.resolve("a")), new HangingTask(temp.resolve("b")));

        long start = System.nanoTime();
        assertThrows(TimeoutException.class, () -> pool.invokeAny(tasks, 2, TimeUnit.SECONDS));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMs >= 1_900 && tookMs < 10_000, "gave up at the timeout, took " + tookMs + " ms");
    }

    @Test
    void cancelWithInterrupt_runningTaskIsCancelledAndItsWorkerFreed() {
        Path started = temp.resolve("hanging");
        Future<Long> hanging = pool.submit(new HangingTask(started));
        awaitStarted(started);

        assertTrue(hanging.cancel(true));

        assertTrue(hanging.isCancelled());
        assertThrows(CancellationException.class, hanging::get);
    }

    @Test
    void cancelQueuedTask_neverRuns() throws Exception {
        Path startedA = temp.resolve("a");
        Path startedB = temp.resolve("b");
        Future<Long> busyA = pool.submit(new HangingTask(startedA));
        Future<Long> busyB = pool.submit(new HangingTask(startedB));
        awaitStarted(startedA);
        awaitStarted(startedB);
        Path ran = temp.resolve("ran");
        Future<?> queued = pool.submit(new FileCreatingRunnable(ran, "should not run"));

        assertTrue(queued.cancel(false));
        busyA.cancel(true);
        busyB.cancel(true);
        awaitReadyWorkers(pool, 2); // both workers free again: the queued task had its chance

        assertTrue(queued.isCancelled());
        assertFalse(Files.exists(ran), "a cancelled queued task must not run");
    }

    @Test
    void execute_commandThrows_failureIsLoggedAsWarning() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, Charset.defaultCharset()));
        try {
            pool.execute(new ThrowingRunnable("nobody is waiting for this"));

            await().atMost(WORKER_BOUND).until(() -> {
                String log = captured.toString(Charset.defaultCharset());
                return log.contains("WARN dev.procpool.pool") && log.contains("submitted with execute() failed")
                        && log.contains(DeliberateException.class.getName() + ": nobody is waiting for this");
            });
        } finally {
            System.setErr(originalErr);
        }
    }

    @Test
    void map_returnsResultsInInputOrder_forAnyChunkSize() throws Exception {
        List<Integer> inputs = IntStream.range(0, 100).boxed().toList();
        List<Integer> squares = inputs.stream().map(x -> x * x).toList();
        SerializableFunction<Integer, Integer> square = x -> x * x;

        assertEquals(squares, pool.map(square, inputs));
        assertEquals(squares, pool.map(square, inputs, 1));
        assertEquals(squares, pool.map(square, inputs, 7));
        assertEquals(squares, pool.map(square, inputs, 1_000));
        assertEquals(List.of(), pool.map(square, List.of()));
    }

    @Test
    void map_anInputFails_throwsTheFirstFailureInInputOrder() {
        SerializableFunction<Integer, Integer> failOnMultiplesOf10 = x -> {
            if (x > 0 && x % 10 == 0) {
                throw new DeliberateException("failed on " + x, x);
            }
            return x;
        };

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> pool.map(failOnMultiplesOf10, IntStream.range(0, 50).boxed().toList(), 5));

        DeliberateException cause = assertInstanceOf(DeliberateException.class, failure.getCause());
        assertEquals(10, cause.code());
    }

    @Test
    void tenThreadsSubmitAtOnce_everyTaskRunsOnceWithItsOwnResult() throws Exception {
        int threads = 10;
        int perThread = 30;
        ExecutorService submitters = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(submitters.submit(() -> {
                    go.await();
                    List<Future<Integer>> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        int value = thread * 1_000 + i;
                        mine.add(pool.submit(() -> value));
                    }
                    List<Integer> values = new ArrayList<>();
                    for (Future<Integer> future : mine) {
                        values.add(valueOf(future));
                    }
                    return values;
                }));
            }
            go.countDown();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                List<Integer> expected = IntStream.range(0, perThread).map(i -> thread * 1_000 + i).boxed().toList();
                assertEquals(expected, results.get(t).get(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            submitters.shutdownNow();
        }
    }

    @Test
    void payloadLargerThanOneMebibyte_travelsBothWaysIntact() throws Exception {
        byte[] input = new byte[20 * 1024 * 1024];
        new Random(1234).nextBytes(input);
        byte[] expected = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            expected[i] = input[input.length - 1 - i];
        }

        long start = System.nanoTime();
        byte[] output = valueOf(pool.submit(new ReversingTask(input)));
        System.out.println("20 MiB there and back took " + (System.nanoTime() - start) / 1_000_000 + " ms");

        assertArrayEquals(expected, output);
        assertEquals(List.of(), leftoverPayloadFiles(), "out-of-band files are deleted once read");
    }

    private static List<Path> leftoverPayloadFiles() throws Exception {
        List<Path> found = new ArrayList<>();
        for (Path folder : NoLeakedWorkers.poolFolders()) {
            try (var files = Files.walk(folder)) {
                found.addAll(files.filter(f -> f.getFileName().toString().startsWith("payload-")).collect(Collectors.toList()));
            }
        }
        return found;
    }

}
