package dev.procpool.it.policies;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.TaskOptions;
import dev.procpool.WorkerCrashedException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@org.junit.jupiter.api.extension.ExtendWith(dev.procpool.it.NoLeakedWorkers.class)
class RetryAndPoisonTest {

    /** Halts its worker on every attempt. */
    static final class PoisonTask implements SerializableCallable<Integer> {
        @Override
        public Integer call() {
            Runtime.getRuntime().halt(77);
            return -1;
        }
    }

    /** Halts its worker on the first attempt only: the marker file tells a retry from the first run. */
    record HaltsOnceTask(String marker) implements SerializableCallable<String> {
        @Override
        public String call() throws Exception {
            java.nio.file.Path file = java.nio.file.Path.of(marker);
            if (java.nio.file.Files.notExists(file)) {
                java.nio.file.Files.createFile(file);
                Runtime.getRuntime().halt(78);
            }
            return "second attempt in pid " + ProcessHandle.current().pid();
        }
    }

    @Test
    void crashWithoutRetries_failsOnce_atMostOnce() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).build()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> pool.submit(new PoisonTask()).get(60, TimeUnit.SECONDS));
            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, e.getCause());
            assertEquals(77, crash.exitCode());
            assertEquals(0, crash.getSuppressed().length, "no retry by default");
        }
    }

    @Test
    void crashWithRetries_runsAgainOnAnotherWorker_andSucceeds(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).build()) {
            String result = pool.submit(new HaltsOnceTask(dir.resolve("ran-once").toString()),
                    TaskOptions.defaults().retries(1)).get(60, TimeUnit.SECONDS).toString();
            assertTrue(result.startsWith("second attempt"), result);
        }
    }

    @Test
    void poisonAmongHundredGoodTasks_withRetriesTwo_goodSucceed_poisonFailsAfterThreeCrashes() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(2).retries(2).build()) {
            List<Future<Integer>> good = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                good.add(pool.submit(() -> n * 2));
            }
            Future<Integer> poison = pool.submit(new PoisonTask());
            for (int i = 50; i < 100; i++) {
                int n = i;
                good.add(pool.submit(() -> n * 2));
            }
            for (int i = 0; i < 100; i++) {
                assertEquals(i * 2, good.get(i).get(120, TimeUnit.SECONDS));
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> poison.get(120, TimeUnit.SECONDS));
            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, e.getCause());
            assertEquals(2, crash.getSuppressed().length, "the two earlier crashes ride along");
            assertTrue(crash.getMessage().contains("crashed its worker on all 3 attempts"), crash.getMessage());
            assertEquals(84, pool.submit(() -> 42 * 2).get(60, TimeUnit.SECONDS), "the pool still serves");
        }
    }
}
