package dev.procpool.internal.executor;

import dev.procpool.WorkerStartException;
import dev.procpool.internal.executor.WorkerStatus.Leaving;
import dev.procpool.internal.executor.WorkerStatus.Phase;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.NoSpaceLeftException;
import dev.procpool.internal.ipc.Message.ConfigureWorker;
import dev.procpool.internal.ipc.Message.RunInitializer;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.codec.Payload;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.procpool.internal.executor.PoolLog.LOG;

/**
 * The pool's workers from launch to exit: starts them (on starter threads) as the pool's size, its waiting
 * tasks and its spare policy ask, runs the handshake and the initializer, promotes spares, retires surplus and
 * idle workers, and stops them when the pool stops. Owns the list of workers. Scheduler thread, except the
 * launch itself.
 */
final class WorkerLifecycle {
    /** How long a worker asked to stop (retired, or saying goodbye) has to exit before it is killed. */
    static final long SHUTDOWN_GRACE_NS = TimeUnit.SECONDS.toNanos(10);

    private final PoolLoop loop;
    private final Dispatcher dispatcher;
    private final WorkerFactory factory;
    private final Payload initializer;
    private final List<WorkerHandle> workers = new ArrayList<>();
    private final StartFailures startFailures = new StartFailures(System.nanoTime());
    /**
     * How long every worker must have been up and idle, with nothing waiting, before the pool starts its
     * spares-once-idle: long enough that a pool fed task after task does not count as idle between two tasks.
     */
    static final long IDLE_BEFORE_SPARE_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long NOT_IDLE = Long.MIN_VALUE;

    /** A worker crashed or was killed over a task: from then on the pool keeps its spares-after-a-loss. */
    private boolean lostAWorker;
    /** The pool has been idle for {@link #IDLE_BEFORE_SPARE_NS}: from then on it keeps its spares-once-idle. */
    private boolean idledOnce;
    /** A worker has answered its handshake: from then on workers are launched as many at once as wanted. */
    private boolean firstUp;
    /**
     * A worker of some pool in this JVM has answered its handshake: the JVM has loaded procpool's classes, and
     * a new pool's first workers may take all the processors (see {@link WorkerCount#launchable}).
     */
    private static volatile boolean anyWorkerUp;
    /**
     * Every worker the pool wanted has been ready at once: from then on a worker on its start-up lane is told to
     * open its queues after its handshake. Until then Chronicle's start, in the worker and then in the parent
     * (hundreds of milliseconds of CPU each), would compete with the workers still booting (2 cores, new parent
     * JVM, both workers up: 1,112 -> 938 ms with the workers' queues opened later).
     */
    private boolean allUp;
    /** A worker kept on its lane this long after its handshake opens its queues even if not all are up. */
    static final long OPEN_QUEUES_AFTER_NS = TimeUnit.SECONDS.toNanos(2);
    /** How many working workers the last round wanted. */
    private int lastWanted;
    /**
     * Internal, for tests: the processors the launch limit counts (see {@link WorkerCount#launchable}), read when
     * the pool is built, so that a test sees the limit of a small machine on any machine.
     */
    static final String PROCESSORS_PROPERTY = "procpool.internal.launchProcessors";
    private final int processors = Integer.getInteger(PROCESSORS_PROPERTY, Runtime.getRuntime().availableProcessors());

    private final PoolEvents events;

    WorkerLifecycle(PoolLoop loop, Dispatcher dispatcher, WorkerFactory factory, PoolEvents events, PoolConfig config) {
        this.loop = loop;
        this.dispatcher = dispatcher;
        this.factory = factory;
        this.events = events;
        this.initializer = config.initializer() == null ? null : Payload.of(config.initializer());
    }

    List<WorkerHandle> workers() {
        return workers;
    }

