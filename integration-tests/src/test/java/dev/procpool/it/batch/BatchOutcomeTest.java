package dev.procpool.it.batch;

import dev.procpool.Outcome;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.TaskTimeoutException;
import dev.procpool.WorkerCrashedException;
import dev.procpool.WorkerOutput;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.DeliberateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One input, one outcome: an input that throws or crashes its worker fails alone, with its own cause, and every
 * other input of the batch, including those that shared its chunk, succeeds.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class BatchOutcomeTest {

    static ProcessPoolExecutor quietPool(int workers) {
        return ProcessPoolExecutor.builder().workers(workers).workerOutput(WorkerOutput.DISCARD).build();
    }

    static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void haltingAndThrowingInputsAmongHundred_ninetyEightSucceedInOrder_theTwoFailWithTheirOwnCauses() {
        try (ProcessPoolExecutor pool = quietPool(2);
             Stream<Outcome<Integer, Integer>> stream = pool.batch(new PoisonFunction(37, 61), upTo(100)).stream()) {
            List<Outcome<Integer, Integer>> outcomes = stream.toList();

            assertEquals(100, outcomes.size());
            for (int i = 0; i < 100; i++) {
                Outcome<Integer, Integer> outcome = outcomes.get(i);
                assertEquals(i, outcome.index(), "in input order");
                assertEquals(i, outcome.input());
                if (i != 37 && i != 61) {
                    assertTrue(outcome.succeeded(), outcome::toString);
                    assertEquals(2 * i, outcome.result());
                }
            }
            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, outcomes.get(37).failure());
            DeliberateException thrown = assertInstanceOf(DeliberateException.class, outcomes.get(61).failure());
            assertAll(
                    () -> assertEquals(PoisonFunction.EXIT_CODE, crash.exitCode()),
                    () -> assertTrue(crash.getMessage().contains("batch input 37"), crash::getMessage),
                    () -> assertEquals("input 61 throws, as planned", thrown.getMessage()),
                    () -> assertEquals(61, thrown.code()),
                    () -> assertFalse(outcomes.get(37).succeeded()),
                    () -> assertEquals(98, outcomes.stream().filter(Outcome::succeeded).count()));
            IllegalStateException noResult = assertThrows(IllegalStateException.class, () -> outcomes.get(61).result());
            assertTrue(noResult.getMessage().contains("DeliberateException"), noResult::getMessage);
            assertEquals(thrown, noResult.getCause());
        }
    }

    @Test
    void poisonInChunkOfTen_chunkMatesAllSucceed_poisonAloneFails() {
        try (ProcessPoolExecutor pool = quietPool(2);
             Stream<Outcome<Integer, Integer>> stream = pool.batch(new PoisonFunction(14, -1), upTo(30))
                     .chunkSize(10).ordered(false).stream()) {
            List<Outcome<Integer, Integer>> outcomes = stream.toList();

            assertEquals(30, outcomes.size());
            for (Outcome<Integer, Integer> outcome : outcomes) {
                if (outcome.index() == 14) {
                    assertInstanceOf(WorkerCrashedException.class, outcome.failure());
                } else {
                    assertTrue(outcome.succeeded(), outcome::toString);
                    assertEquals(2 * outcome.input(), outcome.result());
                }
            }
            assertEquals(IntStream.range(0, 30).boxed().toList(),
                    outcomes.stream().map(o -> (int) o.index()).sorted().toList(), "each input exactly once");
        }
    }

    @Test
    void inputCrashesOnce_withPoolRetriesOne_succeedsOnItsRetry_everyInputSucceeds(@TempDir Path temp) {
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(2).workerOutput(WorkerOutput.DISCARD)
                .retries(1).build();
             Stream<Outcome<Integer, Integer>> stream = pool.batch(
                     new HaltsOnceFunction(5, temp.resolve("halted").toString()), upTo(12)).chunkSize(4).stream()) {
            List<Outcome<Integer, Integer>> outcomes = stream.toList();

            assertEquals(upTo(12).stream().map(i -> i * 2).toList(), outcomes.stream().map(Outcome::result).toList());
        }
    }

    @Test
    void inputRunsPastTimeLimit_failsAloneWithTaskTimeoutException_chunkMatesSucceed() {
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(2).workerOutput(WorkerOutput.DISCARD)
                .timeLimit(Duration.ofSeconds(2)).build();
             Stream<Outcome<Long, Long>> stream = pool.batch(new SlowFunction(5, 30_000),
                     LongStream.range(0, 8).boxed().toList()).chunkSize(4).stream()) {
            List<Outcome<Long, Long>> outcomes = stream.toList();

            for (Outcome<Long, Long> outcome : outcomes) {
                if (outcome.index() == 5) {
                    assertInstanceOf(TaskTimeoutException.class, outcome.failure());
                } else {
                    assertEquals(outcome.input(), outcome.result());
                }
            }
            assertEquals(8, outcomes.size());
        }
    }
}
