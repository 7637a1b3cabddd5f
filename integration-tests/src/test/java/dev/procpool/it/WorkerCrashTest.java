package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.fixtures.AllocatingTask;
import dev.procpool.it.fixtures.ExitingTask;
import dev.procpool.it.fixtures.HaltingTask;
import dev.procpool.it.fixtures.HangingTask;
import dev.procpool.it.fixtures.PidTask;
import dev.procpool.it.fixtures.SleepingTask;
import dev.procpool.it.fixtures.StartedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;

import static dev.procpool.it.Pools.awaitReadyWorkers;
import static dev.procpool.it.Pools.awaitStarted;
import static dev.procpool.it.Pools.failureOf;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker JVM that dies in the middle of a task fails exactly that task's future with
 * {@link WorkerCrashedException}, says why as far as it can tell, and the pool carries on: tasks on other workers
 * and tasks waiting for a worker succeed, and a replacement worker serves new tasks.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class WorkerCrashTest {
    @TempDir
    Path temp;

    @Test
    void workerHaltsMidTask_onlyThatFutureFails_bystanderAndQueuedTasksSucceed() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(2).build()) {
            Set<Long> original = awaitReadyWorkers(pool, 2);
            Path started = temp.resolve("halting");
            Future<Void> halting = pool.submit(new HaltingTask(started, 500, "halting now, as planned", 3));
            long victim = awaitStarted(started);
            Future<Long> bystander = pool.submit(new SleepingTask(1_500)); // the other worker is idle: runs there
            List<Future<Long>> queued = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                queued.add(pool.submit(new PidTask())); // both workers busy: these wait in the parent
            }

            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, failureOf(halting));
            assertAll(
                    () -> assertEquals(victim, crash.pid(), "pid"),
                    () -> assertEquals(StartedFile.workerId(started), crash.workerId(), "workerId"),
                    () -> assertEquals(3, crash.exitCode(), "exitCode"),
                    () -> assertEquals(Optional.empty(), crash.signal(), "signal"),
                    () -> assertTrue(crash.lastStderrLines().contains("halting now, as planned"), crash.lastStderrLines()::toString),
                    () -> assertTrue(crash.getMessage().contains("exited with code 3"), crash::getMessage),
                    () -> assertTrue(crash.getMessage().contains("Runtime.halt"), crash::getMessage),
                    () -> assertTrue(crash.getMessage().contains("HaltingTask"), crash::getMessage),
                    () -> assertTrue(crash.getMessage().contains("halting now, as planned"), crash::getMessage));
            long bystanderPid = valueOf(bystander);
            assertNotEquals(victim, bystanderPid, "the bystander ran on the other worker");
            assertTrue(original.contains(bystanderPid), "the bystander's worker is one of the original two");
            for (Future<Long> future : queued) {
                assertNotEquals(victim, valueOf(future), "queued tasks ran on a live worker");
            }
            assertNotEquals(victim, valueOf(pool.submit(new PidTask())));
        }
    }

    @Test
    void workerCrashesAfterShutdown_queuedTasksStillRunOnAReplacement() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            Path started = temp.resolve("halting");
            Future<Void> halting = pool.submit(new HaltingTask(started, 300, "halting during shutdown", 9));
            List<Future<Long>> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(pool.submit(new PidTask()));
            }
            long victim = awaitStarted(started);

            pool.shutdown();

            assertInstanceOf(WorkerCrashedException.class, failureOf(halting));
            for (Future<Long> future : queued) {
                assertNotEquals(victim, valueOf(future), "ran on the replacement");
            }
            assertTrue(pool.awaitTermination(Pools.WORKER_BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void taskCallsSystemExit_futureFailsSayingSoAndReplacementServes() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            long before = valueOf(pool.submit(new PidTask()));
            Future<Void> exiting = pool.submit(new ExitingTask(42));
            Future<Long> queued = pool.submit(new PidTask());

            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, failureOf(exiting));
            assertAll(
                    () -> assertEquals(before, crash.pid(), "pid"),
                    () -> assertEquals(1, crash.workerId(), "workerId"),
                    () -> assertEquals(42, crash.exitCode(), "exitCode"),
                    () -> assertTrue(crash.getMessage().contains("the task called System.exit(42)"), crash::getMessage),
                    () -> assertTrue(crash.getMessage().contains("ExitingTask.call"), "names where exit was called: " + crash.getMessage()));
            long after = valueOf(queued);
            assertNotEquals(before, after, "a replacement worker ran the queued task");
            assertEquals(after, valueOf(pool.submit(new PidTask())));
        }
    }

    @Test
    void workerKilledFromOutsideMidTask_futureFailsWithItsExitStatus() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            Path started = temp.resolve("hanging");
            Future<Long> hanging = pool.submit(new HangingTask(started));
            Future<Long> queued = pool.submit(new PidTask());
            long victim = awaitStarted(started);

            long killedAt = System.nanoTime();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, failureOf(hanging));
            long failedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("kill -9 of worker -> its future failed after " + failedAfterMs + " ms");

            assertEquals(victim, crash.pid());
            assertEquals(StartedFile.workerId(started), crash.workerId());
            assertTrue(crash.getMessage().contains("HangingTask"), crash::getMessage);
            assertNotEquals(victim, valueOf(queued));
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void workerKilledWithSigkill_exceptionNamesTheSignal() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            Path started = temp.resolve("hanging");
            Future<Long> hanging = pool.submit(new HangingTask(started));
            ProcessHandle.of(awaitStarted(started)).orElseThrow().destroyForcibly();

            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, failureOf(hanging));
            assertEquals(137, crash.exitCode());
            assertEquals(Optional.of("SIGKILL"), crash.signal());
            assertTrue(crash.getMessage().contains("(SIGKILL)"), crash::getMessage);
            assertTrue(crash.getMessage().contains("killed with SIGKILL"), crash::getMessage);
        }
    }

    @Test
    void idleWorkerKilledFromOutside_replacedWithoutFailingAnything() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            long victim = valueOf(pool.submit(new PidTask()));
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            org.awaitility.Awaitility.await().atMost(Pools.WORKER_BOUND).until(() -> !Processes.isRunning(victim));

            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(pool.submit(new PidTask()));
            }
            for (Future<Long> future : futures) {
                assertNotEquals(victim, valueOf(future));
            }
        }
    }

    @Test
    void taskRunsOutOfMemory_workerExitsAndMessageNamesOutOfMemoryError() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).jvmOptions(List.of("-Xmx64m")).build()) {
            long before = valueOf(pool.submit(new PidTask()));
            Future<Integer> allocating = pool.submit(new AllocatingTask());
            Future<Long> queued = pool.submit(new PidTask());

            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, failureOf(allocating));
            assertAll(
                    () -> assertEquals(before, crash.pid(), "pid"),
                    () -> assertEquals(3, crash.exitCode(), "ExitOnOutOfMemoryError exits with 3"),
                    () -> assertTrue(crash.getMessage().contains("ran out of memory"), crash::getMessage),
                    () -> assertTrue(crash.getMessage().contains("java.lang.OutOfMemoryError: Java heap space"), crash::getMessage),
                    () -> assertTrue(crash.getMessage().contains("-Xmx"), "suggests more heap: " + crash.getMessage()),
                    () -> assertTrue(crash.lastStderrLines().stream().anyMatch(l -> l.contains("OutOfMemoryError")),
                            crash.lastStderrLines()::toString));
            assertNotEquals(before, valueOf(queued));
        }
    }
}
