package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.BackoffIdler;
import dev.procpool.internal.ipc.CapturedOutput;
import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.FrameRefusedException;
import dev.procpool.internal.ipc.WorkerStderr;
import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.TaskCodec;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.ConfigureWorker;
import dev.procpool.internal.ipc.Message.InitializerCompleted;
import dev.procpool.internal.ipc.Message.InitializerFailed;
import dev.procpool.internal.ipc.Message.RunInitializer;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerRetired;
import dev.procpool.internal.ipc.Lane;
import dev.procpool.internal.ipc.Message.ChannelsSwitched;
import dev.procpool.internal.ipc.Message.OpenQueues;
import dev.procpool.internal.ipc.Message.QueuesOpened;
import dev.procpool.internal.ipc.Message.SwitchChannels;
import dev.procpool.internal.ipc.MessageSink;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.RingingSink;
import dev.procpool.internal.ipc.SwitchingSink;
import dev.procpool.internal.ipc.SwitchingSource;
import dev.procpool.internal.ipc.WorkerActivityFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker's life: handshake, then run the commands of its task queue one at a time, in order, on the main
 * thread, until told to shut down. Its {@link ParentWatch} hands it the control pipe's commands (cancel, stop
 * now, wake) on the watch's thread, and tells it when the parent is gone.
 */
final class TaskLoop implements ParentWatch.Listener {
    /** How long an interrupted task may take to return before {@code StopNow} ends the JVM anyway. */
    private static final long STOP_GRACE_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** The longest an idle worker sleeps without looking at its queue, should a wake-up ever be lost. */
    private static final long SLEEP_NS = TimeUnit.SECONDS.toNanos(1);

    private final int workerId;
    private final Path folder;
    private final InputStream controlPipe;
    private final Thread runner = Thread.currentThread();
    private final TaskGate gate = new TaskGate(runner);
    /** Task thread only; replaced by the parent's {@code ConfigureWorker}, the first command it sends. */
    private Recycling recycling = Recycling.never();
    /** Task thread only; replaced by the parent's {@code ConfigureWorker}. */
    private DeserializationLimits limits = DeserializationLimits.DEFAULT;
    private volatile boolean stopping;
    /** The parent is gone; from then on the orphan cleanup owns the queues and the folder. */
    private volatile boolean orphaned;
    /** Set first thing in {@link #run}. */
    private volatile ParentWatch parentWatch;

    private ChannelReader taskQueue;
    private ChannelWriter resultQueue;
    /** Both queues are open: set by whichever thread opened them. */
    private volatile boolean queuesOpen;
    /** The start-up lane the parent offered, or null. */
    private Lane lane;
    /** Opens the queues once the parent says {@code OpenQueues}; null without a lane. Task thread. */
    private Thread queueOpener;
    /** The task queue (after the lane, if any) as the task loop and the class-shipping waits share it. */
    private TaskInbox tasks;
    /** The results queue, or the lane until the switch. */
    private MessageSink results;
    private ShippedClasses shipped;
    private WorkerActivityFile activity;

    TaskLoop(int workerId, Path folder, InputStream controlPipe) {
        this.workerId = workerId;
        this.folder = folder;
        this.controlPipe = controlPipe;
    }

