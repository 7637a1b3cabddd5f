package dev.procpool.micrometer;

import dev.procpool.PoolListener;
import dev.procpool.PoolStats;
import dev.procpool.ProcessPoolBuilder;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerCrashedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer metrics for one {@link ProcessPoolExecutor}: its {@link ProcessPoolExecutor#stats() stats()} figures
 * as gauges and function counters, and task durations, retries and worker exits from the pool's listener. All
 * meters carry the tag {@code pool=<name>} and the tags given.
 *
 * <p>Executor wrappers such as Micrometer's {@code ExecutorServiceMetrics} cannot work on a process pool (their
 * wrapper would have to travel to the worker), so this binder reads the pool's own figures instead. The pool's
 * listener is set when it is built, so the binder builds it:
 *
 * <pre>{@code
 * ProcessPoolMetrics metrics = new ProcessPoolMetrics("images");
 * ProcessPoolExecutor pool = metrics.build(ProcessPoolExecutor.builder().workers(4));
 * metrics.bindTo(registry);   // or, in Spring Boot, declare both as beans: every MeterBinder bean is bound
 * }</pre>
 *
 * A pool built elsewhere can be {@linkplain #watch watched} for its stats figures alone (the listener meters then
 * stay at zero unless the pool was built with {@code listener(metrics)}). Binding before or after the build, and
 * to several registries, all work: the stats meters read the pool when they are read (0 before it exists).
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>from</th></tr>
 * <tr><td>{@code procpool.workers}</td><td>gauge</td><td>{@code state}: starting, idle, busy, spare, leaving</td><td>stats</td></tr>
 * <tr><td>{@code procpool.workers.size}</td><td>gauge</td><td></td><td>stats: the pool's size</td></tr>
 * <tr><td>{@code procpool.tasks.queued}, {@code procpool.tasks.running}</td><td>gauges</td><td></td><td>stats</td></tr>
 * <tr><td>{@code procpool.tasks}</td><td>function counter</td><td>{@code outcome}: completed, failed, cancelled</td><td>stats</td></tr>
 * <tr><td>{@code procpool.workers.started}, {@code procpool.workers.restarts}, {@code procpool.workers.crashes}</td><td>function counters</td><td></td><td>stats</td></tr>
 * <tr><td>{@code procpool.events.dropped}</td><td>function counter</td><td></td><td>stats</td></tr>
 * <tr><td>{@code procpool.task.duration}</td><td>timer</td><td>{@code outcome}: completed, failed</td><td>listener: from hand-over to a worker to the outcome</td></tr>
 * <tr><td>{@code procpool.task.retries}</td><td>counter</td><td></td><td>listener</td></tr>
 * <tr><td>{@code procpool.worker.start}</td><td>timer</td><td></td><td>listener: launch to ready</td></tr>
 * <tr><td>{@code procpool.worker.exits}</td><td>counter</td><td>{@code kind}: RETIRED, KILLED, CRASHED, START_FAILED</td><td>listener</td></tr>
 * </table>
 *
 * <p>Task durations are taken when the listener hears of the start and of the outcome, on the pool's events
 * thread, so they include that thread's delay when it falls behind. Thread-safe.
 */
public final class ProcessPoolMetrics implements MeterBinder, PoolListener {
    /** Start times of tasks whose outcome has not been heard yet; a task cancelled while running never has one. */
    private static final int MAX_TRACKED_TASKS = 65_536;