    /** Starts workers for waiting tasks (or to keep the pool's size), and retires idle or surplus ones. */
    void doWork(long now, boolean running, boolean windingDown) {
        PoolConfig config = loop.config();
        int active = 0;
        int idle = 0;
        int spares = 0;
        int starting = 0;
        int launching = 0;
        for (WorkerHandle worker : workers) {
            if (worker.status().isAlive() && worker.handshakeNs != 0
                    && (allUp || now - worker.handshakeNs >= OPEN_QUEUES_AFTER_NS)) {
                worker.askToOpenQueues();
            }
            if (worker.status().isAlive()) {
                if (worker.status().is(Phase.LAUNCHING) || worker.status().is(Phase.STARTING)) {
                    launching++;
                }
                if (worker.spare) {
                    spares++;
                    continue;
                }
                active++;
                boolean ready = worker.status().is(Phase.READY);
                if (!ready || worker.isIdle()) {
                    idle++;
                }
                if (!ready) {
                    starting++;
                }
            }
        }
        int wanted = WorkerCount.wanted(windingDown, config.idleTimeout() != null, config.workers(),
                config.minWorkers(), active, active - idle, dispatcher.waiting());
        lastWanted = wanted;
        active = promoteSpares(active, wanted, now);
        int launchable = WorkerCount.launchable(firstUp, anyWorkerUp, processors, launching);
        for (int i = active; i < wanted && launchable > 0 && startFailures.mayStart(now); i++) {
            spawn(now, false);
            starting++;
            launchable--;
        }
        if (!idledOnce && running) {
            long idleSince = idleSinceNs(config, active);
            idledOnce = idleSince != NOT_IDLE && now - idleSince >= IDLE_BEFORE_SPARE_NS;
        }
        // spares start once the working ones are up: started alongside, they would slow them down
        int wantedSpares = !running || starting > 0 ? 0 : config.spares().wanted(lostAWorker, idledOnce);
        for (int i = countSpares(); i < wantedSpares && startFailures.mayStart(now); i++) {
            spawn(now, true);
        }
        int surplus = active - wanted;
        for (WorkerHandle worker : workers) {
            if (surplus > 0 && !worker.spare && worker.status().isServing() && worker.isIdle()) {
                worker.retire(running ? "the pool was resized" : "the pool shut down", SHUTDOWN_GRACE_NS);
                surplus--;
            }
        }
        if (config.idleTimeout() != null) {
            retireIdle(now, active, config);
        }
    }

    /** A warm spare replaces a lost worker at once, ready ones first; returns the new count of active workers. */
    private int promoteSpares(int active, int wanted, long now) {
        for (int pass = 0; pass < 2 && active < wanted; pass++) {
            for (WorkerHandle worker : workers) {
                if (active < wanted && worker.spare && worker.status().isAlive()
                        && (pass == 1 || worker.status().is(Phase.READY))) {
                    worker.spare = false;
                    worker.idleSinceNs = now;
                    active++;
                }
            }
        }
        return active;
    }

    /**
     * Since when the pool has been idle: all its workers up (as many as its size) and without tasks, nothing
     * waiting; {@link #NOT_IDLE} when it is not, or when it has an idle timeout (it is meant to shrink, and a
     * spare would outlive the workers that time out).
     */
    private long idleSinceNs(PoolConfig config, int active) {
        if (config.idleTimeout() != null || active < config.workers() || dispatcher.waiting() > 0) {
            return NOT_IDLE;
        }
        long since = NOT_IDLE;
        for (WorkerHandle worker : workers) {
            if (worker.spare || !worker.status().isAlive()) {
                continue;
            }
            if (!worker.status().is(Phase.READY) || worker.status().isLeaving() || !worker.isIdle()) {
                return NOT_IDLE;
            }
            since = Math.max(since, worker.idleSinceNs);
        }
        return since;
    }

    private int countSpares() {
        int spares = 0;
        for (WorkerHandle worker : workers) {
            if (worker.spare && worker.status().isAlive()) {
                spares++;
            }
        }
        return spares;
    }