    void run() throws IOException {
        ShutdownNoise.install();
        parentWatch = ParentWatch.ofParentProcess(controlPipe, this);
        parentWatch.start();
        WorkerExit.installHooks(runner, gate::running, () -> stopping);
        synchronized (this) { // the orphan cleanup must not delete the folder while start-up still fills it
            if (orphaned) {
                throw new IllegalStateException("the parent went away during start-up");
            }
            trace("main started");
            activity = WorkerActivityFile.create(folder);
            lane = Lane.connectIfOffered(folder);
            if (lane == null) {
                openQueues();
                results = resultQueue;
                tasks = new TaskInbox(taskQueue);
            } else {
                trace("lane connected");
                results = overLaneUntilSwitched();
                lane.startReading("procpool-lane", SwitchChannels.class, () -> LockSupport.unpark(runner));
            }
            shipped = new ShippedClasses(Thread.currentThread().getContextClassLoader(), results, tasks);
        }
        WarmUp.start();
        // The first read loads the read path (tens of ms in a fresh JVM): do it before the handshake, not on the
        // first task. The parent may have sent its settings and initializer already; whatever is there is kept.
        Message early = poll();
        results.write(new WorkerReady(Message.PROTOCOL_VERSION, ProcessHandle.current().pid()));
        trace("ready");

        BackoffIdler idler = BackoffIdler.standard();
        while (!stopping) {
            Message message = early != null ? early : poll();
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
                limits = configure.limits();
            } else if (message instanceof OpenQueues) {
                if (queueOpener != null && queueOpener.getState() == Thread.State.NEW) {
                    queueOpener.start();
                }
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
        Message message = poll();
        if (message == null) {
            activity.countEmptySleep(); // the parent's stall watch tells a stuck queue from a starved worker by this
            LockSupport.parkNanos(this, SLEEP_NS);
        }
        activity.setSleeping(false);
        return message;
    }

    /**
     * The next command, or null. A queue that cannot be read (a corrupted frame, a file truncated under it)
     * ends the worker: nothing after a corrupted frame can be trusted, and the parent still holds every task it
     * sent, so a new worker with a new queue runs them. Does not return then.
     */
    private Message poll() {
        try {
            return tasks.poll();
        } catch (FrameRefusedException e) {
            if (orphaned || stopping) {
                throw e; // the queues were closed under this thread on purpose: the orphan cleanup or a stop ends the JVM
            }
            queueUnreadable(e.getMessage());
            return null;
        }
    }

    /**
     * Says why on stderr and, if the results queue still works, in a goodbye (so the parent requeues this
     * worker's tasks instead of blaming one), then exits with a code of its own.
     */
    private void queueUnreadable(String why) {
        stopping = true;
        System.err.println(WorkerStderr.QUEUE_UNREADABLE_MARKER + ": " + why);
        System.err.flush();
        try {
            results.write(new WorkerRetired(WorkerStderr.QUEUE_UNREADABLE_MARKER + ": " + why));
        } catch (IOException | RuntimeException ignored) {
            // the exit code and the stderr line say it
        }
        System.exit(WorkerStderr.QUEUE_UNREADABLE_EXIT_CODE);
    }

    /** Opens the queues: the writer first, as the parent reads before it writes. Holds this (see {@link #run}). */
    private void openQueues() {
        resultQueue = ChannelWriter.open(folder.resolve("results"));
        trace("results queue open");
        taskQueue = ChannelReader.open(folder.resolve("tasks"));
        trace("tasks queue open");
        queuesOpen = true;
    }

    /**
     * Serves the parent over the lane. When the parent says {@code OpenQueues}, the queues open on a thread of
     * their own ({@link #queueOpener}), which then tells the parent ({@code QueuesOpened}). The parent's
     * {@code SwitchChannels} is the lane's last command, sent once the queues are open on both sides; the task
     * thread answers {@code ChannelsSwitched} on the lane and reads the task queue from then on. Returns the
     * results sink, which switches with it, and rings the lane from then on when the parent waits for a ring
     * ({@link RingingSink}). Holds this.
     */
    private MessageSink overLaneUntilSwitched() {
        SwitchingSink sink = new SwitchingSink(lane);
        queueOpener = new Thread(() -> {
            try {
                synchronized (this) {
                    if (orphaned) {
                        throw new IllegalStateException("the parent went away during start-up");
                    }
                    openQueues();
                }
            } catch (Throwable e) {
                // as a queue that cannot be read: the parent gives this worker's tasks to another; not when the
                // JVM is exiting anyway, which fails Chronicle's start (see ShutdownNoise): a task that called
                // System.exit meanwhile is that exit's crash, to be reported as such, not run again elsewhere
                if (!orphaned && !stopping && !ShutdownNoise.causedByShutdown(e)) {
                    queueUnreadable("its queues could not be opened (" + e + ")");
                }
                return;
            }
            try {
                sink.write(new QueuesOpened());
            } catch (IOException e) {
                // the parent is gone: the control pipe tells the worker so
            }
        }, "procpool-queues");
        queueOpener.setDaemon(true);
        tasks = new TaskInbox(new SwitchingSource(lane, SwitchChannels.class, () -> {
            if (!queuesOpen) { // the parent sends it only after this worker said QueuesOpened
                throw new IllegalStateException("told to switch to its queues before they were open");
            }
            try {
                sink.switchTo(new RingingSink(resultQueue, activity, lane), new ChannelsSwitched());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            trace("switched to the queues");
            return taskQueue;
        }));
        return sink;
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
        if (queuesOpen) {
            closeQueues();
        } // else the queues are still opening (told to go while on the lane): the exit stops that, and the parent
        // removes the folder once this process is gone, instead of this worker waiting out Chronicle's start
        System.exit(0);
    }

    /**
     * Runs the pool's initializer before any task. It does not pass the task gate: nothing can cancel it, and a
     * stop now ends the JVM whether it has returned or not.
     */
    private void runInitializer(RunInitializer message) throws IOException {
        Message reply;
        Thread thread = Thread.currentThread();
        ClassLoader appLoader = thread.getContextClassLoader();
        try {
            ClassLoader loader = loaderFor(message.initializer(), appLoader);
            thread.setContextClassLoader(loader);
            Answers.call(TaskCodec.decode(message.initializer(), loader, shipped, limits));
            reply = new InitializerCompleted();
        } catch (Throwable thrown) {
            reply = new InitializerFailed(Answers.initializerThrew(thrown));
        } finally {
            thread.setContextClassLoader(appLoader);
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
        Thread thread = Thread.currentThread();
        ClassLoader appLoader = thread.getContextClassLoader();
        CapturedOutput output = null;
        if (message.captureOutput()) {
            OutputCapture.begin();
        }
        try {
            ClassLoader loader = loaderFor(message.task(), appLoader);
            thread.setContextClassLoader(loader);
            Object task = TaskCodec.decode(message.task(), loader, shipped, limits);
            reply = Answers.completed(taskId, Answers.call(task), shipped);
        } catch (Throwable thrown) {
            reply = Answers.failed(taskId, thrown, shipped);
        } finally {
            thread.setContextClassLoader(appLoader);
            message.task().release();
            if (message.captureOutput()) { // after the encoding: a writeObject that prints is the task's too
                output = OutputCapture.end();
            }
        }
        reply = Answers.withOutput(reply, output);
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

    /**
     * The loader to read a task with: for a task whose classes come from a loader of the parent's (a plugin's),
     * the one that stands in for it here, which is also its context loader while it runs, as in the parent.
     */
    private ClassLoader loaderFor(Payload task, ClassLoader appLoader) throws IOException {
        long loaderId = TaskCodec.loaderIdOf(task);
        return loaderId == 0 ? appLoader : shipped.loaderOf(loaderId);
    }

    private static void releasePayload(Message reply) {
        if (reply instanceof TaskCompleted done) {
            done.result().release();
        } else if (reply instanceof TaskFailed failed) {
            failed.error().release();
        }
    }

    /**
     * Control thread. A task not started yet is answered at once, so the parent can give it to another worker
     * without waiting for this one to finish what it runs; the task thread skips it when it gets there
     * ({@link TaskGate}).
     */
    @Override
    public void cancel(long taskId, boolean interrupt) {
        if (gate.cancel(taskId, interrupt) != TaskGate.Cancel.SKIPPED) {
            return;
        }
        try {
            results.write(new TaskCancelled(taskId));
        } catch (IOException | RuntimeException e) {
            // the worker is going away; the parent requeues what it had not answered
        }
    }

    /** Control thread: interrupt the running task, give it a moment, say goodbye and halt. */
    @Override
    public void stopNow() {
        stopping = true;
        gate.interruptRunning();
        long deadline = System.nanoTime() + STOP_GRACE_NS;
        while (gate.running() != 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        try {
            results.write(new WorkerRetired("stopped by shutdownNow"));
        } catch (IOException | RuntimeException ignored) {
            // the parent kills a worker that does not say goodbye; nothing more to do here
        }
        WorkerExit.endStartedProcesses();
        Runtime.getRuntime().halt(0);
    }

    /** Control thread: a task waits in the queue of this sleeping worker. */
    @Override
    public void wake() {
        LockSupport.unpark(runner);
    }

    @Override
    public void parentGone(String why) {
        orphaned = true;
        WorkerExit.asOrphan(workerId, folder, this::closeQueues, why);
    }

    /**
     * True once the parent is gone. The cleanup then closes the queues under the main thread, which may fail on
     * them; it must not end the JVM (with code 1, before the folder is removed): the cleanup halts it.
     */
    boolean isOrphaned() {
        return orphaned;
    }

    /**
     * After {@link #run} failed: true when the parent turns out to be gone (see {@link ParentWatch#confirmGone}),
     * the orphan cleanup then under way; waits at most {@code waitNs} for the watch to say so.
     */
    boolean orphanedAfterAll(long waitNs) {
        ParentWatch watch = parentWatch;
        return orphaned || (watch != null && watch.confirmGone(waitNs));
    }

    private synchronized void closeQueues() {
        if (lane != null) {
            lane.close();
        }
        if (taskQueue != null) {
            taskQueue.close();
        }
        if (resultQueue != null) {
            resultQueue.close();
        }
        Queues.releaseClosedQueues();
    }
}
