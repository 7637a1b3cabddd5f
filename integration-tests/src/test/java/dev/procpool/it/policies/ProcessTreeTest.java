package dev.procpool.it.policies;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.policies.TimeLimitAndCancelTest.GrandchildStartingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Processes that tasks start end with their worker even when the worker dies by itself, which the pool did not
 * cause and could not prepare for. (When the pool kills a worker, see {@link TimeLimitAndCancelTest}.)
 */
@ExtendWith(dev.procpool.it.NoLeakedWorkers.class)
class ProcessTreeTest {

    /** Starts a grandchild, writes its pid to {@code pidFile}, then calls {@code System.exit(3)}. */
    record GrandchildThenExitTask(String pidFile) implements SerializableCallable<Integer> {
        @Override
        public Integer call() throws Exception {
            long pid = new GrandchildStartingTask().call();
            Files.writeString(Path.of(pidFile), Long.toString(pid));
            System.exit(3);
            return 0;
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void workerKilledFromOutside_theProcessItStartedEndsToo() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).build()) {
            long grandchild = pool.submit(new GrandchildStartingTask()).get(60, TimeUnit.SECONDS);
            long workerPid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            // the grandchild lives on under its worker; meanwhile the pool notes it (it looks 4 times a second)
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> alive(grandchild));

            ProcessHandle.of(workerPid).orElseThrow().destroyForcibly();

            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(grandchild));
            assertEquals(7, pool.submit(() -> 7).get(60, TimeUnit.SECONDS), "the replacement serves");
        }
    }

    @Test
    void taskStartsProcessThenCallsSystemExit_theProcessEndsWithTheWorker(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        try (ProcessPoolExecutor pool = Pools.small(1).build()) {
            Future<Integer> exiting = pool.submit(new GrandchildThenExitTask(pidFile.toString()));
            ExecutionException e = assertThrows(ExecutionException.class, () -> exiting.get(60, TimeUnit.SECONDS));
            assertInstanceOf(WorkerCrashedException.class, e.getCause());
            long grandchild = Long.parseLong(Files.readString(pidFile));
            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(grandchild));
        }
    }
}
