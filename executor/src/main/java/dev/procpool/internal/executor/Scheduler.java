package dev.procpool.internal.executor;

import dev.procpool.TaskSerializationException;
import dev.procpool.WorkerStartException;
import dev.procpool.internal.executor.WorkerHandle.State;
import dev.procpool.internal.ipc.BackoffIdler;
import dev.procpool.internal.ipc.JavaSerializer;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerStopping;
import dev.procpool.internal.ipc.Payload;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.RemoteFailure;
import dev.procpool.internal.ipc.RunningTaskFile;
import dev.procpool.internal.launcher.WorkerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool's one thread of control. It owns every piece of scheduling state (the tasks waiting for a worker,
 * the workers and what each is running), reads all result queues, dispatches tasks, and reacts to worker
 * exits. Other threads only put work in its inbox and wake it ({@link #submit}, {@link #cancelled},
 * {@link #shutdown}, {@link #shutdownNow}, and the process-exit callbacks), so none of that state needs a lock.
 */
public final class Scheduler implements TaskFuture.Canceller {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** Consecutive start failures after which the pool stops trying and fails what waits. */
    static final int MAX_CONSECUTIVE_START_FAILURES = 3;
    /** How long a worker told to stop (shutdown or shutdownNow) may take before it is killed. */
    private static final long STOP_GRACE_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long SHUTDOWN_GRACE_NS = TimeUnit.SECONDS.toNanos(10);
    /** Tasks sent to one worker ahead of its answers. */
    private static final int DEPTH = 1;
    private static final int MAX_MESSAGES_PER_POLL = 256;

    private enum RunState { RUNNING, SHUTDOWN, STOP, TERMINATED }

    private final PoolConfig config;
    private final WorkerSpec spec;
    private final Path poolFolder;
    private final Thread thread;
    private final ExecutorService starter;
    private final ConcurrentLinkedQueue<TaskFuture<?>> submitted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Object submitLock = new Object();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile RunState runState = RunState.RUNNING;
    private volatile WorkerStartException broken;

    // scheduler thread only
    private final ArrayDeque<TaskFuture<?>> pending = new ArrayDeque<>();
    private final List<WorkerHandle> workers = new ArrayList<>();
    private int lastWorkerId;
    private int consecutiveStartFailures;

    public Scheduler(PoolConfig config, WorkerSpec spec, Path poolFolder) {
        this.config = config;
        this.spec = spec;
        this.poolFolder = poolFolder;
        this.starter = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "procpool-starter");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "procpool-scheduler");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    // ---------------------------------------------------------------- called from any thread

    /** Queues a task; throws {@link RejectedExecutionException} once the pool is shut down or broken. */
    public void submit(TaskFuture<?> future) {
        synchronized (submitLock) {
            if (runState != RunState.RUNNING) {
                future.releaseTask();
                WorkerStartException cause = broken;
                if (cause != null) {
                    throw new RejectedExecutionException("the pool is broken: its workers could not start ("
                            + cause.getMessage().lines().findFirst().orElse("") + ")", cause);
                }
                throw new RejectedExecutionException("the pool is shut down; " + future + " was not accepted");
            }
            future.attach(this);
            submitted.add(future);
        }
        LockSupport.unpark(thread);
    }

    @Override
    public void cancelled(TaskFuture<?> future, boolean mayInterruptIfRunning) {
        post(() -> onCancelled(future, mayInterruptIfRunning));
    }

    public void shutdown() {
        synchronized (submitLock) {
            if (runState == RunState.RUNNING) {
                runState = RunState.SHUTDOWN;
            }
        }
        LockSupport.unpark(thread);
    }

    public List<Runnable> shutdownNow() {
        synchronized (submitLock) {
            if (runState == RunState.TERMINATED) {
                return List.of();
            }
            if (runState != RunState.STOP) {
                runState = RunState.STOP;
            }
        }
        CompletableFuture<List<Runnable>> notStarted = new CompletableFuture<>();
        post(() -> notStarted.complete(stopNow()));
        if (Thread.currentThread() == thread) {
            return List.of();
        }
        // the scheduler answers within one loop iteration, or has terminated (then nothing was waiting)
        while (true) {
            try {
                return notStarted.get(50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (terminated.getCount() == 0) {
                    return notStarted.getNow(List.of());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return notStarted.getNow(List.of());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    public boolean isShutdown() {
        return runState != RunState.RUNNING;
    }

    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    private void post(Runnable action) {
        inbox.add(action);
        LockSupport.unpark(thread);
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        for (int i = 0; i < config.workers(); i++) {
            spawnWorker();
        }
        BackoffIdler idler = BackoffIdler.standard();
        while (true) {
            boolean busy = false;
            try {
                busy |= drainInbox();
                busy |= pollWorkers();
                busy |= dispatch();
                checkDeadlines();
                if (runState != RunState.RUNNING) {
                    stopIdleWorkersIfDone();
                    if (workers.isEmpty() && pending.isEmpty() && submitted.isEmpty() && inbox.isEmpty()) {
                        terminate();
                        return;
                    }
                }
            } catch (Throwable unexpected) {
                LOG.error("procpool scheduler: unexpected failure; the pool carries on", unexpected);
            }
            if (busy) {
                idler.reset();
            } else {
                idler.idle();
            }
        }
    }

    private boolean drainInbox() {
        boolean any = false;
        Runnable action;
        while ((action = inbox.poll()) != null) {
            action.run();
            any = true;
        }
        TaskFuture<?> future;
        while ((future = submitted.poll()) != null) {
            pending.add(future);
            any = true;
        }
        return any;
    }

    private boolean pollWorkers() {
        boolean any = false;
        for (int i = 0; i < workers.size(); i++) {
            any |= pollWorker(workers.get(i), MAX_MESSAGES_PER_POLL);
        }
        return any;
    }

    private boolean pollWorker(WorkerHandle worker, int max) {
        if (worker.results == null || worker.state == State.LAUNCHING || worker.state == State.EXITED) {
            return false;
        }
        int read = 0;
        Message message;
        while (read < max && (message = worker.results.poll()) != null) {
            read++;
            handle(worker, message);
        }
        return read > 0;
    }

    private void handle(WorkerHandle worker, Message message) {
        if (message instanceof TaskCompleted done) {
            TaskFuture<?> future = answered(worker, done.taskId());
            if (future != null) {
                complete(future, done.result());
            } else {
                done.result().release();
            }
        } else if (message instanceof TaskFailed failed) {
            TaskFuture<?> future = answered(worker, failed.taskId());
            if (future != null) {
                fail(future, failed.error());
            } else {
                failed.error().release();
            }
        } else if (message instanceof TaskCancelled cancelled) {
            answered(worker, cancelled.taskId());
        } else if (message instanceof WorkerReady ready) {
            onReady(worker, ready);
        } else if (message instanceof WorkerStopping) {
            worker.saidGoodbye = true;
        }
    }

    /** Removes the answered task from its worker; null when it is no longer tracked. */
    private static TaskFuture<?> answered(WorkerHandle worker, long taskId) {
        for (Iterator<TaskFuture<?>> it = worker.inFlight.iterator(); it.hasNext(); ) {
            TaskFuture<?> future = it.next();
            if (future.id() == taskId) {
                it.remove();
                future.worker = null;
                future.releaseTask();
                return future;
            }
        }
        return null;
    }

    private static void complete(TaskFuture<?> future, Payload result) {
        try {
            future.complete(JavaSerializer.deserialize(result, future.loader()));
        } catch (Exception | Error e) { // any Error too (StackOverflowError on a deep graph): the future must end
            future.fail(new TaskSerializationException("the result of " + future
                    + " could not be read in the parent: " + e, e));
        } finally {
            result.release();
        }
    }

    private static void fail(TaskFuture<?> future, Payload error) {
        try {
            Object thrown = JavaSerializer.deserialize(error, future.loader());
            if (thrown instanceof RemoteFailure remote) {
                TaskSerializationException e = new TaskSerializationException(future + ": " + remote.getMessage(), null);
                e.setStackTrace(remote.getStackTrace());
                future.fail(e);
            } else {
                future.fail((Throwable) thrown);
            }
        } catch (Exception | Error e) { // as in complete()
            future.fail(new TaskSerializationException("the exception thrown by " + future
                    + " could not be read in the parent: " + e, e));
        } finally {
            error.release();
        }
    }

    private boolean dispatch() {
        boolean any = false;
        while (!pending.isEmpty()) {
            TaskFuture<?> next = pending.peek();
            if (next.isDone()) { // cancelled while waiting
                pending.poll().releaseTask();
                continue;
            }
            WorkerHandle worker = leastLoadedReadyWorker();
            if (worker == null) {
                break;
            }
            pending.poll();
            try {
                worker.tasks.write(new RunTask(next.id(), next.task()));
                worker.inFlight.add(next);
                next.worker = worker;
                any = true;
            } catch (IOException | RuntimeException e) {
                next.releaseTask();
                next.fail(new TaskSerializationException("could not hand " + next + " to " + worker + ": " + e, e));
            }
        }
        return any;
    }

    private WorkerHandle leastLoadedReadyWorker() {
        WorkerHandle best = null;
        for (WorkerHandle worker : workers) {
            if (worker.state == State.READY && worker.inFlight.size() < DEPTH
                    && (best == null || worker.inFlight.size() < best.inFlight.size())) {
                best = worker;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- worker life cycle

    private void spawnWorker() {
        WorkerHandle worker = new WorkerHandle(++lastWorkerId, poolFolder.resolve("worker-" + (lastWorkerId)));
        worker.deadlineNs = System.nanoTime() + config.startTimeout().toNanos();
        workers.add(worker);
        starter.execute(() -> {
            try {
                worker.launch(spec);
                worker.process.onExit().whenComplete((code, error) ->
                        post(() -> onExit(worker, code == null ? -1 : code)));
                post(() -> onLaunched(worker));
            } catch (Throwable e) {
                post(() -> onLaunchFailed(worker, e));
            }
        });
    }

    private void onLaunched(WorkerHandle worker) {
        if (worker.state == State.LAUNCHING) {
            worker.state = State.STARTING;
        }
    }

    private void onLaunchFailed(WorkerHandle worker, Throwable error) {
        if (worker.process != null) {
            worker.kill("its queues could not be opened");
        }
        List<String> stderr = worker.process == null ? List.of() : worker.process.lastStderrLines();
        workerGone(worker);
        startFailed(CrashReports.startFailure(worker.id, worker.pid(), "launching it failed: " + error, stderr, error));
    }

    private void onReady(WorkerHandle worker, WorkerReady ready) {
        if (ready.protocolVersion() != Message.PROTOCOL_VERSION) {
            worker.kill("it speaks protocol " + ready.protocolVersion() + ", not " + Message.PROTOCOL_VERSION
                    + " (mixed procpool versions on the class path?)");
            return;
        }
        worker.ready = true;
        worker.state = State.READY;
        consecutiveStartFailures = 0;
        LOG.debug("{} ready", worker);
    }

    private void onExit(WorkerHandle worker, int exitCode) {
        if (worker.state == State.EXITED) {
            return;
        }
        pollWorker(worker, Integer.MAX_VALUE); // whatever it wrote before it died still counts
        List<String> stderr = worker.process.lastStderrLines();
        if (!worker.ready) {
            workerGone(worker);
            String what = worker.killedBecause != null ? worker.killedBecause
                    : "it exited with code " + exitCode + " before its handshake";
            if (runState == RunState.RUNNING || !pending.isEmpty()) {
                startFailed(CrashReports.startFailure(worker.id, worker.pid(), what, stderr, null));
            }
            return;
        }
        if (worker.saidGoodbye || worker.killedBecause != null) {
            requeueAll(worker);
        } else {
            long running = RunningTaskFile.read(worker.folder);
            for (Iterator<TaskFuture<?>> it = worker.inFlight.iterator(); it.hasNext(); ) {
                TaskFuture<?> future = it.next();
                if (future.id() == running) {
                    it.remove();
                    future.releaseTask();
                    future.fail(CrashReports.crash(worker.id, worker.pid(), exitCode, stderr, future.toString()));
                }
            }
            LOG.warn("procpool {} exited with code {}{}; starting a replacement", worker, exitCode,
                    running == 0 ? " while idle" : " while running task " + running);
            requeueAll(worker);
        }
        workerGone(worker);
        if (runState == RunState.RUNNING || (runState == RunState.SHUTDOWN && !pending.isEmpty())) {
            spawnWorker();
        }
    }

    /** Tasks a dead worker had not started go back to the front of the line, in their order. */
    private void requeueAll(WorkerHandle worker) {
        while (!worker.inFlight.isEmpty()) {
            TaskFuture<?> future = worker.inFlight.pollLast();
            future.worker = null;
            if (future.isDone()) {
                future.releaseTask();
            } else {
                pending.addFirst(future);
            }
        }
    }

    private void workerGone(WorkerHandle worker) {
        worker.state = State.EXITED;
        workers.remove(worker);
        requeueAll(worker);
        worker.discard();
    }

    private void startFailed(WorkerStartException failure) {
        consecutiveStartFailures++;
        LOG.warn("procpool: {}", failure.getMessage());
        if (consecutiveStartFailures < MAX_CONSECUTIVE_START_FAILURES) {
            if (runState == RunState.RUNNING || !pending.isEmpty()) {
                spawnWorker();
            }
            return;
        }
        // Stop trying: a configuration that failed three times in a row will not start the fourth time.
        synchronized (submitLock) {
            broken = failure;
            if (runState == RunState.RUNNING) {
                runState = RunState.SHUTDOWN;
            }
        }
        drainInbox();
        TaskFuture<?> future;
        while ((future = pending.poll()) != null) {
            future.releaseTask();
            future.fail(failure);
        }
    }

    private void onCancelled(TaskFuture<?> future, boolean mayInterruptIfRunning) {
        WorkerHandle worker = future.worker;
        if (worker == null) {
            if (pending.remove(future)) {
                future.releaseTask();
            }
            return;
        }
        // The worker skips it if it has not started, or interrupts it if asked to; either way it answers.
        if (mayInterruptIfRunning || worker.inFlight.peekFirst() != future) {
            worker.process.send(new Message.CancelTask(future.id()));
        }
    }

    // ---------------------------------------------------------------- shutdown

    private void stopIdleWorkersIfDone() {
        if (!pending.isEmpty()) {
            return; // still work to do (shutdown), or not possible (stop drains pending first)
        }
        for (WorkerHandle worker : workers) {
            if (worker.state == State.READY && worker.inFlight.isEmpty()) {
                try {
                    worker.tasks.write(new Message.Shutdown());
                    worker.state = State.STOPPING;
                    worker.deadlineNs = System.nanoTime() + SHUTDOWN_GRACE_NS;
                } catch (IOException | RuntimeException e) {
                    worker.kill("it could not be told to shut down: " + e);
                }
            } else if (worker.state == State.STARTING) {
                worker.kill("the pool shut down before it was needed");
                worker.state = State.STOPPING;
                worker.deadlineNs = System.nanoTime() + STOP_GRACE_NS;
            }
        }
    }

    private List<Runnable> stopNow() {
        drainInbox();
        List<Runnable> notStarted = new ArrayList<>(pending.size());
        TaskFuture<?> future;
        while ((future = pending.poll()) != null) {
            if (future.cancelQuietly()) {
                notStarted.add(future);
            }
            future.releaseTask();
        }
        for (WorkerHandle worker : workers) {
            for (TaskFuture<?> running : worker.inFlight) {
                running.cancelQuietly();
            }
            if (worker.state == State.READY || worker.state == State.STOPPING) {
                worker.process.send(new Message.StopNow());
            } else if (worker.state == State.STARTING) {
                worker.kill("the pool was stopped before it was needed");
            }
            if (worker.state != State.LAUNCHING) {
                worker.state = State.STOPPING;
            }
            worker.deadlineNs = System.nanoTime() + STOP_GRACE_NS;
        }
        return notStarted;
    }

    private void checkDeadlines() {
        long now = System.nanoTime();
        for (WorkerHandle worker : workers) {
            if (now - worker.deadlineNs < 0 || worker.process == null) {
                continue;
            }
            // Re-arm only after a kill: a worker still LAUNCHING when its start deadline passes must be killed as
            // soon as it is STARTING, not given another grace period.
            if (worker.state == State.STARTING) {
                worker.kill("it did not complete its handshake within " + config.startTimeout().toSeconds() + " s");
                worker.deadlineNs = now + STOP_GRACE_NS;
            } else if (worker.state == State.STOPPING) {
                worker.kill("it did not stop within its grace period");
                worker.deadlineNs = now + STOP_GRACE_NS;
            }
        }
    }

    private void terminate() {
        starter.shutdown();
        Queues.releaseClosedQueues();
        if (!Queues.deleteTree(poolFolder)) {
            LOG.warn("procpool: could not delete {}", poolFolder);
        }
        synchronized (submitLock) {
            runState = RunState.TERMINATED;
        }
        terminated.countDown();
    }
}
