package dev.procpool.internal.executor;

import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.RunningTaskFile;
import dev.procpool.internal.launcher.WorkerProcess;
import dev.procpool.internal.launcher.WorkerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * The parent's record of one worker: its process, the two queues it shares with it, its running-task slot,
 * and the tasks sent to it and not yet answered, in the order sent. {@link #launch} runs on a starter thread;
 * everything else on the scheduler thread, which sees the launched fields through the scheduler's inbox.
 */
final class WorkerHandle {
    enum State { LAUNCHING, STARTING, READY, STOPPING, EXITED }

    final int id;
    final Path folder;
    State state = State.LAUNCHING;
    WorkerProcess process;
    ChannelWriter tasks;
    ChannelReader results;
    RunningTaskFile slot;
    final ArrayDeque<TaskFuture<?>> inFlight = new ArrayDeque<>();

    /** Kept warm, given no tasks, until a worker is lost and it takes that worker's place. */
    boolean spare;
    boolean handshook;
    boolean initialized;
    boolean ready;
    boolean saidGoodbye;
    boolean startFailureReported;
    /** Why the pool killed or retired this worker, or null; such a worker did not crash. */
    String endedBecause;
    /** Launch or stop deadline, by state. */
    long deadlineNs;

    /** The task the slot showed last, and since when (parent's clock). */
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

    /** Called on the handshake: the worker has created its slot by then. */
    void openSlot() throws IOException {
        slot = RunningTaskFile.openForReading(folder);
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
        slot = null;
        Queues.releaseClosedQueues();
        Queues.deleteTree(folder);
    }

    @Override
    public String toString() {
        return "worker " + id + (process == null ? "" : " (pid " + process.pid() + ")");
    }
}
