package dev.procpool.micrometer;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.WorkerOutput;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binder over a real pool with one worker JVM, read through a real {@link SimpleMeterRegistry}. */
@Timeout(120)
class ProcessPoolMetricsTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** Every worker JVM and pool folder a test made is gone soon after it closed its pool. */
    @AfterEach
    void noWorkerOrFolderOutlivesTheTest() throws IOException {
        await("the test's worker JVMs to exit").atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
        String prefix = "procpool-" + ProcessHandle.current().pid() + "-";
        await("the test's pool folders to be removed").atMost(Duration.ofSeconds(10)).until(() -> {
            try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                return entries.noneMatch(p -> p.getFileName().toString().startsWith(prefix));
            }
        });
    }

    @Test
    void build_tasksCompleteAndFail_timersCountersAndGaugesAgree() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProcessPoolMetrics metrics = new ProcessPoolMetrics("metrics-test", Tags.of("app", "test"));
        metrics.bindTo(registry); // before the pool exists: its figures read 0
        assertEquals(0, registry.get("procpool.workers.size").tag("pool", "metrics-test").gauge().value());

        try (ProcessPoolExecutor pool = metrics.build(ProcessPoolExecutor.builder().workers(1)
                .workerOutput(WorkerOutput.DISCARD))) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                futures.add(pool.submit((SerializableCallable<Integer>) () -> n * 2));
            }
            Future<Integer> failing = pool.submit((SerializableCallable<Integer>) () -> {
                throw new IllegalStateException("deliberate");
            });
            for (Future<Integer> future : futures) {
                future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            assertThrows(ExecutionException.class, () -> failing.get(BOUND.toSeconds(), TimeUnit.SECONDS));

            await("the listener's events to reach the timers").atMost(BOUND).until(() ->
                    registry.get("procpool.task.duration").tag("outcome", "completed").timer().count() == 3
                            && registry.get("procpool.task.duration").tag("outcome", "failed").timer().count() == 1);
            assertEquals(3, registry.get("procpool.tasks").tag("outcome", "completed").functionCounter().count());
            assertEquals(1, registry.get("procpool.tasks").tag("outcome", "failed").functionCounter().count());
            assertEquals(1, registry.get("procpool.workers.size").tags("pool", "metrics-test", "app", "test")
                    .gauge().value());
            assertEquals(1, registry.get("procpool.workers.started").functionCounter().count());
            assertEquals(1, registry.get("procpool.worker.start").timer().count());
            assertTrue(registry.get("procpool.worker.start").timer().totalTime(TimeUnit.NANOSECONDS) > 0);
            assertEquals(1, pool.stats().idleWorkers() + pool.stats().busyWorkers());
        }
        await("the worker's exit to be counted").atMost(BOUND).until(() ->
                registry.find("procpool.worker.exits").tag("kind", "RETIRED").counter() != null
                        && registry.get("procpool.worker.exits").tag("kind", "RETIRED").counter().count() == 1);
    }

    @Test
    void watch_poolBuiltElsewhere_statsFiguresOnly() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.DISCARD)
                .build()) {
            ProcessPoolMetrics metrics = new ProcessPoolMetrics("elsewhere").watch(pool);
            metrics.bindTo(registry);
            pool.submit((SerializableCallable<String>) () -> "x").get(BOUND.toSeconds(), TimeUnit.SECONDS);

            assertEquals(1, registry.get("procpool.tasks").tag("outcome", "completed").functionCounter().count());
            assertEquals(0, registry.get("procpool.task.duration").tag("outcome", "completed").timer().count(),
                    "no listener, no durations");
        }
    }

    @Test
    void watch_secondPool_illegalStateSaysOnePerPool() throws Exception {
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.DISCARD)
                .build()) {
            ProcessPoolMetrics metrics = new ProcessPoolMetrics("once").watch(pool);
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> metrics.watch(pool));
            assertEquals("these metrics already watch a pool called once; make one ProcessPoolMetrics per pool",
                    thrown.getMessage());
            assertThrows(IllegalStateException.class, () -> metrics.build(ProcessPoolExecutor.builder().workers(1)));
        }
    }
}
