package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.BackoffIdler;
import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.ControlCodec;
import dev.procpool.internal.ipc.JavaSerializer;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.StopNow;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerStopping;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.RemoteFailure;
import dev.procpool.internal.ipc.RunningTaskFile;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
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

    private final int workerId;
    private final Path folder;
    private final InputStream controlPipe;
    private final Thread runner = Thread.currentThread();
    private final Set<Long> cancelledBeforeStart = ConcurrentHashMap.newKeySet();
    private final Object runningLock = new Object();
    private long runningTaskId; // guarded by runningLock
    private volatile boolean stopping;

    private ChannelReader tasks;
    private ChannelWriter results;
    private RunningTaskFile runningTask;

    TaskLoop(int workerId, Path folder, InputStream controlPipe) {
        this.workerId = workerId;
        this.folder = folder;
        this.controlPipe = controlPipe;
    }

    void run() throws IOException {
        startDaemon("procpool-control", this::readControlPipe);
        startDaemon("procpool-parent-watch", this::watchParent);
        Runtime.getRuntime().addShutdownHook(new Thread(this::reportExitFromTask, "procpool-exit-report"));
        runningTask = RunningTaskFile.create(folder);
        results = ChannelWriter.open(folder.resolve("results"));
        tasks = ChannelReader.open(folder.resolve("tasks"));
        results.write(new WorkerReady(Message.PROTOCOL_VERSION, ProcessHandle.current().pid()));

        BackoffIdler idler = BackoffIdler.standard();
        while (!stopping) {
            Message message = tasks.poll();
            if (message == null) {
                idler.idle();
                continue;
            }
            idler.reset();
            if (message instanceof RunTask task) {
                runTask(task);
            } else if (message instanceof Shutdown) {
                stopping = true;
                results.write(new WorkerStopping("shutdown"));
                closeQueues();
                System.exit(0);
            }
        }
        // StopNow: the control thread says goodbye and ends the JVM
        LockSupport.park(this);
    }

    private void runTask(RunTask message) throws IOException {
        long taskId = message.taskId();
        if (cancelledBeforeStart.remove(taskId)) {
            message.task().release();
            results.write(new TaskCancelled(taskId));
            return;
        }
        synchronized (runningLock) {
            runningTaskId = taskId;
            Thread.interrupted(); // an interrupt meant for an earlier task must not hit this one
        }
        runningTask.set(taskId);
        Message reply;
        try {
            Object task = JavaSerializer.deserialize(message.task(), Thread.currentThread().getContextClassLoader());
            reply = completed(taskId, call(task));
        } catch (Throwable thrown) {
            reply = failed(taskId, thrown);
        } finally {
            message.task().release();
        }
        synchronized (runningLock) {
            runningTaskId = 0;
            Thread.interrupted();
        }
        try {
            results.write(reply);
        } finally {
            releasePayload(reply);
        }
        // cleared only after the reply is written: a worker that dies in between must not look idle
        runningTask.set(0);
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
        long task;
        synchronized (runningLock) {
            task = runningTaskId;
        }
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
        System.err.println("procpool: the task called System.exit while running task " + task + where);
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
            return new TaskCompleted(taskId, JavaSerializer.serialize(result));
        } catch (Exception | StackOverflowError e) {
            String type = result.getClass().getName();
            return new TaskFailed(taskId, JavaSerializer.serialize(new RemoteFailure(
                    RemoteFailure.Kind.RESULT_NOT_SERIALIZABLE, type, null,
                    "the task's result, a " + type + ", could not be serialized: " + e
                            + "; return a Serializable value (or make " + type + " implement java.io.Serializable)",
                    e.getStackTrace())));
        }
    }

    private static Message failed(long taskId, Throwable thrown) throws IOException {
        try {
            return new TaskFailed(taskId, JavaSerializer.serialize(thrown));
        } catch (Exception | StackOverflowError e) {
            String type = thrown.getClass().getName();
            return new TaskFailed(taskId, JavaSerializer.serialize(new RemoteFailure(
                    RemoteFailure.Kind.EXCEPTION_NOT_SERIALIZABLE, type, thrown.getMessage(),
                    "the task threw " + thrown + ", which could not be serialized (" + e
                            + "); the stack trace below is the original exception's",
                    thrown.getStackTrace())));
        }
    }

    private void readControlPipe() {
        DataInputStream in = new DataInputStream(new BufferedInputStream(controlPipe, 64));
        try {
            Message.Command command;
            while ((command = ControlCodec.read(in)) != null) {
                if (command instanceof CancelTask cancel) {
                    cancel(cancel.taskId());
                } else if (command instanceof StopNow) {
                    stopNow();
                }
            }
        } catch (IOException e) {
            // a broken pipe means the same as end-of-file
        }
        parentGone("its control pipe closed");
    }

    private void cancel(long taskId) {
        synchronized (runningLock) {
            if (runningTaskId == taskId) {
                runner.interrupt();
                return;
            }
        }
        cancelledBeforeStart.add(taskId);
    }

    private void stopNow() {
        stopping = true;
        synchronized (runningLock) {
            if (runningTaskId != 0) {
                runner.interrupt();
            }
        }
        long deadline = System.nanoTime() + STOP_GRACE_NS;
        while (isRunningTask() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        try {
            results.write(new WorkerStopping("stopped by shutdownNow"));
        } catch (IOException | RuntimeException ignored) {
            // the parent kills a worker that does not say goodbye; nothing more to do here
        }
        Runtime.getRuntime().halt(0);
    }

    private boolean isRunningTask() {
        synchronized (runningLock) {
            return runningTaskId != 0;
        }
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
        Thread cleaner = new Thread(() -> {
            closeQueues();
            Queues.deleteTree(folder);
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
            cleaner.join(1_000);
        } catch (InterruptedException ignored) {
            // end anyway
        }
        System.err.println("procpool worker " + workerId + " exiting: " + why);
        Runtime.getRuntime().halt(0);
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
