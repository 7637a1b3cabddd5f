package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.BackoffIdler;
import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.ControlCodec;
import dev.procpool.internal.ipc.TaskCodec;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.ConfigureWorker;
import dev.procpool.internal.ipc.Message.InitializerCompleted;
import dev.procpool.internal.ipc.Message.InitializerFailed;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.RunInitializer;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.StopNow;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerRetired;
import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.Payload;
import dev.procpool.internal.ipc.WorkerActivityFile;
import dev.procpool.internal.ipc.WorkerStderr;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker's life: handshake, then run tasks one at a time in queue order on the main thread, until told to
 * shut down. A control thread reads the control pipe (cancel, stop now) and ends the JVM when the pipe reaches
 * end-of-file, which is how a worker notices that its parent died; a watcher thread checks the parent process
 * as a second line of defence.
 */
final class TaskLoop {
    /** How long an interrupted task may take to return before {@code StopNow} ends the JVM anyway. */
    private static final long STOP_GRACE_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long PARENT_CHECK_MS = 500;
    /** The longest an idle worker sleeps without looking at its queue, should a wake-up ever be lost. */
    private static final long SLEEP_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long ORPHAN_CLEANUP_MS = 5_000;

    private final int workerId;
    private final Path folder;
    private final InputStream controlPipe;
    private final Thread runner = Thread.currentThread();
    private final TaskGate gate = new TaskGate(runner);
    /** Task thread only; replaced by the parent's {@code ConfigureWorker}, the first command it sends. */
    private Recycling recycling = Recycling.never();
    private volatile boolean stopping;
    /** The parent is gone; from then on the orphan cleanup owns the queues and the folder. */
    private volatile boolean orphaned;

    private ChannelReader tasks;
    private ChannelWriter results;
    private WorkerActivityFile activity;

    TaskLoop(int workerId, Path folder, InputStream controlPipe) {
        this.workerId = workerId;
        this.folder = folder;
        this.controlPipe = controlPipe;
    }

    void run() throws IOException {
        startDaemon("procpool-control", this::readControlPipe);
        startDaemon("procpool-parent-watch", this::watchParent);
        Runtime.getRuntime().addShutdownHook(new Thread(this::reportExitFromTask, "procpool-exit-report"));
        Runtime.getRuntime().addShutdownHook(new Thread(TaskLoop::endStartedProcesses, "procpool-end-children"));
        synchronized (this) { // the orphan cleanup must not delete the folder while start-up still fills it
            if (orphaned) {
                throw new IllegalStateException("the parent went away during start-up");
            }
            trace("main started");
            activity = WorkerActivityFile.create(folder);
            results = ChannelWriter.open(folder.resolve("results"));
            trace("results queue open");
            tasks = ChannelReader.open(folder.resolve("tasks"));
            trace("tasks queue open");
        }
        // Not earlier: opening the queues initialises SLF4J, and a second thread logging during that (Netty
        // does) makes SLF4J print a warning about replayed calls into the worker's output.
        WarmUp.start();
        // The first read loads the read path (tens of ms in a fresh JVM): do it before the handshake, not on the
        // first task. The parent may have sent its settings and initializer already; whatever is there is kept.
        Message early = tasks.poll();
        results.write(new WorkerReady(Message.PROTOCOL_VERSION, ProcessHandle.current().pid()));
        trace("ready");

        BackoffIdler idler = BackoffIdler.standard();
        while (!stopping) {
            Message message = early != null ? early : tasks.poll();
            early = null;
            if (message == null && idler.isParking()) {
                message = sleepUntilWoken();
            }
            if (message == null) {
                idler.idle();
                continue;
            }
            idler.reset();
            if (message instanceof RunTask task) {
                runTask(task);
                String retire = recycling.afterTask();
                if (retire != null) {
                    exitCleanly(retire);
                }
            } else if (message instanceof ConfigureWorker configure) {
                recycling = new Recycling(configure.maxTasks(), configure.maxMemoryGrowthBytes());
            } else if (message instanceof RunInitializer initializer) {
                runInitializer(initializer);
            } else if (message instanceof Shutdown) {
                exitCleanly("shutdown");
            }
        }
        // StopNow: the control thread says goodbye and ends the JVM
        LockSupport.park(this);
    }

    /**
     * Idle for a while: announce sleep in the activity file, look at the queue once more, then park until the
     * parent wakes this thread through the control pipe (or, as a safety net, for at most {@link #SLEEP_NS}).
     */
    private Message sleepUntilWoken() {
        activity.setSleeping(true);
        Message message = tasks.poll();
        if (message == null) {
            LockSupport.parkNanos(this, SLEEP_NS);
        }
        activity.setSleeping(false);
        return message;
    }

