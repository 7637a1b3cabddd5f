package dev.procpool.it.batch;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.NoLeakedWorkers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static dev.procpool.it.batch.BatchOutcomeTest.quietPool;
import static dev.procpool.it.batch.BatchOutcomeTest.upTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code map} narrows a crash down to its input: the inputs that shared a chunk with it are not blamed. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class MapCrashTest {
    @TempDir
    Path temp;

    @Test
    void inputCrashesOnce_chunkMatesRerunAndSucceed_mapReturnsEveryResult() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(2)) {
            List<Integer> results = pool.map(new HaltsOnceFunction(13, temp.resolve("halted").toString()), upTo(40), 10);

            assertEquals(upTo(40).stream().map(i -> i * 2).toList(), results);
        }
    }

    @Test
    void inputAlwaysCrashes_mapThrowsTheCrashOfThatInputAlone() {
        try (ProcessPoolExecutor pool = quietPool(2)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pool.map(new PoisonFunction(13, -1), upTo(40), 10));

            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, e.getCause());
            assertTrue(crash.getMessage().contains("map input 13,"), crash::getMessage);
        }
    }

    @Test
    void inputAlwaysCrashes_inAChunkOf1000_mapThrowsTheCrashOfThatInputAlone() {
        // 1,000 inputs are narrowed in two rounds: 32 pieces of 31 or 32, then each input of the crashing piece
        try (ProcessPoolExecutor pool = quietPool(2)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pool.map(new PoisonFunction(617, -1), upTo(1000), 1000));

            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, e.getCause());
            assertTrue(crash.getMessage().contains("map input 617,"), crash::getMessage);
        }
    }
}
