package dev.procpool;

import dev.procpool.internal.ipc.codec.FunctionOverList;
import dev.procpool.internal.executor.PoolConfig;
import dev.procpool.internal.executor.PoolFolders;
import dev.procpool.internal.executor.Scheduler;
import dev.procpool.internal.executor.TaskFuture;
import dev.procpool.internal.executor.Tasks;
import dev.procpool.internal.ipc.ChronicleAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * An {@link java.util.concurrent.ExecutorService} that runs each task in one of a fixed number of reusable
 * worker JVMs. Tasks and results travel between the JVMs as serialized objects over memory-mapped queues.
 * A worker that dies (killed, {@code System.exit}, {@link OutOfMemoryError}, a native crash) fails only the
 * task it was running, with {@link WorkerCrashedException}; tasks waiting behind it run elsewhere, and a
 * replacement worker starts.
 *
 * <pre>{@code
 * try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(4).build()) {
 *     Future<Integer> answer = pool.submit(() -> 6 * 7);
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }</pre>
 *
 * <h2>Departures from {@code ExecutorService}</h2>
 * <ul>
 *   <li>Tasks, their results and their exceptions must be serializable. The {@code submit} overloads taking
 *       {@link SerializableCallable} and {@link SerializableRunnable} make lambdas serializable; a task given as
 *       a plain {@link Callable} or {@link Runnable} is accepted if its object is {@link Serializable}. A task
 *       that cannot be serialized is refused at once with {@link TaskNotSerializableException} (a
 *       {@link RejectedExecutionException}); the pool is unaffected.</li>
 *   <li>A task runs on a copy of its captured state in another JVM: side effects on parent objects are not
 *       seen by the parent. {@code submit(Runnable, result)} returns the parent's {@code result} object.</li>
 *   <li>A task's exception reaches {@link Future#get()} as the cause of an {@link ExecutionException}, with its
 *       own type and the worker's stack frames. A result or exception that cannot be serialized fails that
 *       future with {@link TaskSerializationException}.</li>
 *   <li>{@code Future.cancel(true)} interrupts the task's thread in its worker. {@code cancel(false)} on a task
 *       already running lets it finish and discards its result.</li>
 *   <li>{@link #shutdownNow()} cancels the futures of running tasks at once, interrupts those tasks, and kills
 *       any worker that has not stopped a second later. The tasks it returns have cancelled futures; running
 *       them does nothing.</li>
 *   <li>{@code execute(Runnable)}: a task that throws has nobody to tell, so the failure is logged (SLF4J,
 *       {@code dev.procpool.ProcessPoolExecutor}, WARN) instead of reaching an uncaught-exception handler.</li>
 *   <li>The pool's threads are daemon threads: a forgotten pool does not keep the JVM alive, and its workers
 *       exit by themselves when this JVM ends, however it ends.</li>
 *   <li>Processes a task starts (with {@link ProcessBuilder}, say) end when their worker ends, however it ends.
 *       For a worker that dies without a word ({@code kill -9}, {@code Runtime.halt}, a native crash) the pool
 *       ends the processes it has seen below it; it looks four times a second while tasks run (every two
 *       seconds when all workers are idle), so one started in the last quarter second before such a death can
 *       outlive it.</li>
 * </ul>
 *
 * <p>The JVM creating a pool needs three flags for the queue library; {@link Builder#build()} checks them and
 * names any that are missing. Workers get them automatically.
 */
public final class ProcessPoolExecutor extends AbstractExecutorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessPoolExecutor.class);

    private static final Object SHARED_LOCK = new Object();
    private static ProcessPoolExecutor shared; // guarded by SHARED_LOCK

    private final Scheduler scheduler;
    private volatile int workers;
    private final Tasks tasks = new Tasks();

    private ProcessPoolExecutor(Scheduler scheduler, int workers) {
        this.scheduler = scheduler;
        this.workers = workers;
    }

    /**
     * A process-wide pool to reuse instead of building one per job, like loky's
     * {@code get_reusable_executor}. Calls with an equal configuration return the same pool; when only the
     * number of workers differs, the pool is resized in place (healthy workers are kept, running tasks are not
     * disturbed); when anything else differs, the old pool is shut down (its tasks still finish) and a new one
     * is built; after the shared pool is closed, the next call builds a new one. Unless the builder sets
     * {@link Builder#idleTimeout idleTimeout}, the shared pool's workers exit after 5 idle minutes and start
     * again on demand. Safe to call from many threads.
     */
    public static ProcessPoolExecutor shared(Builder builder) {
        PoolConfig config = builder.config(true);
        synchronized (SHARED_LOCK) {
            ProcessPoolExecutor current = shared;
            if (current != null && !current.isShutdown()) {
                PoolConfig old = current.scheduler.config();
                if (old.sameExceptSize(config)) {
                    if (current.workers != config.workers()) {
                        current.workers = config.workers();
                        current.scheduler.resize(config.workers());
                    }
                    return current;
                }
                current.shutdown();
            }
            shared = builder.build(config);
            return shared;
        }
    }

    /** {@link #shared(Builder)} with default settings: one worker per available processor. */
    public static ProcessPoolExecutor shared() {
        return shared(builder());
    }

    /** A builder with defaults that need no thought: one worker per available processor, the parent's JVM. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of worker JVMs this pool keeps running. */
    public int workers() {
        return workers;
    }

    // ------------------------------------------------------------ submission

    /** Submits a value-returning task; a lambda given here is serializable. See {@link #submit(Callable)}. */
    public <T> Future<T> submit(SerializableCallable<T> task) {
        return super.submit(task);
    }

    /** Submits an action; a lambda given here is serializable. See {@link #submit(Runnable)}. */
    public Future<?> submit(SerializableRunnable task) {
        return super.submit(task);
    }

    /** Submits a value-returning task with its own time limit or retries. */
    public <T> Future<T> submit(SerializableCallable<T> task, TaskOptions options) {
        Objects.requireNonNull(options, "options");
        TaskFuture<T> future = tasks.create(task, null, false, null);
        return submitWith(future, options);
    }

    /** Submits an action with its own time limit or retries. */
    public Future<?> submit(SerializableRunnable task, TaskOptions options) {
        Objects.requireNonNull(options, "options");
        TaskFuture<Object> future = tasks.create(task, null, true, null);
        return submitWith(future, options);
    }

    private <T> Future<T> submitWith(TaskFuture<T> future, TaskOptions options) {
        Duration limit = options.timeLimitOrNull();
        future.limits(limit == null ? -1 : limit.toNanos(), options.retriesOrDefault());
        scheduler.submit(future);
        return future;
    }

    /** Submits an action whose future yields {@code result} (the parent's object). */
    public <T> Future<T> submit(SerializableRunnable task, T result) {
        return super.submit(task, result);
    }

    /**
     * {@inheritDoc}
     *
     * @throws TaskNotSerializableException if the task cannot be serialized
     */
    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return super.submit(task);
    }

    /**
     * {@inheritDoc}
     *
     * @throws TaskNotSerializableException if the task cannot be serialized
     */
    @Override
    public Future<?> submit(Runnable task) {
        return super.submit(task);
    }

    /**
     * {@inheritDoc}
     *
     * @throws TaskNotSerializableException if the task cannot be serialized
     */
    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return super.submit(task, result);
    }

    /**
     * Runs {@code command} in a worker. Nobody waits for it, so if it throws, the failure is logged.
     *
     * @throws TaskNotSerializableException if the task cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        if (command instanceof TaskFuture<?> future && tasks.owns(future)) {
            scheduler.submit(future);
            return;
        }
        TaskFuture<Object> future = tasks.create(command, null, true, null);
        future.whenDone(f -> {
            try {
                f.get();
            } catch (ExecutionException e) {
                LOG.warn("procpool: {} submitted with execute() failed", f, e.getCause());
            } catch (CancellationException | InterruptedException ignored) {
                // cancelled by shutdownNow: nothing to report
            }
        });
        scheduler.submit(future);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return tasks.create(callable, null, false, null);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return tasks.create(runnable, null, true, value);
    }

    /**
     * Runs {@code function} on every input in the workers and returns the results in input order, waiting for
     * all of them. Inputs travel in chunks (about four per worker) to keep the per-task cost low. If any input
     * fails, the chunks not yet finished are cancelled and the first failure in input order is thrown.
     *
     * @throws ExecutionException           whose cause is the function's exception, or a pool exception
     * @throws TaskNotSerializableException if the function or an input cannot be serialized
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> function, Collection<? extends T> inputs)
            throws InterruptedException, ExecutionException {
        int chunk = (int) Math.max(1, Math.ceil(inputs.size() / (4.0 * workers)));
        return map(function, inputs, chunk);
    }

    /**
     * Like {@link #map(SerializableFunction, Collection)}, with {@code chunkSize} inputs per task.
     *
     * @throws IllegalArgumentException if {@code chunkSize} is not positive
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> function, Collection<? extends T> inputs,
                              int chunkSize) throws InterruptedException, ExecutionException {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(inputs, "inputs");
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be > 0, was " + chunkSize);
        }
        List<T> all = new ArrayList<>(inputs);
        int chunks = (all.size() + chunkSize - 1) / chunkSize;
        List<TaskFuture<List<R>>> futures = new ArrayList<>(chunks);
        try {
            for (int c = 0; c < chunks; c++) {
                ArrayList<Object> slice = new ArrayList<>(all.subList(c * chunkSize, Math.min(all.size(), (c + 1) * chunkSize)));
                String description = "map chunk " + (c + 1) + " of " + chunks + ", inputs " + c * chunkSize + ".."
                        + (c * chunkSize + slice.size() - 1) + ", " + Tasks.describe(function);
                @SuppressWarnings("unchecked")
                Function<Object, Object> untyped = (Function<Object, Object>) (Function<?, ?>) function;
                TaskFuture<List<R>> future = tasks.create(new FunctionOverList(untyped, slice), description, false, null);
                futures.add(future);
                scheduler.submit(future);
            }
            List<R> results = new ArrayList<>(all.size());
            for (TaskFuture<List<R>> future : futures) {
                results.addAll(future.get());
            }
            return results;
        } finally {
            for (TaskFuture<List<R>> future : futures) {
                future.cancel(true);
            }
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, false, 0);
        } catch (TimeoutException cannotHappen) {
            throw new AssertionError(cannotHappen);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return invokeAny(tasks, true, unit.toNanos(timeout));
    }

    /** The first task to succeed wins; the others are cancelled with interruption. */
    private <T> T invokeAny(Collection<? extends Callable<T>> callables, boolean timed, long timeoutNs)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (callables.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        long deadline = System.nanoTime() + timeoutNs;
        List<TaskFuture<T>> futures = new ArrayList<>(callables.size());
        BlockingQueue<TaskFuture<T>> done = new LinkedBlockingQueue<>();
        try {
            for (Callable<T> callable : callables) {
                TaskFuture<T> future = tasks.create(callable, null, false, null);
                futures.add(future);
                future.whenDone(done::add);
                scheduler.submit(future);
            }
            ExecutionException last = null;
            for (int remaining = futures.size(); remaining > 0; remaining--) {
                TaskFuture<T> first = timed ? done.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) : done.take();
                if (first == null) {
                    throw new TimeoutException("no task of invokeAny succeeded within the timeout");
                }
                try {
                    return first.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(first + " was cancelled", e);
                }
            }
            throw last;
        } finally {
            for (TaskFuture<T> future : futures) {
                future.cancel(true);
            }
        }
    }

    // ------------------------------------------------------------ life cycle

    /**
     * Accepts no new tasks; tasks already submitted still run. Workers are stopped cleanly once all of them
     * are done. Does not wait: use {@link #awaitTermination} or {@link #close()}.
     */
    @Override
    public void shutdown() {
        scheduler.shutdown();
    }

    /**
     * Accepts no new tasks, cancels the futures of all tasks not yet finished, interrupts the running ones in
     * their workers, and kills any worker that has not exited one second later. Returns the tasks that had not
     * been handed to a worker, as their (cancelled) futures. Does not wait for the workers to exit.
     */
    @Override
    public List<Runnable> shutdownNow() {
        return scheduler.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return scheduler.isShutdown();
    }

    /** True once every worker has exited and the pool's files are removed. */
    @Override
    public boolean isTerminated() {
        return scheduler.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return scheduler.awaitTermination(timeout, unit);
    }

    /**
     * Shuts down and waits for every task to finish and every worker to exit, as
     * {@code ExecutorService.close()} does from JDK 19: if interrupted while waiting, it calls
     * {@link #shutdownNow()}, keeps waiting, and restores the interrupt status.
     */
    @Override
    public void close() {
        boolean terminated = isTerminated();
        if (terminated) {
            return;
        }
        shutdown();
        boolean interrupted = false;
        while (!terminated) {
            try {
                terminated = awaitTermination(1L, TimeUnit.DAYS);
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

    @Override
    public String toString() {
        return "ProcessPoolExecutor[workers=" + workers + (isTerminated() ? ", terminated" : isShutdown() ? ", shut down" : "") + "]";
    }

    // ------------------------------------------------------------ builder

    /**
     * Configures a {@link ProcessPoolExecutor}. Every setter checks its value at once and throws
     * {@link IllegalArgumentException} or {@link NullPointerException} with the exact problem. Not thread-safe.
     */
    public static final class Builder {
        private int workers = Runtime.getRuntime().availableProcessors();
        private List<String> jvmOptions = List.of();
        private Map<String, String> environment = Map.of();
        private Path workingDirectory;
        private WorkerOutput workerOutput = WorkerOutput.PARENT_STREAMS;
        private Duration startTimeout = Duration.ofSeconds(60);
        private int minWorkers;
        private Duration idleTimeout;
        private boolean idleTimeoutSet;
        private int retries;
        private Duration timeLimit;
        private Duration interruptGrace = Duration.ofSeconds(1);
        private long maxTasksPerWorker;
        private long maxMemoryGrowthBytes;
        private byte[] initializer;
        private boolean limitNativeThreads = true;
        private boolean classDataSharing = true;
        private int spareWorkers = PoolConfig.SPARE_AFTER_FIRST_LOSS;

        private Builder() {
        }

        /**
         * Workers kept running when {@link #idleTimeout idle workers exit}. Default 0. Must not exceed
         * {@link #workers}.
         */
        public Builder minWorkers(int minWorkers) {
            if (minWorkers < 0) {
                throw new IllegalArgumentException("minWorkers must be >= 0, was " + minWorkers);
            }
            this.minWorkers = minWorkers;
            return this;
        }

        /**
         * Workers idle this long exit; the pool starts workers again when tasks arrive, keeping
         * {@link #minWorkers} warm. Default: never for a plain pool, 5 minutes for {@link #shared(Builder)}.
         */
        public Builder idleTimeout(Duration idleTimeout) {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be > 0, was " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            this.idleTimeoutSet = true;
            return this;
        }

        /**
         * How many times a task whose worker died while running it is run again on another worker. Default 0:
         * at most once, as {@code ExecutorService} users expect. A task that crashes every worker it touches
         * fails after {@code retries + 1} crashes, with each crash listed; tasks that merely shared a worker
         * with it are never blamed. Per task: {@link TaskOptions#retries}.
         */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be >= 0, was " + retries);
            }
            this.retries = retries;
            return this;
        }

        /**
         * Every task's soft time limit (default: none): past it, the task's thread is interrupted and its future
         * fails with {@link TaskTimeoutException}; a task still running {@link #interruptGrace} later has its
         * worker killed and replaced. Works the same on every OS (no signals). Per task: {@link TaskOptions#timeLimit}.
         */
        public Builder timeLimit(Duration timeLimit) {
            Objects.requireNonNull(timeLimit, "timeLimit");
            if (timeLimit.isNegative() || timeLimit.isZero()) {
                throw new IllegalArgumentException("timeLimit must be > 0, was " + timeLimit);
            }
            this.timeLimit = timeLimit;
            return this;
        }

        /**
         * How long an interrupted task (time limit, {@code cancel(true)}, {@code shutdownNow}) may take to stop
         * before its worker is killed and replaced. Default 1 second.
         */
        public Builder interruptGrace(Duration interruptGrace) {
            Objects.requireNonNull(interruptGrace, "interruptGrace");
            if (interruptGrace.isNegative()) {
                throw new IllegalArgumentException("interruptGrace must be >= 0, was " + interruptGrace);
            }
            this.interruptGrace = interruptGrace;
            return this;
        }

        /** A worker retires gracefully (and is replaced) after running this many tasks. Default: unlimited. */
        public Builder maxTasksPerWorker(long maxTasksPerWorker) {
            if (maxTasksPerWorker <= 0) {
                throw new IllegalArgumentException("maxTasksPerWorker must be > 0, was " + maxTasksPerWorker);
            }
            this.maxTasksPerWorker = maxTasksPerWorker;
            return this;
        }

        /**
         * A worker whose memory (heap used after a full GC, or resident set size where the OS reports it) has
         * grown by more than this many bytes since its first task retires gracefully after its current task and
         * is replaced; checked at most once a second. No task is lost or failed. Default: off (loky uses 300 MB).
         */
        public Builder maxMemoryGrowth(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxMemoryGrowth must be > 0 bytes, was " + bytes);
            }
            this.maxMemoryGrowthBytes = bytes;
            return this;
        }

        /**
         * An action run once in each worker before its first task. If it throws, the worker is discarded and
         * counted as a start failure: tasks get {@link WorkerStartException} with the initializer's exception as
         * the cause once three starts in a row have failed.
         *
         * @throws TaskNotSerializableException if the action cannot be serialized
         */
        public Builder initializer(SerializableRunnable initializer) {
            Objects.requireNonNull(initializer, "initializer");
            try {
                this.initializer = dev.procpool.internal.ipc.codec.TaskCodec.encodeToArray(initializer);
            } catch (java.io.IOException e) {
                throw new TaskNotSerializableException("the initializer " + Tasks.describe(initializer)
                        + " cannot be serialized: " + e, e);
            }
            return this;
        }

        /**
         * Extra workers kept started but given no tasks: when a worker dies or retires, a spare takes its place
         * at once instead of the new worker's start-up time (most of a second), and a new spare starts in the
         * background. Each costs one idle JVM. By default a pool keeps none until it loses a worker to a crash or
         * to a kill over a task (time limit, cancellation), and from then on keeps one, so that a pool whose
         * tasks crash workers recovers from the next crash at once. Set 0 never to keep one, or n to keep n
         * from the start.
         */
        public Builder spareWorkers(int spareWorkers) {
            if (spareWorkers < 0) {
                throw new IllegalArgumentException("spareWorkers must be >= 0, was " + spareWorkers);
            }
            this.spareWorkers = spareWorkers;
            return this;
        }

        /**
         * Whether workers start from a class-data-sharing archive of the classes every worker loads at start
         * (Chronicle's and procpool's), which brings a worker to its first task a few hundred
         * milliseconds sooner. Default true. The first pool on a given JDK and set of jars makes the archive
         * in the background, once its workers are up, with a short extra JVM (1-2 s of CPU); later workers and
         * pools, also in other JVMs, start from it. It is kept in the user's cache folder
         * ({@code $XDG_CACHE_HOME/procpool} or {@code ~/.cache/procpool} on Linux,
         * {@code ~/Library/Caches/procpool} on macOS, {@code %LOCALAPPDATA%\procpool\cache} on Windows),
         * about 10 MB per JDK and set of jars, and archives unused for 30 days are removed. Nothing happens when
         * procpool's classes are not in jars, when workers use a module path, or when {@link #jvmOptions}
         * choose class-data sharing themselves ({@code -Xshare}, {@code -XX:SharedArchiveFile}, ...). A JVM
         * that finds the archive unusable starts without it.
         */
        public Builder classDataSharing(boolean classDataSharing) {
            this.classDataSharing = classDataSharing;
            return this;
        }

        /**
         * Whether each worker is told it has max(1, CPUs / workers) processors: {@code -XX:ActiveProcessorCount}
         * and {@code OMP_NUM_THREADS}, {@code OPENBLAS_NUM_THREADS}, {@code MKL_NUM_THREADS},
         * {@code VECLIB_MAXIMUM_THREADS}, {@code NUMEXPR_NUM_THREADS}, each unless already set by
         * {@link #jvmOptions}, {@link #environment} or this JVM's environment. Default true, so that N workers
         * do not start N x CPUs threads.
         */
        public Builder limitNativeThreads(boolean limitNativeThreads) {
            this.limitNativeThreads = limitNativeThreads;
            return this;
        }

        /** How many worker JVMs run at once. Default: {@link Runtime#availableProcessors()}. */
        public Builder workers(int workers) {
            if (workers <= 0) {
                throw new IllegalArgumentException("workers must be > 0, was " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Options for each worker JVM, such as {@code -Xmx512m}, placed after procpool's own (so they win).
         * procpool adds the flags its queues need and {@code -XX:+ExitOnOutOfMemoryError}. Default: none.
         */
        public Builder jvmOptions(List<String> jvmOptions) {
            Objects.requireNonNull(jvmOptions, "jvmOptions");
            for (String option : jvmOptions) {
                Objects.requireNonNull(option, "jvmOptions must not contain null");
                if (option.isBlank()) {
                    throw new IllegalArgumentException("jvmOptions must not contain a blank option, was " + jvmOptions);
                }
            }
            this.jvmOptions = List.copyOf(jvmOptions);
            return this;
        }

        /** Variables added to (or replacing in) the environment each worker inherits. Default: none. */
        public Builder environment(Map<String, String> environment) {
            Objects.requireNonNull(environment, "environment");
            environment.forEach((name, value) -> {
                Objects.requireNonNull(name, "environment must not contain a null name");
                Objects.requireNonNull(value, "environment must not contain a null value (for " + name + ")");
                if (name.isEmpty() || name.indexOf('=') >= 0) {
                    throw new IllegalArgumentException("environment variable names must be non-empty and without '=', was '" + name + "'");
                }
            });
            this.environment = Map.copyOf(environment);
            return this;
        }

        /** The workers' working directory, which must exist. Default: this JVM's. */
        public Builder workingDirectory(Path workingDirectory) {
            Objects.requireNonNull(workingDirectory, "workingDirectory");
            if (!Files.isDirectory(workingDirectory)) {
                throw new IllegalArgumentException("workingDirectory must be an existing directory, was " + workingDirectory);
            }
            this.workingDirectory = workingDirectory;
            return this;
        }

        /** Where the workers' stdout and stderr lines go. Default: {@link WorkerOutput#PARENT_STREAMS}. */
        public Builder workerOutput(WorkerOutput workerOutput) {
            this.workerOutput = Objects.requireNonNull(workerOutput, "workerOutput");
            return this;
        }

        /**
         * How long a new worker may take from launch to its handshake before it is killed and counted as a start
         * failure. Default: 60 seconds.
         */
        public Builder startTimeout(Duration startTimeout) {
            Objects.requireNonNull(startTimeout, "startTimeout");
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be > 0, was " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Creates the pool and starts its workers in the background; returns without waiting for them (tasks
         * submitted meanwhile wait for the first worker).
         *
         * @throws IllegalStateException if this JVM lacks the flags the queues need; the message lists them and
         *                               where to put them
         */
        public ProcessPoolExecutor build() {
            return build(config(false));
        }

        PoolConfig config(boolean sharedPool) {
            if (minWorkers > workers) {
                throw new IllegalArgumentException("minWorkers must be <= workers, was " + minWorkers + " > " + workers);
            }
            Duration idle = idleTimeoutSet ? idleTimeout : sharedPool ? Duration.ofMinutes(5) : null;
            return new PoolConfig(workers, minWorkers, jvmOptions, environment, workingDirectory, workerOutput,
                    startTimeout, idle, retries, timeLimit, interruptGrace, maxTasksPerWorker, maxMemoryGrowthBytes,
                    initializer, limitNativeThreads, spareWorkers, classDataSharing);
        }

        ProcessPoolExecutor build(PoolConfig config) {
            List<String> missing = ChronicleAccess.missingFlags();
            if (!missing.isEmpty()) {
                throw new IllegalStateException(MissingFlags.message(missing));
            }
            Path folder = PoolFolders.create();
            Scheduler scheduler = new Scheduler(config, folder);
            scheduler.start();
            return new ProcessPoolExecutor(scheduler, config.workers());
        }
    }
}
