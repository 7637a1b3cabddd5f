package dev.procpool.internal.launcher;

import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.StopNow;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerRetired;
import dev.procpool.internal.ipc.WorkerActivityFile;
import dev.procpool.internal.launcher.TestTasks.AddTask;
import dev.procpool.internal.launcher.TestTasks.ExitingTask;
import dev.procpool.internal.launcher.TestTasks.HangingTask;
import dev.procpool.internal.launcher.TestTasks.PrintingTask;
import dev.procpool.internal.launcher.TestTasks.StartsSleepTask;
import dev.procpool.internal.launcher.TestTasks.ThrowingTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.procpool.internal.launcher.RunningWorker.deserialize;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link WorkerProcess} against real worker JVMs running {@code WorkerMain}. */
class WorkerProcessTest {
    private static final Duration REPLY = Duration.ofSeconds(10);

    @TempDir
    Path pool;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        ChildProcesses.awaitNoneAlive();
    }

    private RunningWorker startWorker(int workerId) throws Exception {
        RunningWorker worker = RunningWorker.start(pool.resolve("worker-" + workerId), workerId);
        toClose.add(worker);
        return worker;
    }

    @Test
    void start_currentClassPath_workerSaysReadyWithItsPid() throws Exception {
        RunningWorker worker = startWorker(1);

        WorkerReady ready = worker.awaitReady();

        assertEquals(new WorkerReady(Message.PROTOCOL_VERSION, worker.process.pid()), ready);
        assertEquals(1, worker.process.workerId());
        assertTrue(worker.process.isAlive());
    }

    @Test
    void runTask_serializedCallable_completedWithResult() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();

        worker.run(58, new AddTask(40, 2));

        TaskCompleted completed = assertInstanceOf(TaskCompleted.class, worker.receive(REPLY));
        assertEquals(58, completed.taskId());
        assertEquals(42, deserialize(completed.result()));
    }

    @Test
    void runTask_taskThrows_failedWithItsException() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();

        worker.run(7, new ThrowingTask("no good"));

        TaskFailed failed = assertInstanceOf(TaskFailed.class, worker.receive(REPLY));
        assertEquals(7, failed.taskId());
        IllegalStateException thrown = assertInstanceOf(IllegalStateException.class, deserialize(failed.error()));
        assertEquals("no good", thrown.getMessage());
    }

    @Test
    void shutdown_workerSaysStopping_thenExitsWithZero() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();

        worker.tasks.write(new Shutdown());

        assertEquals(new WorkerRetired("shutdown"), worker.receive(REPLY));
        assertEquals(0, worker.process.onExit().get(10, TimeUnit.SECONDS));
    }

    @Test
    void shutdown_workerExited_itsOutputHoldsNoChronicleBanner() throws Exception {
        // this module's simplelogger.properties quiets all of Chronicle; a user's application has no such file
        RunningWorker worker = RunningWorker.start(pool.resolve("worker-1"), 1,
                List.of("-Dorg.slf4j.simpleLogger.log.net.openhft=info"));
        toClose.add(worker);
        worker.awaitReady();

        worker.tasks.write(new Shutdown());
        assertEquals(0, worker.process.onExit().get(10, TimeUnit.SECONDS)); // completes once the output is read

        assertTrue(worker.output.stream().noneMatch(line -> line.contains("Chronicle core loaded from")),
                () -> "output: " + worker.output);
        assertEquals(List.of(), worker.process.lastStderrLines());
    }

    @Test
    void stopNow_whileTaskHangs_workerSaysStopping_thenExitsWithZero() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();
        worker.run(1, new HangingTask());

        assertTrue(worker.process.send(new StopNow()));

        // the hanging task is interrupted; its failure may be reported before the goodbye
        Message message = worker.receive(REPLY);
        if (message instanceof TaskFailed failed) {
            assertInstanceOf(InterruptedException.class, deserialize(failed.error()));
            message = worker.receive(REPLY);
        }
        assertEquals(new WorkerRetired("stopped by shutdownNow"), message);
        assertEquals(0, worker.process.onExit().get(10, TimeUnit.SECONDS));
    }

    @Test
    void cancelTask_running_taskInterruptedAndFails() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();
        worker.run(5, new HangingTask());
        await("task 5 to start").atMost(REPLY).until(() -> WorkerActivityFile.readRunningTask(worker.folder) == 5);

        assertTrue(worker.process.send(new CancelTask(5, true)));

        TaskFailed failed = assertInstanceOf(TaskFailed.class, worker.receive(REPLY));
        assertEquals(5, failed.taskId());
        assertInstanceOf(InterruptedException.class, deserialize(failed.error()));
        worker.run(6, new AddTask(1, 1));
        TaskCompleted next = assertInstanceOf(TaskCompleted.class, worker.receive(REPLY));
        assertEquals(6, next.taskId());
        assertEquals(2, deserialize(next.result()));
    }

    @Test
    void send_afterWorkerExited_false() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();
        worker.tasks.write(new Shutdown());
        worker.process.onExit().get(10, TimeUnit.SECONDS);

        assertFalse(worker.process.send(new CancelTask(1, true)));
    }

    @Test
    void lastStderrLines_workerPrintsMany_keepsLastForty() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();

        worker.run(1, new PrintingTask(50));
        assertInstanceOf(TaskCompleted.class, worker.receive(REPLY));

        List<String> expected = new ArrayList<>();
        for (int i = 11; i <= 50; i++) {
            expected.add("err " + i);
        }
        await("stderr lines to arrive").atMost(REPLY).until(() -> worker.process.lastStderrLines().equals(expected));
        assertTrue(worker.output.contains("out: out 50"), () -> "output: " + worker.output);
    }

    @Test
    void lastStderrLines_taskCallsSystemExit_sayWhichTaskAndWhere() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();

        worker.run(9, new ExitingTask(3));

        assertEquals(3, worker.process.onExit().get(10, TimeUnit.SECONDS));
        List<String> stderr = worker.process.lastStderrLines();
        String last = stderr.get(stderr.size() - 1);
        assertTrue(last.startsWith("procpool: the task called System.exit while running task 9 at ")
                && last.contains(ExitingTask.class.getName() + ".call(TestTasks.java:"), () -> "stderr: " + stderr);
    }

    @Test
    @DisabledOnOs(OS.WINDOWS) // starts the Unix sleep command
    void kill_workerWithGrandchild_killsBoth() throws Exception {
        RunningWorker worker = startWorker(1);
        worker.awaitReady();
        worker.run(1, new StartsSleepTask());
        long sleepPid = (Long) deserialize(((TaskCompleted) worker.receive(REPLY)).result());
        Optional<ProcessHandle> sleep = ProcessHandle.of(sleepPid);
        try {
            assertTrue(sleep.isPresent() && sleep.get().isAlive(), "sleep runs");

            worker.process.kill();

            assertEquals(137, worker.process.onExit().get(10, TimeUnit.SECONDS));
            assertEquals("SIGKILL", Platform.describeExitCode(Platform.current(), 137));
            await("the grandchild to die").atMost(Duration.ofSeconds(5)).until(() -> !sleep.get().isAlive());
        } finally {
            sleep.ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
