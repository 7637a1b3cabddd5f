package dev.procpool.it.policies;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.TaskOptions;
import dev.procpool.TaskTimeoutException;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@org.junit.jupiter.api.extension.ExtendWith(dev.procpool.it.NoLeakedWorkers.class)
class TimeLimitAndCancelTest {

    /** Spins forever and ignores interrupts: only killing its worker stops it. Touches {@code started} first. */
    record HangingTask(String started) implements SerializableCallable<Integer> {
        HangingTask() {
            this(null);
        }

        @Override
        public Integer call() throws Exception {
            Markers.touch(started);
            while (true) {
                Thread.onSpinWait();
            }
        }
    }

    /** Sleeps; touches {@code started} first and {@code interrupted} if interrupted. */
    record SleepingTask(long millis, String started, String interrupted) implements SerializableCallable<String> {
        SleepingTask(long millis) {
            this(millis, null, null);
        }

        @Override
        public String call() throws Exception {
            Markers.touch(started);
            try {
                Thread.sleep(millis);
                return "slept";
            } catch (InterruptedException e) {
                Markers.touch(interrupted);
                return "interrupted";
            }
        }
    }

    /** Returns once a file exists (polling inside the worker), so it wins only after the loser has started. */
    record AwaitFileTask(String file) implements SerializableCallable<String> {
        @Override
        public String call() throws InterruptedException {
            while (!java.nio.file.Files.exists(java.nio.file.Path.of(file))) {
                Thread.sleep(5);
            }
            return "saw it";
        }
    }

    /** Files that tasks create so the test can wait for an event in the worker. */
    static final class Markers {
        static void touch(String file) throws java.io.IOException {
            if (file != null) {
                java.nio.file.Files.writeString(java.nio.file.Path.of(file), "x");
            }
        }
    }

    /** Starts a grandchild process (a JVM sleeping a minute), reports its pid, then hangs. */
    static final class GrandchildStartingTask implements SerializableCallable<Long> {
        @Override
        public Long call() throws Exception {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process child = new ProcessBuilder(java, "-Xmx16m", "-cp", System.getProperty("java.class.path"),
                    Sleeper.class.getName()).start();
            return child.pid();
        }
    }

    /** A grandchild's main. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(60_000);
        }
    }

    @Test
    void hungTaskUnderTimeLimit_failsWithTimeout_workerReplaced_poolServes() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).interruptGrace(Duration.ofMillis(300)).build()) {
            long firstPid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            Future<Integer> hung = pool.submit(new HangingTask(), TaskOptions.defaults().timeLimit(Duration.ofMillis(200)));
            ExecutionException e = assertThrows(ExecutionException.class, () -> hung.get(30, TimeUnit.SECONDS));
            TaskTimeoutException timeout = assertInstanceOf(TaskTimeoutException.class, e.getCause());
            assertTrue(timeout.getMessage().contains("exceeded its time limit of 200 ms"), timeout.getMessage());
            long nextPid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            assertNotEquals(firstPid, nextPid, "the hung worker was killed and replaced");
            assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void taskThatHonoursInterrupt_underPoolTimeLimit_failsWithTimeout_workerKept() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).timeLimit(Duration.ofMillis(200)).build()) {
            long pid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pool.submit(new SleepingTask(30_000)).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TaskTimeoutException.class, e.getCause());
            assertEquals(pid, pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS),
                    "an interrupted task that returns does not cost its worker");
        }
    }

    @Test
    void cancelTrueOnRunningTask_interruptsItInTheWorker(@TempDir Path dir) throws Exception {
        Path started = dir.resolve("started");
        Path interrupted = dir.resolve("interrupted");
        try (ProcessPoolExecutor pool = Pools.small(1).build()) {
            long pid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            Future<String> sleeper = pool.submit(new SleepingTask(60_000, started.toString(), interrupted.toString()));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started));
            assertTrue(sleeper.cancel(true));
            assertThrows(CancellationException.class, sleeper::get);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(interrupted));
            assertEquals(pid, pool.submit(() -> ProcessHandle.current().pid()).get(30, TimeUnit.SECONDS),
                    "a task that stops when interrupted does not cost its worker");
        }
    }

    @Test
    void cancelFalseOnQueuedTask_removesIt_itNeverRuns() throws Exception {
        try (ProcessPoolExecutor pool = Pools.small(1).build()) {
            Future<String> blocker = pool.submit(new SleepingTask(1_000));
            Future<String> queued = pool.submit(new SleepingTask(0));
            assertTrue(queued.cancel(false));
            assertEquals("slept", blocker.get(60, TimeUnit.SECONDS));
            assertTrue(queued.isCancelled());
            assertEquals(5, pool.submit(() -> 5).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void cancelTrueOnTaskIgnoringInterrupt_killsWorkerAfterGrace_andItsGrandchild(@TempDir Path dir) throws Exception {
        Path started = dir.resolve("started");
        try (ProcessPoolExecutor pool = Pools.small(1).interruptGrace(Duration.ofMillis(300)).build()) {
            long grandchild = pool.submit(new GrandchildStartingTask()).get(60, TimeUnit.SECONDS);
            long workerPid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
            assertTrue(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false));
            Future<Integer> hung = pool.submit(new HangingTask(started.toString()));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started));
            assertTrue(hung.cancel(true));
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(workerPid).isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(grandchild).isEmpty());
            assertEquals(9, pool.submit(() -> 9).get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void invokeAny_firstSuccessWins_loserIsInterrupted(@TempDir Path dir) throws Exception {
        Path loserStarted = dir.resolve("loser-started");
        Path loserInterrupted = dir.resolve("loser-interrupted");
        try (ProcessPoolExecutor pool = Pools.small(2).build()) {
            pool.invokeAll(List.<SerializableCallable<Integer>>of(() -> 0, () -> 0)); // both workers up
            SleepingTask loser = new SleepingTask(60_000, loserStarted.toString(), loserInterrupted.toString());
            assertEquals("saw it", pool.invokeAny(List.of(loser, new AwaitFileTask(loserStarted.toString()))));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(loserInterrupted));
            assertTrue(Files.exists(loserStarted));
        }
    }
}