    private void retireIdle(long now, int active, PoolConfig config) {
        long timeout = config.idleTimeout().toNanos();
        for (WorkerHandle worker : workers) {
            if (active > config.minWorkers() && !worker.spare && worker.status().isServing() && worker.isIdle()
                    && now - worker.idleSinceNs > timeout) {
                worker.retire("it was idle for " + config.idleTimeout().toSeconds() + " s", SHUTDOWN_GRACE_NS);
                active--;
            }
        }
    }

    /** The pool will not be built after all: see {@link WorkerFactory#abandonFirst}. */
    void abandonFirst() {
        factory.abandonFirst();
    }

    private void spawn(long now, boolean spare) {
        WorkerHandle worker = factory.create(now, this::launched, this::launchFailed);
        if (worker != null) {
            worker.spare = spare;
            workers.add(worker);
        }
    }

    private void launched(WorkerHandle worker) {
        if (!worker.status().is(Phase.LAUNCHING)) {
            return;
        }
        worker.advance(Phase.STARTING);
        worker.launchedNs = System.nanoTime();
        events.workerStarted(worker);
        try {
            PoolConfig config = loop.config();
            worker.tasks.write(new ConfigureWorker(config.maxTasksPerWorker(), config.maxMemoryGrowthBytes(),
                    config.deserializationLimits()));
        } catch (IOException | RuntimeException e) {
            worker.kill(Leaving.KILLED, "its settings could not be sent: " + e);
            return;
        }
        if (initializer != null) {
            try {
                worker.tasks.write(new RunInitializer(initializer));
                worker.process.busy(true); // an initializer may start processes too
            } catch (IOException | RuntimeException e) {
                initializerFailed(worker, e);
            }
        }
    }

    private void launchFailed(WorkerHandle worker, Throwable error) {
        if (worker.process != null) {
            worker.kill(Leaving.KILLED, "its queues could not be opened");
        }
        List<String> stderr = worker.process == null ? List.of() : worker.process.lastStderrLines();
        worker.leave(Leaving.START_FAILED, "launching it failed: " + error);
        startFailed(worker.id, CrashReports.startFailure(worker.id, worker.pid(), "launching it failed: " + error, stderr, error));
        gone(worker);
    }

    void handshake(WorkerHandle worker, WorkerReady ready) {
        if (ready.protocolVersion() != Message.PROTOCOL_VERSION) {
            worker.kill(Leaving.KILLED, "it speaks protocol " + ready.protocolVersion() + ", not "
                    + Message.PROTOCOL_VERSION + " (mixed procpool versions on the class path?)");
            return;
        }
        try {
            worker.openActivityFile();
        } catch (IOException e) {
            worker.kill(Leaving.KILLED, "its activity file could not be opened: " + e);
            return;
        }
        worker.wakeIfSleeping(); // the initializer may have been queued before the activity file was known
        worker.handshakeNs = System.nanoTime();
        if (!firstUp) {
            factory.prepareMissingClassData();
        }
        firstUp = true;
        anyWorkerUp = true;
        if (!worker.status().isLeaving()) {
            if (initializer != null) {
                worker.advance(Phase.INITIALIZING);
            } else {
                becomeReady(worker);
            }
        }
    }

    void initializerCompleted(WorkerHandle worker) {
        worker.process.busy(!worker.isIdle());
        if (worker.status().is(Phase.INITIALIZING) && !worker.status().isLeaving()) {
            becomeReady(worker);
        }
    }

    void initializerFailed(WorkerHandle worker, Throwable cause) {
        worker.kill(Leaving.START_FAILED, "its initializer failed: " + cause);
        startFailed(worker.id, CrashReports.startFailure(worker.id, worker.pid(), "the pool's initializer threw " + cause,
                worker.process.lastStderrLines(), cause));
    }

