package dev.procpool.internal.executor;

import dev.procpool.TaskTimeoutException;
import dev.procpool.WorkerCrashedException;
import dev.procpool.WorkerStartException;
import dev.procpool.internal.executor.WorkerHandle.State;
import dev.procpool.internal.ipc.BackoffIdler;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.ConfigureWorker;
import dev.procpool.internal.ipc.Message.InitializerCompleted;
import dev.procpool.internal.ipc.Message.InitializerFailed;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.RunInitializer;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerRetired;
import dev.procpool.internal.ipc.Payload;
import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.WorkerActivityFile;
import dev.procpool.internal.launcher.ClassDataArchive;
import dev.procpool.internal.launcher.WorkerSpec;
import io.netty.buffer.Unpooled;
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
 * the workers and what each is running), reads all result queues, dispatches tasks, watches time limits, and
 * reacts to worker exits. Other threads only put work in its inbox and wake it ({@link #submit},
 * {@link #cancelled}, {@link #shutdown}, {@link #shutdownNow}, {@link #resize}, and the process-exit
 * callbacks), so none of that state needs a lock.
 */
public final class Scheduler implements TaskFuture.Canceller {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** Consecutive start failures after which the pool stops trying and fails what waits. */
    static final int MAX_CONSECUTIVE_START_FAILURES = 3;
    private static final long[] START_BACKOFF_NS = {0, TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.SECONDS.toNanos(1)};
    private static final long SHUTDOWN_GRACE_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_MESSAGES_PER_POLL = 256;
    /** How long a closing pool lets a class-data training finish (it takes 1-2 s) before ending it. */
    private static final java.time.Duration CLASS_DATA_WAIT = java.time.Duration.ofSeconds(10);
    /**
     * The longest an idle scheduler parks. Every event that matters then (a submit, a cancel, a worker's exit)
     * unparks it; the bound paces the timed checks, and an idle timeout or a start back-off due sooner
     * shortens it. At 50 ms, the wake-ups of an idle pool cost its parent ~0.3 % of a core.
     */
    private static final long IDLE_PARK_MAX_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Tasks sent to a worker ahead of its answers, so that a worker finishing a short task finds the next one
     * in its queue. A task sent ahead is not started: an idle worker takes it back (see
     * {@link #stealForIdleWorkers}), and a worker's death or retirement puts it back in line.
     */
    private static final int DEPTH = 16;

    private enum RunState { RUNNING, SHUTDOWN, STOP, TERMINATED }

    private final PoolConfig config;
    private final WorkerSpec.OutputSink output;
    private final Path poolFolder;
    private final Thread thread;
    private final ExecutorService starter;
    private final ConcurrentLinkedQueue<TaskFuture<?>> submitted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Object submitLock = new Object();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Workers with a live process, for the JVM-exit hook (which runs on its own thread). */
    private final java.util.Set<WorkerHandle> launched = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread exitHook = new Thread(this::onJvmExit, "procpool-jvm-exit");
    /**
     * Set by the JVM-exit hook before it kills the workers. The scheduler thread keeps running during the hook
     * and sees those workers die: it must not start replacements, which would outlive the JVM for a while
     * and put new files in the pool folder while the hook removes it.
     */
    private volatile boolean jvmExiting;
    /** Launches under way on the starter threads; the exit hook lets them finish so that it sees their workers. */
    private final java.util.concurrent.atomic.AtomicInteger launching = new java.util.concurrent.atomic.AtomicInteger();
    private volatile RunState runState = RunState.RUNNING;
    private volatile WorkerStartException broken;

    // scheduler thread only
    /** {@link #runState} as read at the start of the current loop iteration, before the inbox was drained. */
    private RunState seenState = RunState.RUNNING;
    /** A worker crashed or was killed over a task: from then on the pool keeps a spare, unless told otherwise. */
    private boolean lostAWorker;
    private boolean classDataRequested;
    private final ArrayDeque<TaskFuture<?>> pending = new ArrayDeque<>();
    private final List<WorkerHandle> workers = new ArrayList<>();
    private final Payload initializer;
    private int maxWorkers;
    private int lastWorkerId;
    private int consecutiveStartFailures;
    private long nextSpawnNs;

    public Scheduler(PoolConfig config, Path poolFolder) {
        this.config = config;
        this.output = OutputSinks.of(config.output());
        this.poolFolder = poolFolder;
        this.maxWorkers = config.workers();
        this.initializer = config.initializer() == null ? null : Payload.of(Unpooled.wrappedBuffer(config.initializer()));
        this.starter = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "procpool-starter");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "procpool-scheduler");
        this.thread.setDaemon(true);
    }

    public void start() {
        Runtime.getRuntime().addShutdownHook(exitHook);
        thread.start();
    }

    /**
     * The JVM is exiting without this pool having been closed: kill the workers (and what they started), give
     * them a moment to go, and remove the pool's folder, so that nothing is left behind. Runs on the hook thread.
     */
    private void onJvmExit() {
        if (isTerminated()) {
            return;
        }
        jvmExiting = true; // no launch starts from here on (see spawnWorker)
        long launchesDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (launching.get() > 0 && System.nanoTime() - launchesDeadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // a launch takes tens of ms
        }
        List<WorkerHandle> alive = new ArrayList<>(launched);
        alive.forEach(worker -> worker.process.kill());
        for (WorkerHandle worker : alive) {
            try {
                worker.process.onExit().get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                // gone or not, the folder goes: on Unix a file can be deleted while mapped
            }
        }
        FileTrees.deleteTree(poolFolder);
    }

    public PoolConfig config() {
        return config;
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

    /** Changes the number of workers in place: healthy workers are kept, running tasks are not disturbed. */
    public void resize(int workers) {
        post(() -> maxWorkers = workers);
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
        BackoffIdler idler = BackoffIdler.standard();
        while (true) {
            boolean busy = false;
            try {
                // Read before the inbox is drained: once the pool is seen shut down, every task it accepted is
                // already in `submitted`, so after the drain `pending` holds them all and "nothing waits" is
                // true. Reading it later let a task accepted just before shutdown() sit in `submitted` while
                // the idle workers were retired, and then start new workers for it.
                seenState = runState;
                busy |= drainInbox();
                busy |= pollWorkers();
                long now = System.nanoTime();
                supervise(now);
                adjustWorkerCount(now);
                busy |= dispatch();
                if (seenState != RunState.RUNNING) {
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
            } else if (idler.isParking() && nothingToWatch()) {
                // Nothing in flight: see IDLE_PARK_MAX_NS
                LockSupport.parkNanos(this, idleParkNs(System.nanoTime()));
            } else {
                idler.idle();
            }
        }
    }

    /** How long the idle scheduler may park: until the next idle timeout or start back-off is due, at most 1 s. */
    private long idleParkNs(long now) {
        long park = IDLE_PARK_MAX_NS;
        if (now - nextSpawnNs < 0) {
            park = Math.min(park, nextSpawnNs - now);
        }
        if (config.idleTimeout() != null) {
            long timeout = config.idleTimeout().toNanos();
            for (WorkerHandle worker : workers) {
                if (!worker.spare && worker.inFlight.isEmpty()) {
                    // just past the deadline: retireIdle wants "idle for longer than the timeout"
                    park = Math.min(park, worker.idleSinceNs + timeout - now + TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
        }
        return Math.max(park, TimeUnit.MILLISECONDS.toNanos(1));
    }

    /** True when no worker is starting, stopping or running anything, and nothing waits. */
    private boolean nothingToWatch() {
        if (!pending.isEmpty() || !submitted.isEmpty() || !inbox.isEmpty() || runState != RunState.RUNNING) {
            return false;
        }
        for (WorkerHandle worker : workers) {
            if (worker.state != State.READY || !worker.inFlight.isEmpty()) {
                return false;
            }
        }
        return true;
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
            if (future.timeLimitNs < 0) {
                future.timeLimitNs = config.timeLimit() == null ? 0 : config.timeLimit().toNanos();
            }
            if (future.retries < 0) {
                future.retries = config.retries();
            }
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
            TaskFuture<?> future = worker.answered(done.taskId());
            if (future != null) {
                future.releaseTask();
                Outcomes.complete(future, done.result());
            } else {
                done.result().release();
            }
        } else if (message instanceof TaskFailed failed) {
            TaskFuture<?> future = worker.answered(failed.taskId());
            if (future != null) {
                future.releaseTask();
                Outcomes.fail(future, failed.error());
            } else {
                failed.error().release();
            }
        } else if (message instanceof OutcomeNotSerialized notSerialized) {
            TaskFuture<?> future = worker.answered(notSerialized.taskId());
            if (future != null) {
                future.releaseTask();
                Outcomes.notSerialized(future, notSerialized);
            }
        } else if (message instanceof InitializerCompleted) {
            worker.initialized = true;
            worker.process.busy(!worker.inFlight.isEmpty());
            becomeReadyIfDone(worker);
        } else if (message instanceof InitializerFailed failed) {
            initializerFailed(worker, Outcomes.readThrowable(null, failed.error()));
        } else if (message instanceof TaskCancelled cancelled) {
            TaskFuture<?> future = worker.answered(cancelled.taskId());
            if (future != null && !future.isDone()) { // taken back to balance load, not cancelled by the user
                future.stealing = false;
                pending.addFirst(future);
            } else if (future != null) {
                future.releaseTask();
            }
        } else if (message instanceof WorkerReady ready) {
            onHandshake(worker, ready);
        } else if (message instanceof WorkerRetired retired) {
            worker.saidGoodbye = true;
            if (worker.state == State.READY) {
                worker.state = State.STOPPING; // retiring by itself (recycling): no more tasks for it
                worker.deadlineNs = System.nanoTime() + SHUTDOWN_GRACE_NS;
                LOG.debug("{} is retiring: {}", worker, retired.reason());
            }
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
            WorkerHandle worker = leastLoadedWorker();
            if (worker == null) {
                return any;
            }
            pending.poll();
            try {
                worker.send(next);
                any = true;
            } catch (IOException | RuntimeException e) {
                next.releaseTask();
                next.fail(new dev.procpool.TaskSerializationException("could not hand " + next + " to " + worker + ": " + e, e));
            }
        }
        stealForIdleWorkers();
        return any;
    }

    /**
     * Nothing waits, yet a worker is idle while another has tasks queued behind the one it runs (sent ahead
     * while tasks were short): ask the busy worker to give back its last unstarted task, never interrupting it.
     */
    private void stealForIdleWorkers() {
        int idle = 0;
        for (WorkerHandle worker : workers) {
            if (worker.accepting() && worker.inFlight.isEmpty()) {
                idle++;
            }
        }
        for (int i = 0; i < workers.size() && idle > 0; i++) {
            WorkerHandle busy = workers.get(i);
            if (busy.askBackLastUnstarted()) {
                idle--;
            }
        }
    }

    private WorkerHandle leastLoadedWorker() {
        WorkerHandle best = null;
        long maxTasks = config.maxTasksPerWorker();
        for (WorkerHandle worker : workers) {
            if (worker.accepting() && worker.inFlight.size() < DEPTH
                    && (maxTasks <= 0 || worker.tasksSent < maxTasks) // it retires after that many
                    && (best == null || worker.inFlight.size() < best.inFlight.size())) {
                best = worker;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- supervision: time limits, cancellation

    private void supervise(long now) {
        for (WorkerHandle worker : workers) {
            worker.supervise(now, config);
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
        worker.cancel(future, mayInterruptIfRunning, config.interruptGrace().toNanos());
    }

    // ---------------------------------------------------------------- worker life cycle

    /** Starts workers for waiting tasks (or to keep the pool's size), and retires idle or surplus ones. */
    private void adjustWorkerCount(long now) {
        int active = 0;
        int idle = 0;
        int spares = 0;
        int starting = 0;
        for (WorkerHandle worker : workers) {
            if (worker.alive()) {
                if (worker.spare) {
                    spares++;
                    continue;
                }
                active++;
                if (worker.state != State.READY || worker.inFlight.isEmpty()) {
                    idle++;
                }
                if (worker.state != State.READY) {
                    starting++;
                }
            }
        }
        int wanted = wantedWorkers(active, idle);
        // a warm spare replaces a lost worker at once: ready ones first
        for (int pass = 0; pass < 2 && active < wanted; pass++) {
            for (WorkerHandle worker : workers) {
                if (active < wanted && worker.alive() && worker.spare && (pass == 1 || worker.state == State.READY)) {
                    worker.spare = false;
                    worker.idleSinceNs = now;
                    active++;
                    spares--;
                }
            }
        }
        for (int i = active; i < wanted && now - nextSpawnNs >= 0; i++) {
            spawnWorker(now, false);
            starting++;
        }
        // spares start once the working ones are up: started alongside, they would slow them down
        int wantedSpares = seenState != RunState.RUNNING || starting > 0 ? 0
                : config.spareWorkers() != PoolConfig.SPARE_AFTER_FIRST_LOSS ? config.spareWorkers()
                : lostAWorker ? 1 : 0;
        for (int i = spares; i < wantedSpares && now - nextSpawnNs >= 0; i++) {
            spawnWorker(now, true);
        }
        int surplus = active - wanted;
        for (WorkerHandle worker : workers) {
            if (surplus > 0 && !worker.spare && worker.state == State.READY && worker.endedBecause == null && worker.inFlight.isEmpty()) {
                retire(worker, seenState != RunState.RUNNING ? "the pool shut down" : "the pool was resized");
                surplus--;
            }
        }
        if (config.idleTimeout() != null) {
            retireIdle(now, active);
        }
    }

    private int wantedWorkers(int active, int idle) {
        boolean windingDown = seenState == RunState.STOP || (seenState == RunState.SHUTDOWN && pending.isEmpty());
        return WorkerCount.wanted(windingDown, config.idleTimeout() != null, maxWorkers, config.minWorkers(),
                active, active - idle, pending.size());
    }

    private void retireIdle(long now, int active) {
        long timeout = config.idleTimeout().toNanos();
        for (WorkerHandle worker : workers) {
            if (active > config.minWorkers() && !worker.spare && worker.state == State.READY && worker.endedBecause == null
                    && worker.inFlight.isEmpty() && now - worker.idleSinceNs > timeout) {
                retire(worker, "it was idle for " + config.idleTimeout().toSeconds() + " s");
                active--;
            }
        }
    }

    private static void retire(WorkerHandle worker, String reason) {
        worker.retire(reason, SHUTDOWN_GRACE_NS);
    }

    private void spawnWorker(long now, boolean spare) {
        if (jvmExiting) {
            return;
        }
        WorkerHandle worker = new WorkerHandle(++lastWorkerId, poolFolder.resolve("worker-" + lastWorkerId));
        worker.spare = spare;
        worker.deadlineNs = now + config.startTimeout().toNanos();
        workers.add(worker);
        WorkerSpec spec = workerSpec();
        launching.incrementAndGet();
        starter.execute(() -> {
            try {
                worker.launch(spec);
                launched.add(worker);
                if (jvmExiting) { // the exit hook gave up waiting for this launch: it cannot have killed it
                    worker.process.kill();
                }
                worker.process.onExit().whenComplete((code, error) -> {
                    launched.remove(worker);
                    post(() -> onExit(worker, code == null ? -1 : code));
                });
                post(() -> onLaunched(worker));
            } catch (Throwable e) {
                post(() -> onLaunchFailed(worker, e));
            } finally {
                launching.decrementAndGet();
            }
        });
    }

    /** procpool's defaults for a new worker depend on the pool's size now (threads per worker). */
    private WorkerSpec workerSpec() {
        int perWorker = WorkerDefaults.processorsPerWorker(Runtime.getRuntime().availableProcessors(), maxWorkers);
        boolean limit = config.limitNativeThreads();
        return WorkerSpec.ofCurrentJvm(
                WorkerDefaults.jvmOptions(config.jvmOptions(), limit, perWorker),
                WorkerDefaults.environment(config.environment(), limit, perWorker, System::getenv),
                config.workingDirectory(), output).withClassDataSharing(config.classDataSharing());
    }

    private void onLaunched(WorkerHandle worker) {
        if (worker.state != State.LAUNCHING) {
            return;
        }
        worker.state = State.STARTING;
        try { // first on its queue, so the settings hold from the first task on
            worker.tasks.write(new ConfigureWorker(config.maxTasksPerWorker(), config.maxMemoryGrowthBytes()));
        } catch (IOException | RuntimeException e) {
            worker.kill("its settings could not be sent: " + e);
            return;
        }
        if (initializer != null) {
            try {
                worker.tasks.write(new RunInitializer(initializer));
                worker.process.busy(true); // an initializer may start processes too
            } catch (IOException | RuntimeException e) {
                initializerFailed(worker, e);
            }
        } else {
            worker.initialized = true;
        }
    }

    private void onLaunchFailed(WorkerHandle worker, Throwable error) {
        if (worker.process != null) {
            worker.kill("its queues could not be opened");
        }
        List<String> stderr = worker.process == null ? List.of() : worker.process.lastStderrLines();
        worker.startFailureReported = true;
        startFailed(CrashReports.startFailure(worker.id, worker.pid(), "launching it failed: " + error, stderr, error));
        workerGone(worker);
    }

    private void onHandshake(WorkerHandle worker, WorkerReady ready) {
        if (ready.protocolVersion() != Message.PROTOCOL_VERSION) {
            worker.kill("it speaks protocol " + ready.protocolVersion() + ", not " + Message.PROTOCOL_VERSION
                    + " (mixed procpool versions on the class path?)");
            return;
        }
        try {
            worker.openActivityFile();
        } catch (IOException e) {
            worker.kill("its activity file could not be opened: " + e);
            return;
        }
        worker.handshook = true;
        worker.wakeIfSleeping(); // the initializer may have been queued before the activity file was open
        becomeReadyIfDone(worker);
    }

    private void becomeReadyIfDone(WorkerHandle worker) {
        if (!worker.handshook || !worker.initialized || worker.state != State.STARTING) {
            return;
        }
        worker.ready = true;
        worker.state = State.READY;
        worker.idleSinceNs = System.nanoTime();
        consecutiveStartFailures = 0;
        LOG.debug("{} ready", worker);
        prepareClassDataOnceAllReady();
    }

    /**
     * Once every worker is up (so that it does not slow their start), makes sure the class-data archive that
     * later workers start from exists; the first pool of a JDK and set of jars makes it, in the background.
     */
    private void prepareClassDataOnceAllReady() {
        if (classDataRequested) {
            return;
        }
        for (WorkerHandle worker : workers) {
            if (worker.alive() && worker.state != State.READY) {
                return;
            }
        }
        classDataRequested = true;
        ClassDataArchive.prepare(workerSpec()).thenAccept(outcome -> {
            if (outcome.startsWith("made")) {
                LOG.info("procpool: {}", outcome);
            } else {
                LOG.debug("procpool: {}", outcome);
            }
        });
    }

    private void initializerFailed(WorkerHandle worker, Throwable cause) {
        worker.kill("its initializer failed: " + cause);
        worker.startFailureReported = true;
        startFailed(CrashReports.startFailure(worker.id, worker.pid(), "the pool's initializer threw " + cause,
                worker.process.lastStderrLines(), cause));
    }

    private void onExit(WorkerHandle worker, int exitCode) {
        if (worker.state == State.EXITED) {
            return;
        }
        pollWorker(worker, Integer.MAX_VALUE); // whatever it wrote before it died still counts
        List<String> stderr = worker.process.lastStderrLines();
        if (!worker.ready) {
            if (!worker.startFailureReported && (runState == RunState.RUNNING || !pending.isEmpty())) {
                String what = worker.endedBecause != null ? worker.endedBecause
                        : "it exited with code " + exitCode + " before its handshake";
                startFailed(CrashReports.startFailure(worker.id, worker.pid(), what, stderr, null));
            }
        } else if (!worker.saidGoodbye && worker.endedBecause == null) {
            long running = WorkerActivityFile.readRunningTask(worker.folder);
            for (Iterator<TaskFuture<?>> it = worker.inFlight.iterator(); it.hasNext(); ) {
                TaskFuture<?> future = it.next();
                if (future.id() == running) {
                    it.remove();
                    crashed(future, CrashReports.crash(worker.id, worker.pid(), exitCode, stderr,
                            worker.process.lastStdoutLines(), future.toString()));
                }
            }
            LOG.warn("procpool {} exited with code {}{}; starting a replacement", worker, exitCode,
                    running == 0 ? " while idle" : " while running task " + running);
        }
        lostAWorker |= worker.ready && (worker.killedOverTask || (!worker.saidGoodbye && worker.endedBecause == null));
        workerGone(worker);
    }

    /** A crash is blamed on the task that was running; it runs again while it has retries left. */
    private void crashed(TaskFuture<?> future, WorkerCrashedException crash) {
        future.worker = null;
        future.crashes.add(crash);
        if (future.isDone()) {
            future.releaseTask();
        } else if (future.crashes.size() <= future.retries) {
            pending.addFirst(future);
        } else {
            future.releaseTask();
            future.fail(CrashReports.finalCrash(future.toString(), future.crashes));
        }
    }

    /** Tasks a gone worker had not started go back to the front of the line, in their order. */
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
            nextSpawnNs = System.nanoTime() + START_BACKOFF_NS[Math.min(consecutiveStartFailures, START_BACKOFF_NS.length - 1)];
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

    // ---------------------------------------------------------------- shutdown

    private void stopIdleWorkersIfDone() {
        if (!pending.isEmpty()) {
            return; // still work to do (shutdown), or not possible (stop drains pending first)
        }
        for (WorkerHandle worker : workers) {
            if (worker.state == State.READY && worker.inFlight.isEmpty()) {
                retire(worker, "the pool shut down");
            } else if (worker.state == State.STARTING) {
                worker.kill("the pool shut down before it was needed");
                worker.state = State.STOPPING;
                worker.deadlineNs = System.nanoTime() + config.interruptGrace().toNanos();
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
            long running = worker.activity == null ? 0 : worker.activity.runningTask();
            for (TaskFuture<?> sent : worker.inFlight) {
                if (sent.cancelQuietly() && sent.id() != running) {
                    notStarted.add(sent); // sent ahead, not started
                }
            }
            if (worker.state == State.READY || worker.state == State.STOPPING) {
                worker.process.send(new Message.StopNow());
            } else if (worker.state == State.STARTING) {
                worker.kill("the pool was stopped before it was needed");
            }
            if (worker.endedBecause == null) {
                worker.endedBecause = "the pool was stopped";
            }
            if (worker.state != State.LAUNCHING) {
                worker.state = State.STOPPING;
            }
            worker.deadlineNs = System.nanoTime() + config.interruptGrace().toNanos();
        }
        return notStarted;
    }

    private void terminate() {
        starter.shutdown();
        ClassDataArchive.awaitTrainings(CLASS_DATA_WAIT);
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs, finds the pool terminated, and does nothing
        }
        if (initializer != null) {
            initializer.release();
        }
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
