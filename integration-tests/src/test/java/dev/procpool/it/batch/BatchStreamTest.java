package dev.procpool.it.batch;

import dev.procpool.BatchProgress;
import dev.procpool.Outcome;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.NoLeakedWorkers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static dev.procpool.it.batch.BatchOutcomeTest.quietPool;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch is a lazy stream: it takes inputs as it is read, holds a bounded number of them, delivers in input
 * order or as completed, reports progress, and closing it early leaves the pool usable.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class BatchStreamTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void billionLazyInputs_thousandTaken_pullsBoundedNumber_andPoolServesAfterClose() throws Exception {
        CountingInputs inputs = new CountingInputs(1_000_000_000L);
        try (ProcessPoolExecutor pool = quietPool(2)) {
            List<Long> results;
            try (Stream<Outcome<Long, Long>> outcomes = pool.batch(new SlowFunction(-1, 0), inputs).maxInFlight(300)
                    .stream()) {
                results = outcomes.limit(1000).map(Outcome::result).toList();
            }

            assertEquals(LongStream.range(0, 1000).boxed().toList(), results);
            assertTrue(inputs.taken.get() <= 1000 + 300, "took " + inputs.taken.get() + " inputs for 1000 outcomes");
            assertEquals(42, pool.submit(() -> 6 * 7).get(BOUND.toSeconds(), TimeUnit.SECONDS), "the pool still serves");
        }
    }

    @Test
    void orderedStreamWaitingOnSlowInput_stopsPullingAtMaxInFlight() {
        CountingInputs inputs = new CountingInputs(10_000);
        AtomicLong takenWhenFirstArrived = new AtomicLong(-1);
        try (ProcessPoolExecutor pool = quietPool(2);
             Stream<Outcome<Long, Long>> outcomes = pool.batch(new SlowFunction(0, 3_000), inputs)
                     .maxInFlight(20).chunkSize(1).stream()) {
            List<Long> indexes = outcomes.limit(50).peek(o -> takenWhenFirstArrived.compareAndSet(-1, inputs.taken.get()))
                    .map(Outcome::index).toList();

            assertEquals(LongStream.range(0, 50).boxed().toList(), indexes);
            assertTrue(takenWhenFirstArrived.get() <= 20, "took " + takenWhenFirstArrived.get()
                    + " inputs while the ordered stream waited for input 0; maxInFlight is 20");
        }
    }

    @Test
    void unorderedStream_deliversOutcomesAsTheyComplete() {
        List<Long> inputs = LongStream.range(0, 10).boxed().toList();
        try (ProcessPoolExecutor pool = quietPool(2);
             Stream<Outcome<Long, Long>> outcomes = pool.batch(new SlowFunction(0, 3_000), inputs)
                     .chunkSize(1).ordered(false).stream()) {
            List<Long> order = outcomes.map(Outcome::index).toList();

            assertEquals(10, order.size());
            assertEquals(0L, order.get(order.size() - 1), "the slow input comes last: " + order);
        }
    }

    @Test
    void progress_reportsAtMostTenTimesASecond_lastReportCountsEveryInput() {
        List<BatchProgress> reports = new CopyOnWriteArrayList<>();
        List<Integer> inputs = BatchOutcomeTest.upTo(100);
        long startNs = System.nanoTime();
        try (ProcessPoolExecutor pool = quietPool(2);
             Stream<Outcome<Integer, Integer>> outcomes = pool.batch(new PoisonFunction(-1, 7), inputs)
                     .onProgress(reports::add).stream()) {
            assertEquals(99, outcomes.filter(Outcome::succeeded).count());
        }
        await("the last progress report").atMost(BOUND).until(() -> !reports.isEmpty() && reports.get(reports.size() - 1).isLast());
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        BatchProgress last = reports.get(reports.size() - 1);
        assertEquals(100, last.completed(), last::toString);
        assertEquals(1, last.failed(), last::toString);
        assertEquals(100, last.submitted(), last::toString);
        assertEquals(100, last.total().orElse(-1), last::toString);
        assertEquals(1, reports.stream().filter(BatchProgress::isLast).count(), "one last report");
        assertTrue(reports.size() <= elapsedMs / 100 + 2, reports.size() + " reports in " + elapsedMs + " ms");
        List<Long> completed = new ArrayList<>();
        reports.forEach(r -> completed.add(r.completed()));
        assertEquals(completed.stream().sorted().toList(), completed, "completed never goes down");
    }

    @Test
    void streamClosedWhileInputsRun_cancelsThem_andPoolServesAtOnce() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1)) {
            try (Stream<Outcome<Long, Long>> outcomes = pool.batch(new SlowFunction(1, 60_000),
                    LongStream.range(0, 1_000).boxed().toList()).chunkSize(1).stream()) {
                assertEquals(0L, outcomes.findFirst().orElseThrow().result());
            }
            long start = System.nanoTime();
            assertEquals(42, pool.submit(() -> 6 * 7).get(BOUND.toSeconds(), TimeUnit.SECONDS));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs < 30_000, "the slow input was cancelled, not waited for: " + waitedMs + " ms");
        }
    }
}