    private void becomeReady(WorkerHandle worker) {
        worker.advance(Phase.READY);
        long now = System.nanoTime();
        worker.idleSinceNs = now;
        worker.readyEvent(now);
        events.workerReady(worker, java.time.Duration.ofNanos(now - worker.createdNs));
        startFailures.succeeded();
        try (PoolMdc ids = PoolMdc.worker(worker.id)) {
            LOG.debug("{} ready", worker);
        }
        prepareClassDataOnceAllReady();
    }

    /** The worker retires by itself (recycling): no more tasks for it. */
    void saidGoodbye(WorkerHandle worker, String reason) {
        if (worker.status().isServing()) {
            worker.deadlineNs = System.nanoTime() + SHUTDOWN_GRACE_NS;
            try (PoolMdc ids = PoolMdc.worker(worker.id)) {
                LOG.debug("{} is retiring: {}", worker, reason);
            }
        }
        worker.leave(Leaving.SAID_GOODBYE, reason);
    }

    /**
     * Once every worker is up (so that it does not slow their start), see {@link WorkerFactory#prepareClassData}
     * and {@link PoolLoop#workersUp}.
     */
    private void prepareClassDataOnceAllReady() {
        int ready = 0;
        for (WorkerHandle worker : workers) {
            if (worker.status().isAlive() && !worker.status().is(Phase.READY)) {
                return;
            }
            if (worker.status().isServing() && !worker.spare) {
                ready++;
            }
        }
        // the first worker's handshake comes before the others are launched: not "all up" yet
        if (ready < lastWanted) {
            return;
        }
        allUp = true;
        factory.prepareClassData();
        loop.workersUp();
    }

    /**
     * Counts a failed start; after too many in a row the pool is broken and fails what waits. A start that failed
     * because the pool folder's disk is full is the world's fault, not the configuration's: it does not count,
     * the tasks waiting fail saying so (they could not be written), and starts go on with a back-off, so that
     * the pool serves again once space returns.
     */
    void startFailed(int workerId, WorkerStartException failure) {
        NoSpaceLeftException diskFull = NoSpaceLeftException.isDiskFull(failure)
                ? NoSpaceLeftException.check(factory.poolFolder(), 0, failure)
                : NoSpaceLeftException.check(factory.poolFolder(), 0, null);
        if (diskFull != null) {
            long waitNs = startFailures.killedFromOutside(System.nanoTime());
            try (PoolMdc ids = PoolMdc.worker(workerId)) {
                LOG.warn("procpool: a worker could not start: {}; trying again in {} ms", diskFull.getMessage(),
                        TimeUnit.NANOSECONDS.toMillis(waitNs));
            }
            dispatcher.failAll(new WorkerStartException("no worker could start to run this task: "
                    + diskFull.getMessage(), failure.stderr(), diskFull));
            return;
        }
        try (PoolMdc ids = PoolMdc.worker(workerId)) {
            LOG.warn("procpool: {}", failure.getMessage());
        }
        if (startFailures.failed(System.nanoTime())) {
            loop.breakPool(failure);
        }
    }

    /** A starting worker was ended by a signal from outside: not a start failure; see {@link StartFailures}. */
    void killedWhileStarting(WorkerHandle worker, int exitCode, String signal) {
        long waitNs = startFailures.killedFromOutside(System.nanoTime());
        try (PoolMdc ids = PoolMdc.worker(worker.id)) {
            LOG.warn("procpool: {} was ended by {} (exit code {}) from outside while it started, not by anything in"
                    + " its start (the OS may have killed it for memory); starting another in {} ms", worker, signal,
                    exitCode, TimeUnit.NANOSECONDS.toMillis(waitNs));
        }
    }

    void lostAWorker() {
        lostAWorker = true;
    }

    /** The worker's process has exited and its exit has been dealt with: its tasks go back in line. */
    void gone(WorkerHandle worker) {
        workers.remove(worker);
        dispatcher.requeueAll(worker);
        worker.discard();
    }

