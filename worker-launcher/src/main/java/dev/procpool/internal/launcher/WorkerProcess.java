package dev.procpool.internal.launcher;

import dev.procpool.internal.ipc.ControlCodec;
import dev.procpool.internal.ipc.Message;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The parent's view of one worker JVM: starts it, writes to its control pipe, reports its exit, kills it with
 * everything it started. Any thread may call it.
 */
public final class WorkerProcess {
    private static final int TAIL_LINES = 40;
    /** Enough for any line the JVM itself writes (fatal-error banner, OutOfMemoryError); longer ones are cut. */
    private static final int TAIL_LINE_CHARS = 2048;

    private final int workerId;
    private final Process process;
    private final DataOutputStream control;
    private final OutputTail stderrTail;
    private final OutputTail stdoutTail;
    private final CompletableFuture<Integer> exit;
    /** {@link #exit}, and the processes that left this worker's tree ended too: see {@link #onGone()}. */
    private final CompletableFuture<Integer> gone;
    /**
     * The searches for processes that left a worker's tree (a double fork) that have not finished: a closing pool
     * waits for them ({@link #awaitTreeSearches}).
     */
    private static final Set<CompletableFuture<Void>> SEARCHES = ConcurrentHashMap.newKeySet();
    /**
     * Runs those searches one after another, on one daemon thread that ends after a few idle seconds: workers
     * that exit together (a pool closing, a resize) do not scan the process table all at once.
     */
    private static final ThreadPoolExecutor SEARCHER = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "procpool-tree-search");
                thread.setDaemon(true);
                return thread;
            });

    static {
        SEARCHER.allowCoreThreadTimeOut(true);
    }
    /** Processes seen below this worker so far, ended with it: see {@link DescendantWatch}. */
    private final Set<ProcessHandle> started = ConcurrentHashMap.newKeySet();
    /** Whether the parent has sent tasks this worker has not answered yet: it may be starting processes. */
    private volatile boolean busy;
    /** When it last stopped being busy: a process its last task started may be younger than a watch period. */
    private volatile long idleSinceNs = System.nanoTime();

    private WorkerProcess(int workerId, Process process, WorkerStreams streams, OutputTail stderrTail, OutputTail stdoutTail,
                          String tag) {
        this.workerId = workerId;
        this.process = process;
        this.control = new DataOutputStream(new BufferedOutputStream(streams.stdin(), 64));
        this.stderrTail = stderrTail;
        this.stdoutTail = stdoutTail;
        CompletableFuture<Process> ended = process.onExit().thenApply(p -> {
            DescendantWatch.forget(this);
            started.forEach(ProcessHandle::destroyForcibly);
            return p;
        });
        this.exit = ended.thenCompose(p -> streams.drainThenClose()) // its last output lines still count
                .thenApply(ignored -> process.exitValue());
        // Those that left the tree (double fork) are found by reading every process's environment: 1.5-2 ms over
        // 66 processes when warm, several times that in a parent that has not done it before, and more on a
        // machine with hundreds of processes. On the searcher thread, so that a crash is reported without it
        // (kill -9 -> future fails, crash section of the harness: 9.8-12.6 ms with it on the way, 7.1-7.7 ms beside
        // it, 6.2-6.5 ms with no search at all). Where environments cannot be read there is nothing to search.
        CompletableFuture<Void> search = new CompletableFuture<>();
        if (!Platform.canReadProcessEnvironments(Platform.current())) {
            search.complete(null);
        } else {
            SEARCHES.add(search);
            search.whenComplete((done, error) -> SEARCHES.remove(search));
        }
        ended.whenComplete((p, error) -> {
            if (search.isDone()) {
                return;
            }
            try {
                SEARCHER.execute(() -> {
                    try {
                        TaggedProcesses.endTagged(tag, false);
                    } finally {
                        search.complete(null);
                    }
                });
            } catch (RuntimeException | Error e) { // no thread to be had: nothing to wait for
                search.complete(null);
            }
        });
        this.gone = exit.thenCombine(search, (code, ignored) -> code);
    }

    /**
     * Waits up to {@code bound} for the searches still running for processes that left a gone worker's tree, so
     * that a pool that closes leaves none behind. Any thread.
     */
    public static void awaitTreeSearches(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        for (CompletableFuture<Void> search : SEARCHES) {
            if (!BoundedWait.until(search, deadline)) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Starts the worker; its queues live in {@code folder}, which must exist. */
    public static WorkerProcess start(WorkerSpec spec, int workerId, Path folder) throws IOException {
        List<String> command = WorkerCommand.build(spec, workerId, folder);
        OutputTail stderrTail = new OutputTail(TAIL_LINES, TAIL_LINE_CHARS);
        OutputTail stdoutTail = new OutputTail(TAIL_LINES, TAIL_LINE_CHARS);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(spec.environment());
        // inherited by everything the worker starts: found again after a double fork, see TaggedProcesses
        Path poolFolder = folder.toAbsolutePath().getParent();
        String tag = TaggedProcesses.tagOf(poolFolder == null ? "" : String.valueOf(poolFolder.getFileName()), workerId);
        builder.environment().put(TaggedProcesses.VARIABLE, tag);
        if (spec.workingDirectory() != null) {
            builder.directory(spec.workingDirectory().toFile());
        }
        Process process = builder.start(); // all three streams are pipes: stdin is the control pipe
        WorkerStreams streams = WorkerStreams.pump(process, "procpool-worker-" + workerId,
                line -> {
                    stdoutTail.add(line); // the JVM reports OutOfMemoryError exits and fatal errors on stdout
                    spec.output().line(workerId, false, line);
                },
                line -> {
                    if (!line.startsWith("NOTE: Picked up ")) { // JDK_JAVA_OPTIONS inherited from the parent
                        stderrTail.add(line);
                    }
                    spec.output().line(workerId, true, line);
                });
        WorkerProcess worker = new WorkerProcess(workerId, process, streams, stderrTail, stdoutTail, tag);
        DescendantWatch.watch(worker);
        return worker;
    }

    public int workerId() {
        return workerId;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the exit code once the worker has exited and its output is drained. */
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    /**
     * Completes with the exit code once the worker has exited, its output is drained, and the processes its tasks
     * started that left its tree (a double fork; Linux) have been ended: later than {@link #onExit()}, which a
     * crash report needs, by the search for them.
     */
    public CompletableFuture<Integer> onGone() {
        return gone;
    }

    /** Sends a control command; returns false when the worker is gone (its pipe is closed). */
    public boolean send(Message.Command command) {
        synchronized (control) {
            try {
                ControlCodec.write(command, control);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The last lines the worker wrote to stderr, oldest first. */
    public List<String> lastStderrLines() {
        return stderrTail.snapshot();
    }

    /** The last lines the worker wrote to stdout, oldest first. */
    public List<String> lastStdoutLines() {
        return stdoutTail.snapshot();
    }

    /** Kills the worker and every process it started, without waiting. */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        started.forEach(ProcessHandle::destroyForcibly);
    }

    /** The parent says whether this worker has tasks to run; {@link DescendantWatch} looks more often then. */
    public void busy(boolean busy) {
        if (this.busy && !busy) {
            idleSinceNs = System.nanoTime();
        }
        this.busy = busy;
    }

    /** Busy, or was within the last second (longer than {@link DescendantWatch#PERIOD_MS}). */
    boolean busyLately(long nowNs) {
        return busy || nowNs - idleSinceNs < TimeUnit.SECONDS.toNanos(1);
    }

    /** Called by {@link DescendantWatch} for each process it finds below this worker. */
    void startedProcess(ProcessHandle descendant) {
        started.add(descendant);
    }

    /** Keeps the record small when tasks start many short-lived processes. */
    void forgetEndedProcesses() {
        started.removeIf(descendant -> !descendant.isAlive());
    }
}
