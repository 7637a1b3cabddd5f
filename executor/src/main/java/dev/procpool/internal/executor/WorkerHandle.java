package dev.procpool.internal.executor;

import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.launcher.WorkerProcess;
import dev.procpool.internal.launcher.WorkerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * The parent's record of one worker: its process, the two queues it shares with it, and the tasks sent to it
 * and not yet answered, in the order sent. {@link #launch} runs on a starter thread; everything else on the
 * scheduler thread, which sees the launched fields through the scheduler's inbox.
 */
final class WorkerHandle {
    enum State { LAUNCHING, STARTING, READY, STOPPING, EXITED }

    final int id;
    final Path folder;
    State state = State.LAUNCHING;
    WorkerProcess process;
    ChannelWriter tasks;
    ChannelReader results;
    final ArrayDeque<TaskFuture<?>> inFlight = new ArrayDeque<>();
    boolean ready;
    boolean saidGoodbye;
    /** Why the pool killed this worker, or null; a worker the pool killed did not crash. */
    String killedBecause;
    long deadlineNs;

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

    long pid() {
        return process == null ? -1 : process.pid();
    }

    void kill(String reason) {
        if (killedBecause == null) {
            killedBecause = reason;
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
        Queues.releaseClosedQueues();
        Queues.deleteTree(folder);
    }

    @Override
    public String toString() {
        return "worker " + id + (process == null ? "" : " (pid " + process.pid() + ")");
    }
}
