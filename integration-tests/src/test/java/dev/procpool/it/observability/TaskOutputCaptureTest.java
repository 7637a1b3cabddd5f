package dev.procpool.it.observability;

import dev.procpool.Outcome;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.TaskOptions;
import dev.procpool.TaskOutput;
import dev.procpool.TaskOutputException;
import dev.procpool.WorkerOutput;
import dev.procpool.it.ConsoleCopy;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.ChattyTask;
import dev.procpool.it.fixtures.DeliberateException;
import dev.procpool.it.fixtures.PrintingFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskOptions#captureOutput}: what a task prints in its worker comes back with its outcome. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class TaskOutputCaptureTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final TaskOptions CAPTURE = TaskOptions.defaults().captureOutput(true);

    @Test
    void captureOutput_taskSucceeds_outputOfHoldsBothStreamsAndItsThreadsLines() throws Exception {
        try (ProcessPoolExecutor pool = Pools.quiet(1).build()) {
            Future<String> future = pool.submit(new ChattyTask("to stdout", "to stderr", 2, false), CAPTURE);

            assertEquals("done", future.get(BOUND.toSeconds(), TimeUnit.SECONDS));
            TaskOutput output = pool.outputOf(future).orElseThrow();
            assertEquals(lines("to stdout\n", "to stdout\n", "from a thread the task started\n"), output.stdout());
            assertEquals(lines("to stderr\n", "to stderr\n"), output.stderr());
            assertFalse(output.truncated());
        }
    }

    @Test
    void captureOutput_taskThrows_outputSuppressedByItsExceptionAndInOutputOf() throws Exception {
        try (ProcessPoolExecutor pool = Pools.quiet(1).build()) {
            Future<String> future = pool.submit(new ChattyTask("before failing", "about to fail", 1, true), CAPTURE);

            ExecutionException thrown = assertThrows(ExecutionException.class,
                    () -> future.get(BOUND.toSeconds(), TimeUnit.SECONDS));
            DeliberateException cause = assertInstanceOf(DeliberateException.class, thrown.getCause());
            assertEquals(1, cause.getSuppressed().length, Arrays.toString(cause.getSuppressed()));
            TaskOutputException attached = assertInstanceOf(TaskOutputException.class, cause.getSuppressed()[0]);
            assertEquals(lines("before failing\n", "from a thread the task started\n"), attached.output().stdout());
            assertEquals(lines("about to fail\n"), attached.output().stderr());
            assertTrue(attached.getMessage().contains("printed:\n--- stdout ---\nbefore failing"), attached.getMessage());
            assertEquals(attached.output(), pool.outputOf(future).orElseThrow());
        }
    }

    @Test
    void captureOutput_printsPastTheBound_keepsTheFirstBytesOfEachStreamAndCountsTheRest() throws Exception {
        String line = "x".repeat(99); // 100 bytes with the line break
        int times = 1000; // 100,000 bytes a stream
        try (ProcessPoolExecutor pool = Pools.quiet(1).build()) {
            Future<String> future = pool.submit(new ChattyTask(line, line, times, false), CAPTURE);
            future.get(BOUND.toSeconds(), TimeUnit.SECONDS);

            TaskOutput output = pool.outputOf(future).orElseThrow();
            int printedPerStream = 100 * times;
            assertEquals(TaskOutput.MAX_BYTES_PER_STREAM, output.stdout().length());
            assertEquals(TaskOutput.MAX_BYTES_PER_STREAM, output.stderr().length());
            long threadLine = lines("from a thread the task started\n").length();
            assertEquals(2L * (printedPerStream - TaskOutput.MAX_BYTES_PER_STREAM) + threadLine, output.omittedBytes());
            assertTrue(output.truncated());
            assertTrue(output.toString().contains(output.omittedBytes() + " more bytes not kept"), output.toString());
        }
    }

    @Test
    void noCapture_sameTask_outputOfEmptyAndLinesStillReachTheWorkersStream() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream parentOut = new ByteArrayOutputStream();
        System.setOut(ConsoleCopy.tee(original, parentOut));
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1)
                .workerOutput(WorkerOutput.PARENT_STREAMS).build()) {
            Future<String> plain = pool.submit(new ChattyTask("not captured", "e", 1, false));
            Future<String> captured = pool.submit(new ChattyTask("captured too", "e", 1, false), CAPTURE);
            plain.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            captured.get(BOUND.toSeconds(), TimeUnit.SECONDS);

            assertTrue(pool.outputOf(plain).isEmpty());
            assertEquals(lines("captured too\n", "from a thread the task started\n"),
                    pool.outputOf(captured).orElseThrow().stdout());
            await().atMost(BOUND).until(() -> ConsoleCopy.text(parentOut).matches(
                    "(?s).*\\[procpool-worker-\\d+] not captured.*\\[procpool-worker-\\d+] captured too.*"));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void captureOutput_submitAsync_outputOfFollowsTheTask() throws Exception {
        try (ProcessPoolExecutor pool = Pools.quiet(1).build()) {
            CompletableFuture<String> async = pool.submitAsync(new ChattyTask("async", "e", 1, false));
            async.get(BOUND.toSeconds(), TimeUnit.SECONDS);

            assertTrue(pool.outputOf(async).isEmpty(), "submitAsync takes no options, so nothing is captured");
        }
    }

    @Test
    void outputOf_futureOfAnotherExecutor_illegalArgumentSaysWhich() throws Exception {
        try (ProcessPoolExecutor pool = Pools.quiet(1).build()) {
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                    () -> pool.outputOf(new CompletableFuture<>()));
            assertEquals("not a future of a process pool: java.util.concurrent.CompletableFuture; pass the future"
                    + " that submit, invokeAll or submitAsync returned", thrown.getMessage());
        }
    }

    @Test
    void batch_captureOutput_eachOutcomeCarriesItsOwnInputsOutput() {
        try (ProcessPoolExecutor pool = Pools.quiet(2).build();
             Stream<Outcome<Integer, Integer>> outcomes = pool.batch(new PrintingFunction(), List.of(1, 2, -3, 4, 5, 6, 7))
                     .chunkSize(3).captureOutput(true).stream()) {
            List<Outcome<Integer, Integer>> all = outcomes.toList();

            assertEquals(7, all.size());
            for (Outcome<Integer, Integer> outcome : all) {
                int n = outcome.input();
                TaskOutput output = outcome.output().orElseThrow(() -> new AssertionError("no output for " + n));
                assertEquals(lines("input " + n + "\n"), output.stdout());
                assertEquals(lines("warn " + n + "\n"), output.stderr());
                assertEquals(n >= 0, outcome.succeeded());
            }
        }
    }

    @Test
    void batch_withoutCapture_outcomesHaveNoOutput() {
        try (ProcessPoolExecutor pool = Pools.quiet(1).build();
             Stream<Outcome<Integer, Integer>> outcomes = pool.batch(new PrintingFunction(), List.of(1, 2)).stream()) {
            assertTrue(outcomes.allMatch(o -> o.output().isEmpty()));
        }
    }

    /** The lines as the worker's println wrote them, with this OS's line separator. */
    private static String lines(String... lines) {
        return String.join("", lines).replace("\n", System.lineSeparator());
    }
}
