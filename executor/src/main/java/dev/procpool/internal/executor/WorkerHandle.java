package dev.procpool.internal.executor;

import dev.procpool.TaskTimeoutException;
import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.WorkerActivityFile;
import dev.procpool.internal.launcher.WorkerProcess;
import dev.procpool.internal.launcher.WorkerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The parent's record of one worker and its state machine: its process, the two queues it shares with it, its
 * activity file, and the tasks sent to it and not yet answered, in the order sent. It sends tasks, watches
 * the one running (time limit, interrupt grace), and enforces its start and stop deadlines. {@link #launch}
 * runs on a starter thread; everything else on the scheduler thread, which sees the launched fields through
 * the scheduler's inbox.
 */
final class WorkerHandle {
    enum State { LAUNCHING, STARTING, READY, STOPPING, EXITED }

    final int id;
    final Path folder;
    State state = State.LAUNCHING;
    WorkerProcess process;
    ChannelWriter tasks;
    ChannelReader results;
    WorkerActivityFile activity;
    final ArrayDeque<TaskFuture<?>> inFlight = new ArrayDeque<>();

    /** Kept warm, given no tasks, until a worker is lost and it takes that worker's place. */
    boolean spare;
    boolean handshook;
    boolean initialized;
    boolean ready;
    boolean saidGoodbye;
    boolean startFailureReported;
    /** Killed because a task did not stop when interrupted (time limit, cancellation). */
    boolean killedOverTask;
    /** Why the pool killed or retired this worker, or null; such a worker did not crash. */
    String endedBecause;
    /** Launch or stop deadline, by state. */
    long deadlineNs;

    /** The task the activity file showed last, and since when (parent's clock). */
    long observedTask;
    long observedSinceNs;
    /** A task that was interrupted (time limit, cancel) and the time by which it must have ended. */
    long interruptedTask;
    long killAtNs;
    /** Tasks handed to this worker so far. */
    long tasksSent;
    /** When the worker last had nothing to do. */
    long idleSinceNs;

    WorkerHandle(int id, Path folder) {
        this.id = id;
        this.folder = folder;
    }

    /** Starts the JVM, then opens the parent's ends of the queues while the JVM boots. */
    void launch(WorkerSpec spec) throws IOException {
        Files.createDirectory(folder);
        process = WorkerProcess.start(spec, id, folder);
        tasks = ChannelWriter.open(folder.resolve("tasks"));
        results = ChannelReader.open(folder.resolve("results"));
    }

    /** Called on the handshake: the worker has created its activity file by then. */
    void openActivityFile() throws IOException {
        activity = WorkerActivityFile.openForReading(folder);
    }

    /** Hands a task to the worker; it then belongs to this worker until answered, requeued or failed. */
    void send(TaskFuture<?> task) throws IOException {
        tasks.write(new Message.RunTask(task.id(), task.task()));
        wakeIfSleeping();
        inFlight.add(task);
        tasksSent++;
        task.worker = this;
        process.busy(true);
    }

    /** After writing to the queue: a worker that announced sleep is woken through its control pipe. */
    void wakeIfSleeping() {
        if (activity != null && activity.isSleeping()) {
            process.send(new Message.Wake());
        }
    }

    /** Removes the answered task (its bytes are kept); null when it is no longer tracked. */
    TaskFuture<?> answered(long taskId) {
        for (Iterator<TaskFuture<?>> it = inFlight.iterator(); it.hasNext(); ) {
            TaskFuture<?> future = it.next();
            if (future.id() == taskId) {
                it.remove();
                future.worker = null;
                if (inFlight.isEmpty()) {
                    idleSinceNs = System.nanoTime();
                    process.busy(false);
                }
                return future;
            }
        }
        return null;
    }

    /**
     * Work stealing: asks for the last task sent ahead and not started back, with a cancel that never
     * interrupts; the worker answers TaskCancelled and the scheduler requeues it. False if there is none to ask.
     */
    boolean askBackLastUnstarted() {
        TaskFuture<?> last = inFlight.peekLast();
        if (inFlight.size() < 2 || state != State.READY || last.stealing || last.isDone()) {
            return false;
        }
        last.stealing = true;
        process.send(new Message.CancelTask(last.id(), false));
        return true;
    }

    /** One supervision step: note when a task starts, enforce its time limit and the interrupt grace, deadlines. */
    void supervise(long now, PoolConfig config) {
        if (activity != null && (state == State.READY || state == State.STOPPING)) {
            long running = activity.runningTask();
            if (running != observedTask) {
                observedTask = running;
                observedSinceNs = now;
            }
            if (running > 0) {
                enforceTimeLimit(running, now, config.interruptGrace().toNanos());
            }
            if (interruptedTask != 0 && interruptedTask == running && now - killAtNs >= 0) {
                killedOverTask = true;
                kill("task " + running + " did not stop within " + config.interruptGrace().toMillis()
                        + " ms of being interrupted");
                interruptedTask = 0;
            }
        }
        checkDeadline(now, config);
    }

    private void enforceTimeLimit(long running, long now, long graceNs) {
        TaskFuture<?> future = inFlight.peekFirst();
        if (future == null || future.id() != running || future.timeLimitNs <= 0 || interruptedTask == running
                || now - observedSinceNs < future.timeLimitNs) {
            return;
        }
        future.fail(new TaskTimeoutException(future + " exceeded its time limit of "
                + TimeUnit.NANOSECONDS.toMillis(future.timeLimitNs) + " ms on " + this + "; its thread was interrupted,"
                + " and the worker is replaced if the task does not stop within "
                + TimeUnit.NANOSECONDS.toMillis(graceNs) + " ms"));
        interrupt(future, graceNs);
    }

    /** Interrupts a running task; if it still runs after the grace, {@link #supervise} kills the worker. */
    private void interrupt(TaskFuture<?> future, long graceNs) {
        process.send(new Message.CancelTask(future.id(), true));
        if (observedTask == future.id()) {
            interruptedTask = future.id();
            killAtNs = System.nanoTime() + graceNs;
        }
    }

    /** A user cancelled a task sent to this worker: skip it if not started, else interrupt it if asked to. */
    void cancel(TaskFuture<?> future, boolean mayInterruptIfRunning, long graceNs) {
        boolean started = activity != null && activity.runningTask() == future.id();
        if (!started) {
            process.send(new Message.CancelTask(future.id(), mayInterruptIfRunning)); // the worker skips it
        } else if (mayInterruptIfRunning) {
            observedTask = future.id();
            interrupt(future, graceNs);
        }
    }

    private void checkDeadline(long now, PoolConfig config) {
        if (process == null || now - deadlineNs < 0) {
            return;
        }
        if (state == State.STARTING) {
            kill("it did not complete its handshake within " + config.startTimeout().toMillis() + " ms");
        } else if (state == State.STOPPING) {
            kill("it did not stop within its grace period");
        } else {
            return;
        }
        deadlineNs = now + config.interruptGrace().toNanos();
    }

    /** Asks the worker to finish what it was sent and exit cleanly; it is killed if not gone by the grace. */
    void retire(String reason, long graceNs) {
        try {
            tasks.write(new Message.Shutdown());
            wakeIfSleeping();
            state = State.STOPPING;
            endedBecause = reason;
            deadlineNs = System.nanoTime() + graceNs;
        } catch (IOException | RuntimeException e) {
            kill(reason + "; it could not be told to stop: " + e);
        }
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    boolean accepting() {
        return state == State.READY && endedBecause == null && !spare;
    }

    /** Starting or serving, and not on its way out. */
    boolean alive() {
        return state != State.STOPPING && state != State.EXITED && endedBecause == null;
    }

    void kill(String reason) {
        if (endedBecause == null) {
            endedBecause = reason;
        }
        if (process != null) {
            process.kill();
        }
    }

    /** Closes the parent's queues and deletes the folder; call once the process has exited. */
    void discard() {
        if (tasks != null) {
            tasks.close();
        }
        if (results != null) {
            results.close();
        }
        activity = null;
        Queues.releaseClosedQueues();
        FileTrees.deleteTree(folder);
    }

    @Override
    public String toString() {
        return "worker " + id + (process == null ? "" : " (pid " + process.pid() + ")");
    }
}