    /** Internal, for start-up measurements: -Dprocpool.internal.traceStartup=true prints ms since JVM start. */
    private static void trace(String step) {
        if (Boolean.getBoolean("procpool.internal.traceStartup")) {
            long sinceStart = System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.println("procpool startup: " + step + " at " + sinceStart + " ms");
        }
    }

    /** Says goodbye (so the parent knows this is no crash) and exits; tasks sent after this one are requeued. */
    private void exitCleanly(String reason) throws IOException {
        stopping = true;
        results.write(new WorkerRetired(reason));
        closeQueues();
        System.exit(0);
    }

    /**
     * Runs the pool's initializer before any task. It does not pass the task gate: nothing can cancel it, and a
     * stop now ends the JVM whether it has returned or not.
     */
    private void runInitializer(RunInitializer message) throws IOException {
        Message reply;
        try {
            call(TaskCodec.decode(message.initializer(), Thread.currentThread().getContextClassLoader()));
            reply = new InitializerCompleted();
        } catch (Throwable thrown) {
            reply = new InitializerFailed(encodeThrown(thrown));
        } finally {
            message.initializer().release();
        }
        try {
            results.write(reply);
        } finally {
            if (reply instanceof InitializerFailed failed) {
                failed.error().release();
            }
        }
    }

    private void runTask(RunTask message) throws IOException {
        long taskId = message.taskId();
        if (!gate.tryStart(taskId)) { // cancelled before it started, and answered by the control thread
            message.task().release();
            return;
        }
        activity.setRunningTask(taskId);
        Message reply;
        try {
            Object task = TaskCodec.decode(message.task(), Thread.currentThread().getContextClassLoader());
            reply = completed(taskId, call(task));
        } catch (Throwable thrown) {
            reply = failed(taskId, thrown);
        } finally {
            message.task().release();
        }
        gate.finished(taskId); // from here no interrupt reaches the queue write, and no skip overtakes it
        try {
            results.write(reply);
        } finally {
            releasePayload(reply);
            gate.answered(taskId);
        }
        // cleared only after the reply is written: a worker that dies in between must not look idle
        activity.setRunningTask(0);
    }

    private static void releasePayload(Message reply) {
        if (reply instanceof TaskCompleted done) {
            done.result().release();
        } else if (reply instanceof TaskFailed failed) {
            failed.error().release();
        }
    }

    /**
     * A task that calls {@code System.exit} ends the JVM; say so on stderr, with where it was called, so the
     * parent's crash report can tell the user. (A {@code Runtime.halt} runs no hooks and is reported by code.)
     */
    private void reportExitFromTask() {
        long task = gate.running();
        if (task == 0 || stopping) {
            return;
        }
        StackTraceElement[] frames = runner.getStackTrace();
        StringBuilder where = new StringBuilder();
        boolean afterExit = false;
        int shown = 0;
        for (StackTraceElement frame : frames) {
            boolean exitFrame = frame.getClassName().equals("java.lang.Runtime") || frame.getClassName().equals("java.lang.System")
                    || frame.getClassName().equals("java.lang.Shutdown");
            if (exitFrame) {
                afterExit = true;
            } else if (afterExit && shown < 3) {
                where.append(shown++ == 0 ? " at " : " < ").append(frame);
            }
        }
        System.err.println(WorkerStderr.SYSTEM_EXIT_MARKER + " while running task " + task + where);
        System.err.flush();
    }

    private static Object call(Object task) throws Exception {
        if (task instanceof Callable<?> callable) {
            return callable.call();
        }
        if (task instanceof Runnable runnable) {
            runnable.run();
            return null;
        }
        throw new IllegalArgumentException("not a task: " + task.getClass().getName()
                + " is neither a Callable nor a Runnable");
    }

    private static Message completed(long taskId, Object result) throws IOException {
        try {
            return new TaskCompleted(taskId, TaskCodec.encode(result));
        } catch (Exception | StackOverflowError e) {
            String type = result.getClass().getName();
            return new OutcomeNotSerialized(taskId, "the task's result, a " + type + ", could not be serialized: " + e
                    + "; return a Serializable value (or make " + type + " implement java.io.Serializable)",
                    List.of(e.getStackTrace()));
        }
    }

