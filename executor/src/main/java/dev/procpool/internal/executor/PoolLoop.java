package dev.procpool.internal.executor;

import dev.procpool.WorkerStartException;
import dev.procpool.internal.ipc.BackoffIdler;
import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.launcher.ClassDataArchive;
import dev.procpool.internal.launcher.WorkerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static dev.procpool.internal.executor.PoolLog.LOG;

/**
 * The pool's one thread of control. It owns the run state and composes the parts that do the work, each with one
 * job and all called on this thread (Agrona {@code Agent} style: each part's {@code doWork} says how much it
 * did, which paces the idle strategy): {@link ResultRouter} reads the workers' events (and hands their requests
 * for classes to the {@link ClassServer}, which reads them on a thread of its own), {@link TimeLimits}
 * watches deadlines, {@link WorkerLifecycle} starts and stops workers, {@link Dispatcher} hands out tasks, and
 * {@link CrashHandler} deals with exits. Other threads only put work in the inbox and wake the thread
 * ({@link #submit}, {@link #cancelled}, {@link #resize}, {@link #shutdown}, {@link #shutdownNow} and the
 * process-exit callbacks), so no scheduling state needs a lock.
 */
public final class PoolLoop implements TaskFuture.Canceller {
    /**
     * How long a closing pool lets a class-data training finish (1-2 s alone; about 3 s for JDK 25's AOT cache)
     * before ending it.
     */
    private static final Duration CLASS_DATA_WAIT = Duration.ofSeconds(10);
    /**
     * How long a closing pool waits for the searches, one per gone worker, for processes that left a worker's tree
     * (a few ms each, on threads of their own; see {@link WorkerProcess#awaitTreeSearches}).
     */
    private static final Duration TREE_SEARCH_WAIT = Duration.ofSeconds(5);
    /**
     * The longest an idle loop parks. Every event that matters then (a submit, a cancel, a worker's exit)
     * unparks it; the bound paces the timed checks, and an idle timeout or a start back-off due sooner
     * shortens it.
     */
    private static final long IDLE_PARK_MAX_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The longest a loop parks while its workers compute, once each has been asked to ring its lane when it
     * writes to its results queue ({@link WorkerLifecycle#askForRings}). A ring, a submit, a cancel or an exit
     * unparks it; the bound is a safety net, so that a lost ring would cost latency, never a hang, and paces the
     * stall watch. Without rings the loop looks every millisecond at most, some 1,000 wake-ups a second taken
     * from the workers' processors. Internal, for tests: {@code -Dprocpool.internal.ringParkMaxMs} changes it
     * for pools built after it is set.
     */
    static final String RING_PARK_PROPERTY = "procpool.internal.ringParkMaxMs";
    private final long ringParkMaxNs = TimeUnit.MILLISECONDS.toNanos(Long.getLong(RING_PARK_PROPERTY, 50));

    private enum RunState { RUNNING, SHUTDOWN, STOP, TERMINATED }

    private final Path poolFolder;
    private final Thread thread;
    private final ConcurrentLinkedQueue<TaskFuture<?>> submitted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Object submitLock = new Object();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CountDownLatch paused = new CountDownLatch(1);
    private volatile boolean pauseRequested;
    private final JvmExitHook exitHook;
    private final TimeLimits timeLimits;
    private final Dispatcher dispatcher;
    private final WorkerLifecycle lifecycle;
    private final ResultRouter router;
    private final ClassServer classServer;
    private final CrashHandler crashes;
    private final PoolEvents events;
    private final PoolMBean mbean;
    /** Whether {@link #workersUp} has run; loop thread only. */
    private boolean mbeanRequested;
    /** Replaced (only its size changes) on a resize; read by any thread. */
    private volatile PoolConfig config;
    private volatile RunState runState = RunState.RUNNING;
    private volatile WorkerStartException broken;
    /** The shared pool that replaced this one; tasks submitted here after the replacement go there. */
    private volatile PoolLoop successor;
    /**
     * {@link #runState} as read at the start of the current iteration, before the inbox was drained: once the
     * pool is seen shut down, every task it accepted is already in {@link #submitted}, so after the drain the
     * dispatcher holds them all and "nothing waits" is true. Reading it later let a task accepted just before
     * shutdown() sit in {@code submitted} while the idle workers were retired, and then start new workers for it.
     * Loop thread only.
     */
    private RunState seenState = RunState.RUNNING;
    /** When the worker figures of {@code stats()} were last published; loop thread only. */
    private long lastPublishNs;
    private static final long PUBLISH_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    public PoolLoop(PoolConfig config, Path poolFolder) {
        this.config = config;
        this.poolFolder = poolFolder;
        this.exitHook = new JvmExitHook(poolFolder, this::isTerminated);
        WorkerFactory factory = new WorkerFactory(this, exitHook, poolFolder, config);
        if (WorkerCount.wanted(false, config.idleTimeout() != null, config.workers(), config.minWorkers(), 0, 0, 0) > 0) {
            factory.startFirst(config); // its boot overlaps the rest of this constructor and of start()
        }
        // SLF4J initializes on its first use (20-25 ms in a new JVM); a thread that logs meanwhile has its calls
        // queued and replayed, and SLF4J warns about that on stderr. The pool's other threads start after this;
        // the first worker's starter logs only through ClassDataArchive, which waits for an initialization under
        // way.
        LOG.isDebugEnabled();
        this.timeLimits = new TimeLimits(this::config);
        this.events = new PoolEvents(config.listener());
        this.dispatcher = new Dispatcher(timeLimits, events);
        this.lifecycle = new WorkerLifecycle(this, dispatcher, factory, events, config);
        this.classServer = new ClassServer(this::post);
        this.router = new ResultRouter(lifecycle, dispatcher, classServer);
        this.crashes = new CrashHandler(lifecycle, dispatcher, events);
        this.mbean = new PoolMBean(config.name(), this::stats);
        this.thread = new Thread(this::run, "procpool-scheduler");
        this.thread.setDaemon(true);
    }

    /**
     * Starts the loop thread, which launches the workers at once. The pool's MXBean is registered later, once the
     * workers are first up ({@link #workersUp}).
     */
    public void start() {
        try {
            installExitHook();
        } catch (IllegalStateException e) { // the JVM is exiting already
            lifecycle.abandonFirst();
            FileTrees.deleteTree(poolFolder);
            throw new IllegalStateException("procpool: no pool can be built while the JVM shuts down (called from a"
                    + " shutdown hook?); build it before", e);
        }
        // the first workers launch from here (the first of them adopted from the constructor) rather than from the
        // scheduler's first round: in a new JVM that round is 60-110 ms of first-time class loading, which the
        // workers' own start now overlaps (before the thread starts, so the scheduler thread sees what this did)
        lifecycle.doWork(System.nanoTime(), true, false);
        thread.start();
    }

    private void installExitHook() {
        exitHook.install(new JvmExitHook.Loop() {
            @Override
            public boolean pause(long timeoutNs) {
                return PoolLoop.this.pause(timeoutNs);
            }

            @Override
            public void cleanedUp() {
                events.close();
                synchronized (submitLock) {
                    runState = RunState.TERMINATED;
                }
                terminated.countDown();
            }
        });
    }

    /**
     * Every worker has been up once: registers the pool's MXBean, on a thread of its own. Not earlier, because a
     * JVM's first platform MBean server starts JFR's machinery and every platform MXBean, 300-400 ms of CPU on this
     * 2-core machine, which competed with the workers' own start when it ran in {@code build()}. Loop thread.
     */
    void workersUp() {
        if (mbeanRequested) {
            return;
        }
        mbeanRequested = true;
        Thread registration = new Thread(mbean::register, "procpool-mbean");
        registration.setDaemon(true);
        registration.start();
    }

    /**
     * Stops the loop for good where it stands (the JVM is exiting; see {@link JvmExitHook}); true once it has
     * stopped, false if it did not within {@code timeoutNs} (busy reading a large result, say). Any thread.
     */
    private boolean pause(long timeoutNs) {
        pauseRequested = true;
        LockSupport.unpark(thread);
        try {
            return paused.await(timeoutNs, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public PoolConfig config() {
        return config;
    }

    /** The pool's private folder, removed when the pool terminates. */
    public Path poolFolder() {
        return poolFolder;
    }

    // ---------------------------------------------------------------- called from any thread

    /**
     * Queues a task; throws {@link RejectedExecutionException} once the pool is shut down or broken, unless it
     * was replaced as the shared pool: then the task goes to its successor.
     */
    public void submit(TaskFuture<?> future) {
        PoolLoop next = successor;
        if (next != null) {
            next.submit(future);
            return;
        }
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
            future.attach(this, events, config.deserializationLimits());
            // told before the scheduler can see the task: told after, a listener could hear of it starting first
            events.taskSubmitted(future);
            submitted.add(future);
        }
        LockSupport.unpark(thread);
    }

    @Override
    public void cancelled(TaskFuture<?> future, boolean mayInterruptIfRunning) {
        post(() -> dispatcher.cancelled(future, mayInterruptIfRunning, lifecycle.workers()));
    }

    /** Changes the number of workers in place: healthy workers are kept, running tasks are not disturbed. */
    public void resize(int workers) {
        synchronized (submitLock) {
            config = config.withWorkers(workers);
        }
        LockSupport.unpark(thread);
    }

    /**
     * This pool is replaced as the shared pool by {@code next}: it shuts down (what it accepted still runs),
     * and what is submitted to it from now on goes to {@code next}.
     */
    public void replaceWith(PoolLoop next) {
        successor = next;
        shutdown();
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
            runState = RunState.STOP;
        }
        CompletableFuture<List<Runnable>> notStarted = new CompletableFuture<>();
        post(() -> notStarted.complete(stopNow()));
        while (true) {
            try {
                return notStarted.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (terminated.getCount() == 0) {
                    return notStarted.getNow(List.of());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return notStarted.getNow(List.of());
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** A snapshot of the pool's figures. Any thread. */
    public dev.procpool.PoolStats stats() {
        return events.stats(config.workers());
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

    /**
     * Shuts down and waits for termination; if interrupted while waiting, stops the pool now, keeps waiting,
     * and restores the interrupt status ({@code ExecutorService.close()} from JDK 19). Any thread.
     */
    public void close() {
        if (isTerminated()) {
            return;
        }
        shutdown();
        boolean interrupted = false;
        while (!isTerminated()) {
            try {
                terminated.await();
            } catch (InterruptedException e) {
                if (!interrupted) {
                    shutdownNow();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Has the loop thread look at the workers' messages at once, should it be parked. Any thread. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /** Runs {@code action} on the loop thread. Any thread. */
    void post(Runnable action) {
        inbox.add(action);
        LockSupport.unpark(thread);
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        BackoffIdler idler = BackoffIdler.standard();
        boolean ringsAsked = false; // on the last pass, which found nothing after asking
        long ringPark;
        while (!pauseRequested) {
            int work = 0;
            try {
                seenState = runState;
                work += drainInbox();
                work += router.doWork(lifecycle.workers());
                long now = System.nanoTime();
                timeLimits.doWork(lifecycle.workers(), now);
                boolean windingDown = seenState == RunState.STOP || (seenState == RunState.SHUTDOWN && dispatcher.isEmpty());
                lifecycle.doWork(now, seenState == RunState.RUNNING, windingDown);
                work += dispatcher.doWork(lifecycle.workers(), config.maxTasksPerWorker());
                if (seenState != RunState.RUNNING) {
                    if (dispatcher.isEmpty()) {
                        lifecycle.stopIdle();
                    }
                    if (lifecycle.workers().isEmpty() && dispatcher.isEmpty() && submitted.isEmpty() && inbox.isEmpty()) {
                        terminate();
                        return;
                    }
                }
                if (work == 0 || now - lastPublishNs >= PUBLISH_INTERVAL_NS) { // a busy loop publishes once a ms
                    events.publish(lifecycle.workers(), dispatcher.waiting());
                    lastPublishNs = now;
                }
            } catch (Throwable unexpected) {
                LOG.error("procpool scheduler: unexpected failure; the pool carries on", unexpected);
            }
            if (work > 0) {
                idler.reset();
                ringsAsked = false;
            } else if (idler.isParking() && nothingToWatch()) {
                LockSupport.parkNanos(this, lifecycle.parkNs(System.nanoTime(), IDLE_PARK_MAX_NS));
            } else if (ringsAsked && (ringPark = ringParkNs()) > 0) {
                LockSupport.parkNanos(this, ringPark);
                ringsAsked = false;
            } else if (idler.isParking() && ringParkNs() > 0 && lifecycle.askForRings()) {
                ringsAsked = true; // one more pass looks at the queues after the ask, then parks
            } else {
                idler.idle();
            }
        }
        paused.countDown(); // the JVM is exiting: the thread ends, the exit hook cleans up
    }

    /** True when no worker is starting, stopping or running anything, and nothing waits. */
    private boolean nothingToWatch() {
        return dispatcher.isEmpty() && submitted.isEmpty() && inbox.isEmpty() && runState == RunState.RUNNING
                && lifecycle.allIdle();
    }

    /**
     * How long the loop may park once its workers have been asked to ring: 0 unless nothing but their answers
     * and the deadlines it knows can give it work (nothing submitted or posted, the pool running, and the time
     * limits able to wait; see {@link TimeLimits#parkNs}); else until the first deadline, at most
     * {@link #ringParkMaxNs}.
     */
    private long ringParkNs() {
        if (!submitted.isEmpty() || !inbox.isEmpty() || runState != RunState.RUNNING) {
            return 0;
        }
        long now = System.nanoTime();
        return timeLimits.parkNs(lifecycle.workers(), now, lifecycle.parkNs(now, ringParkMaxNs));
    }

    private int drainInbox() {
        int drained = 0;
        Runnable action;
        while ((action = inbox.poll()) != null) {
            action.run();
            drained++;
        }
        TaskFuture<?> future;
        while ((future = submitted.poll()) != null) {
            dispatcher.add(future);
            drained++;
        }
        return drained;
    }

    /** A worker's process has exited: see {@link CrashHandler}. */
    void workerExited(WorkerHandle worker, int exitCode) {
        crashes.onExit(worker, exitCode, router, runState == RunState.RUNNING);
    }

    /**
     * Workers cannot start: the pool refuses new tasks from now on and fails every waiting one with
     * {@code failure}.
     */
    void breakPool(WorkerStartException failure) {
        synchronized (submitLock) {
            broken = failure;
            if (runState == RunState.RUNNING) {
                runState = RunState.SHUTDOWN;
            }
        }
        drainInbox();
        dispatcher.failAll(failure);
    }

    private List<Runnable> stopNow() {
        drainInbox();
        List<Runnable> notStarted = new ArrayList<>(dispatcher.waiting());
        dispatcher.cancelAll(notStarted);
        lifecycle.stopNow(notStarted);
        return notStarted;
    }

    private void terminate() {
        lifecycle.close();
        classServer.close();
        mbean.unregister();
        events.publish(List.of(), 0);
        events.close();
        ClassDataArchive.awaitTrainings(CLASS_DATA_WAIT);
        WorkerProcess.awaitTreeSearches(TREE_SEARCH_WAIT);
        exitHook.uninstall();
        Queues.releaseClosedQueues();
        if (!FileTrees.deleteTree(poolFolder)) {
            LOG.warn("procpool: could not delete {}", poolFolder);
        }
        synchronized (submitLock) {
            runState = RunState.TERMINATED;
        }
        terminated.countDown();
    }
}