    private final String name;
    private final Tags tags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** Events thread only (listener calls come in order on one thread). */
    private final Map<Long, Long> startedNs = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > MAX_TRACKED_TASKS;
        }
    };
    private volatile ProcessPoolExecutor pool;

    /**
     * Metrics for the pool called {@code name}.
     *
     * @param name the pool's name, the value of the {@code pool} tag (and the pool's own name if {@link #build}
     *             builds it)
     * @throws NullPointerException if {@code name} is null
     */
    public ProcessPoolMetrics(String name) {
        this(name, Tags.empty());
    }

    /**
     * Metrics for the pool called {@code name}, with more tags on every meter.
     *
     * @param name the pool's name, the value of the {@code pool} tag
     * @param tags further tags for every meter
     * @throws NullPointerException if {@code name} or {@code tags} is null
     */
    public ProcessPoolMetrics(String name, Iterable<Tag> tags) {
        this.name = Objects.requireNonNull(name, "name");
        this.tags = Tags.concat(Objects.requireNonNull(tags, "tags"), "pool", name);
    }

    /**
     * Builds the pool with this binder as its listener and its name, and watches it.
     *
     * @param builder the pool's builder; its listener and name are replaced
     * @return the pool
     * @throws NullPointerException  if {@code builder} is null
     * @throws IllegalStateException if this binder already watches a pool
     */
    public ProcessPoolExecutor build(ProcessPoolBuilder builder) {
        Objects.requireNonNull(builder, "builder");
        if (pool != null) { // before the build: a second pool must not be started only to be refused
            throw alreadyWatching();
        }
        ProcessPoolExecutor built = builder.listener(this).name(name).build();
        watch(built);
        return built;
    }

    /**
     * Reads the stats figures of {@code pool}, built elsewhere. Its task and worker events are counted only if it
     * was built with this binder as its listener.
     *
     * @param pool the pool
     * @return this binder
     * @throws NullPointerException  if {@code pool} is null
     * @throws IllegalStateException if this binder already watches a pool
     */
    public synchronized ProcessPoolMetrics watch(ProcessPoolExecutor pool) {
        Objects.requireNonNull(pool, "pool");
        if (this.pool != null) {
            throw alreadyWatching();
        }
        this.pool = pool;
        return this;
    }

    private IllegalStateException alreadyWatching() {
        return new IllegalStateException("these metrics already watch a pool called " + name
                + "; make one ProcessPoolMetrics per pool");
    }

    /**
     * Registers the meters in {@code registry}.
     *
     * @param registry the registry
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "procpool.workers", "workers by state", Tags.of("state", "starting"), PoolStats::startingWorkers);
        gauge(registry, "procpool.workers", "workers by state", Tags.of("state", "idle"), PoolStats::idleWorkers);
        gauge(registry, "procpool.workers", "workers by state", Tags.of("state", "busy"), PoolStats::busyWorkers);
        gauge(registry, "procpool.workers", "workers by state", Tags.of("state", "spare"), PoolStats::spareWorkers);
        gauge(registry, "procpool.workers", "workers by state", Tags.of("state", "leaving"), PoolStats::leavingWorkers);
        gauge(registry, "procpool.workers.size", "the number of workers the pool keeps", Tags.empty(), PoolStats::workers);
        gauge(registry, "procpool.tasks.queued", "tasks waiting for a worker", Tags.empty(), PoolStats::queuedTasks);
        gauge(registry, "procpool.tasks.running", "tasks handed to a worker", Tags.empty(), PoolStats::runningTasks);
        counter(registry, "procpool.tasks", "tasks ended", Tags.of("outcome", "completed"), PoolStats::completedTasks);
        counter(registry, "procpool.tasks", "tasks ended", Tags.of("outcome", "failed"), PoolStats::failedTasks);
        counter(registry, "procpool.tasks", "tasks ended", Tags.of("outcome", "cancelled"), PoolStats::cancelledTasks);
        counter(registry, "procpool.workers.started", "worker JVMs launched", Tags.empty(), PoolStats::workersStarted);
        counter(registry, "procpool.workers.restarts", "workers launched to replace one", Tags.empty(), PoolStats::restarts);
        counter(registry, "procpool.workers.crashes", "workers that died unasked", Tags.empty(), PoolStats::crashes);
        counter(registry, "procpool.events.dropped", "listener events dropped", Tags.empty(), PoolStats::droppedEvents);
        taskTimer(registry, "completed");
        taskTimer(registry, "failed");
        retries(registry);
        workerStartTimer(registry);
        registries.add(registry);
    }

    private void gauge(MeterRegistry registry, String meter, String description, Tags extra,
                       ToDoubleFunction<PoolStats> figure) {
        Gauge.builder(meter, this, m -> m.read(figure)).description(description).tags(tags).tags(extra)
                .strongReference(true).register(registry);
    }

    private void counter(MeterRegistry registry, String meter, String description, Tags extra,
                         ToDoubleFunction<PoolStats> figure) {
        FunctionCounter.builder(meter, this, m -> m.read(figure)).description(description).tags(tags).tags(extra)
                .register(registry);
    }

    private double read(ToDoubleFunction<PoolStats> figure) {
        ProcessPoolExecutor watched = pool;
        return watched == null ? 0 : figure.applyAsDouble(watched.stats());
    }

    private Timer taskTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("procpool.task.duration").description("tasks from hand-over to a worker to their outcome")
                .tags(tags).tag("outcome", outcome).register(registry);
    }

    private Counter retries(MeterRegistry registry) {
        return Counter.builder("procpool.task.retries").description("tasks run again after their worker died")
                .tags(tags).register(registry);
    }

    private Timer workerStartTimer(MeterRegistry registry) {
        return Timer.builder("procpool.worker.start").description("worker JVMs from launch to ready").tags(tags)
                .register(registry);
    }

    // ---------------------------------------------------------------- PoolListener, on the pool's events thread

    /**
     * Records the worker's start time.
     *
     * @param worker    the worker
     * @param startTime from launch to ready
     */
    @Override
    public void workerReady(Worker worker, Duration startTime) {
        for (MeterRegistry registry : registries) {
            workerStartTimer(registry).record(startTime);
        }
    }

    /**
     * Counts the exit by its kind.
     *
     * @param worker the worker
     * @param exit   how it ended
     */
    @Override
    public void workerExited(Worker worker, WorkerExit exit) {
        for (MeterRegistry registry : registries) {
            Counter.builder("procpool.worker.exits").description("worker exits by kind").tags(tags)
                    .tag("kind", exit.kind().name()).register(registry).increment();
        }
    }

    /**
     * Notes when the task was handed to a worker.
     *
     * @param task   the task
     * @param worker its worker
     */
    @Override
    public void taskStarted(Task task, Worker worker) {
        startedNs.put(task.id(), System.nanoTime());
    }

    /**
     * Records the task's duration with outcome {@code completed}.
     *
     * @param task the task
     */
    @Override
    public void taskCompleted(Task task) {
        ended(task, "completed");
    }

    /**
     * Records the task's duration with outcome {@code failed}, if it had started.
     *
     * @param task    the task
     * @param failure why it failed
     */
    @Override
    public void taskFailed(Task task, Throwable failure) {
        ended(task, "failed");
    }

    /**
     * Counts a retry.
     *
     * @param task  the task
     * @param crash the crash that cost its run
     */
    @Override
    public void taskRetried(Task task, WorkerCrashedException crash) {
        for (MeterRegistry registry : registries) {
            retries(registry).increment();
        }
    }

    private void ended(Task task, String outcome) {
        Long started = startedNs.remove(task.id());
        if (started == null) { // failed before it reached a worker (not serializable, pool shut down)
            return;
        }
        long tookNs = System.nanoTime() - started;
        for (MeterRegistry registry : registries) {
            taskTimer(registry, outcome).record(tookNs, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Names the pool these metrics are for.
     *
     * @return a description with the pool's name
     */
    @Override
    public String toString() {
        return "ProcessPoolMetrics[pool=" + name + "]";
    }
}