    private static Message failed(long taskId, Throwable thrown) throws IOException {
        try {
            return new TaskFailed(taskId, TaskCodec.encode(thrown));
        } catch (Exception | StackOverflowError e) {
            return new OutcomeNotSerialized(taskId, thrownNotSerializable("the task", thrown, e),
                    List.of(thrown.getStackTrace()));
        }
    }

    /** What the initializer threw or, when that cannot be serialized, a stand-in that describes it. */
    private static Payload encodeThrown(Throwable thrown) throws IOException {
        try {
            return TaskCodec.encode(thrown);
        } catch (Exception | StackOverflowError e) {
            RuntimeException standIn = new RuntimeException(thrownNotSerializable("the initializer", thrown, e));
            standIn.setStackTrace(thrown.getStackTrace());
            return TaskCodec.encode(standIn);
        }
    }

    private static String thrownNotSerializable(String who, Throwable thrown, Throwable why) {
        return who + " threw " + thrown + ", which could not be serialized (" + why
                + "); the stack trace below is the original exception's";
    }

    private void readControlPipe() {
        DataInputStream in = new DataInputStream(new BufferedInputStream(controlPipe, 64));
        try {
            Message.Command command;
            while ((command = ControlCodec.read(in)) != null) {
                if (command instanceof CancelTask cancel) {
                    cancel(cancel.taskId(), cancel.interrupt());
                } else if (command instanceof StopNow) {
                    stopNow();
                } else if (command instanceof Message.Wake) {
                    LockSupport.unpark(runner);
                }
            }
        } catch (IOException e) {
            // a broken pipe means the same as end-of-file
        }
        parentGone("its control pipe closed");
    }

    /**
     * A task not started yet is answered at once, so the parent can give it to another worker without waiting
     * for this one to finish what it runs; the task thread skips it when it gets there ({@link TaskGate}).
     */
    private void cancel(long taskId, boolean interrupt) {
        if (gate.cancel(taskId, interrupt) != TaskGate.Cancel.SKIPPED) {
            return;
        }
        try {
            results.write(new TaskCancelled(taskId));
        } catch (IOException | RuntimeException e) {
            // the worker is going away; the parent requeues what it had not answered
        }
    }

    private void stopNow() {
        stopping = true;
        gate.interruptRunning();
        long deadline = System.nanoTime() + STOP_GRACE_NS;
        while (isRunningTask() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        try {
            results.write(new WorkerRetired("stopped by shutdownNow"));
        } catch (IOException | RuntimeException ignored) {
            // the parent kills a worker that does not say goodbye; nothing more to do here
        }
        endStartedProcesses();
        Runtime.getRuntime().halt(0);
    }

    /**
     * Processes that tasks started end with the worker, however it ends. The parent does the same for a worker
     * that dies without running this (halt, kill -9), from its record of the worker's descendants.
     */
    private static void endStartedProcesses() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    private boolean isRunningTask() {
        return gate.running() != 0;
    }

    private void watchParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        while (parent != null && parent.isAlive()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PARENT_CHECK_MS));
        }
        parentGone("its parent process exited");
    }

    /** The parent cannot clean up after a worker it no longer has: remove this worker's files, then end. */
    private void parentGone(String why) {
        orphaned = true;
        Thread cleaner = new Thread(() -> {
            closeQueues();
            FileTrees.deleteTree(folder);
            try {
                java.nio.file.Files.deleteIfExists(folder.getParent()); // the pool's folder, once its last worker is gone
            } catch (IOException ignored) {
                // another worker still uses it, or the parent's own files remain
            }
        }, "procpool-orphan-cleanup");
        // Not a daemon: closing the queues makes the main thread fail on its next poll or write and end, and the
        // JVM would then exit at once (every other thread is a daemon) with the files only half deleted. The
        // halt below still ends the JVM if the cleanup hangs.
        cleaner.setDaemon(false);
        cleaner.start();
        try {
            cleaner.join(ORPHAN_CLEANUP_MS); // start-up, which the cleanup waits for, may take seconds on a busy machine
        } catch (InterruptedException ignored) {
            // end anyway
        }
        System.err.println("procpool worker " + workerId + " exiting: " + why);
        endStartedProcesses();
        Runtime.getRuntime().halt(0);
    }

    /**
     * True once the parent is gone. The cleanup then closes the queues under the main thread, which may fail on
     * them; it must not end the JVM (with code 1, before the folder is removed): the cleanup halts it.
     */
    boolean isOrphaned() {
        return orphaned;
    }

    private synchronized void closeQueues() {
        if (tasks != null) {
            tasks.close();
        }
        if (results != null) {
            results.close();
        }
        Queues.releaseClosedQueues();
    }

    private static void startDaemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