    /** The pool is shut down and nothing waits: idle workers retire, starting ones are no longer needed. */
    void stopIdle() {
        for (WorkerHandle worker : workers) {
            if (worker.status().isServing() && worker.isIdle()) {
                worker.retire("the pool shut down", SHUTDOWN_GRACE_NS);
            } else if (worker.status().isStarting() && !worker.status().isLeaving()) {
                worker.kill(Leaving.STOPPED, "the pool shut down before it was needed");
                worker.deadlineNs = stopDeadline(worker, loop.config().interruptGrace().toNanos());
            }
        }
    }

    /** {@code shutdownNow}: every worker stops at once; adds the tasks sent ahead and not started to {@code notStarted}. */
    void stopNow(List<Runnable> notStarted) {
        long graceNs = loop.config().interruptGrace().toNanos();
        for (WorkerHandle worker : workers) {
            long running = worker.runningTask();
            for (TaskFuture<?> sent : worker.inFlight()) {
                if (sent.cancelQuietly() && sent.id() != running) {
                    notStarted.add(sent); // sent ahead, not started
                }
            }
            if (worker.status().is(Phase.READY)) {
                worker.process.send(new Message.StopNow());
            } else if (worker.status().isStarting()) {
                worker.kill(Leaving.STOPPED, "the pool was stopped before it was needed");
            }
            worker.leave(Leaving.STOPPED, "the pool was stopped");
            worker.deadlineNs = stopDeadline(worker, graceNs);
        }
    }

    /**
     * When a stopped worker is killed if it is still there: after the grace; at once for one whose JVM is still
     * being started (the kill found no process), as soon as the JVM is there.
     */
    private static long stopDeadline(WorkerHandle worker, long graceNs) {
        long now = System.nanoTime();
        return worker.process == null ? now : now + graceNs;
    }

    /** How long an idle pool may park: until the next idle timeout or start back-off is due, at most {@code maxNs}. */
    long parkNs(long now, long maxNs) {
        long park = maxNs;
        if (!startFailures.mayStart(now)) {
            park = Math.min(park, startFailures.nextStartNs() - now);
        }
        if (!idledOnce) {
            long idleSince = idleSinceNs(loop.config(), activeCount());
            if (idleSince != NOT_IDLE) {
                park = Math.min(park, idleSince + IDLE_BEFORE_SPARE_NS - now + TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        if (loop.config().idleTimeout() != null) {
            long timeout = loop.config().idleTimeout().toNanos();
            for (WorkerHandle worker : workers) {
                if (!worker.spare && worker.isIdle()) {
                    // just past the deadline: retireIdle wants "idle for longer than the timeout"
                    park = Math.min(park, worker.idleSinceNs + timeout - now + TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
        }
        return Math.max(park, TimeUnit.MILLISECONDS.toNanos(1));
    }

    private int activeCount() {
        int active = 0;
        for (WorkerHandle worker : workers) {
            if (!worker.spare && worker.status().isAlive()) {
                active++;
            }
        }
        return active;
    }

    /**
     * Asks every worker to ring its lane when it next writes to its results queue, so that the scheduler can
     * park until one does. False when one cannot be asked: it is not serving (a starting or leaving worker has
     * a deadline to watch), it has no lane to ring (none on this platform, or not yet on its queues), or its
     * activity file was cut short.
     */
    boolean askForRings() {
        if (workers.isEmpty()) {
            return false;
        }
        for (WorkerHandle worker : workers) {
            if (!worker.status().isServing() || !worker.rings()) {
                return false;
            }
        }
        for (WorkerHandle worker : workers) {
            if (!worker.wantRing()) {
                return false;
            }
        }
        return true;
    }

    /** True when every worker is ready and idle. */
    boolean allIdle() {
        for (WorkerHandle worker : workers) {
            if (!worker.status().isServing() || !worker.isIdle()) {
                return false;
            }
        }
        return true;
    }

    /** The pool has terminated: no more launches, and the initializer's bytes are freed. */
    void close() {
        factory.close();
        if (initializer != null) {
            initializer.release();
        }
    }
}
