package dev.procpool;

import dev.procpool.internal.executor.PoolConfig;
import dev.procpool.internal.executor.PoolFolders;
import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.Tasks;
import dev.procpool.internal.ipc.ChronicleAccess;
import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.TaskCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configures a {@link ProcessPoolExecutor}. Every setter checks its value at once and throws
 * {@link IllegalArgumentException} or {@link NullPointerException} with the exact problem. Not thread-safe.
 */
public final class ProcessPoolBuilder {
    /** The idle timeout of {@link ProcessPoolExecutor#shared(ProcessPoolBuilder)} unless the builder sets one. */
    private static final Duration SHARED_IDLE_TIMEOUT = Duration.ofMinutes(5);

    private int workers = Runtime.getRuntime().availableProcessors();
    private List<String> jvmOptions = List.of();
    private Map<String, String> environment = Map.of();
    private Path workingDirectory;
    private WorkerOutput workerOutput = WorkerOutput.PARENT_STREAMS;
    private Duration startTimeout = Duration.ofSeconds(60);
    private int minWorkers;
    /** Null for the default: none for a plain pool, 5 minutes for the shared one. */
    private Duration idleTimeout;
    private int retries;
    private Duration timeLimit;
    private Duration interruptGrace = Duration.ofSeconds(1);
    private long maxTasksPerWorker;
    private long maxMemoryGrowthBytes;
    private byte[] initializer;
    private boolean limitNativeThreads = true;
    private boolean classDataSharing = true;
    private DeserializationLimits deserializationLimits = DeserializationLimits.DEFAULT;
    private PoolConfig.Spares spares = PoolConfig.Spares.AHEAD_OF_FIRST_LOSS;
    private String name;
    private PoolListener listener;
    /** Null for the default: discovered. */
    private List<Path> classPath;

    private static final java.util.concurrent.atomic.AtomicInteger POOL_NUMBERS = new java.util.concurrent.atomic.AtomicInteger();

    ProcessPoolBuilder() {
    }

    /**
     * Workers kept running when {@link #idleTimeout idle workers exit}. Default 0. Must not exceed
     * {@link #workers}.
     *
     * @param minWorkers how many workers stay up however idle the pool is
     * @return this builder
     * @throws IllegalArgumentException if {@code minWorkers} is negative
     */
    public ProcessPoolBuilder minWorkers(int minWorkers) {
        this.minWorkers = Checks.notNegative(minWorkers, "minWorkers");
        return this;
    }

    /**
     * Workers idle this long exit; the pool starts workers again when tasks arrive, keeping
     * {@link #minWorkers} warm. Default: never for a plain pool, 5 minutes for {@link ProcessPoolExecutor#shared(ProcessPoolBuilder)}.
     *
     * @param idleTimeout how long a worker may wait for a task before it exits
     * @return this builder
     * @throws NullPointerException     if {@code idleTimeout} is null
     * @throws IllegalArgumentException if {@code idleTimeout} is zero or negative
     */
    public ProcessPoolBuilder idleTimeout(Duration idleTimeout) {
        this.idleTimeout = Checks.positive(idleTimeout, "idleTimeout");
        return this;
    }

    /**
     * How many times a task whose worker died while running it is run again on another worker. Default 0:
     * at most once, as {@code ExecutorService} users expect. A task that crashes every worker it touches
     * fails after {@code retries + 1} crashes, with each crash listed; tasks that merely shared a worker
     * with it are never blamed. Per task: {@link TaskOptions#retries}.
     *
     * @param retries how many more runs a task gets after crashes of its worker
     * @return this builder
     * @throws IllegalArgumentException if {@code retries} is negative
     */
    public ProcessPoolBuilder retries(int retries) {
        this.retries = Checks.notNegative(retries, "retries");
        return this;
    }

    /**
     * Every task's soft time limit (default: none): past it, the task's thread is interrupted and its future
     * fails with {@link TaskTimeoutException}; a task still running {@link #interruptGrace} later has its
     * worker killed and replaced. Works the same on every OS (no signals). Per task: {@link TaskOptions#timeLimit}.
     *
     * @param timeLimit how long a task may run, counted from its start on a worker
     * @return this builder
     * @throws NullPointerException     if {@code timeLimit} is null
     * @throws IllegalArgumentException if {@code timeLimit} is zero or negative
     */
    public ProcessPoolBuilder timeLimit(Duration timeLimit) {
        this.timeLimit = Checks.positive(timeLimit, "timeLimit");
        return this;
    }

    /**
     * How long an interrupted task (time limit, {@code cancel(true)}, {@code shutdownNow}) may take to stop
     * before its worker is killed and replaced. Default 1 second.
     *
     * @param interruptGrace how long an interrupted task may take to stop; zero kills its worker at once
     * @return this builder
     * @throws NullPointerException     if {@code interruptGrace} is null
     * @throws IllegalArgumentException if {@code interruptGrace} is negative
     */
    public ProcessPoolBuilder interruptGrace(Duration interruptGrace) {
        this.interruptGrace = Checks.notNegative(interruptGrace, "interruptGrace");
        return this;
    }

    /**
     * A worker retires gracefully (and is replaced) after running this many tasks. Default: unlimited.
     *
     * @param maxTasksPerWorker how many tasks a worker runs before it retires
     * @return this builder
     * @throws IllegalArgumentException if {@code maxTasksPerWorker} is zero or negative
     */
    public ProcessPoolBuilder maxTasksPerWorker(long maxTasksPerWorker) {
        this.maxTasksPerWorker = Checks.positive(maxTasksPerWorker, "maxTasksPerWorker");
        return this;
    }

    /**
     * A worker whose memory (heap used after a full GC, or resident set size where the OS reports it) has
     * grown by more than this many bytes since its first task retires gracefully after its current task and
     * is replaced; checked at most once a second. No task is lost or failed. Default: off (loky uses 300 MB).
     *
     * @param bytes how much a worker's memory may grow, in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is zero or negative
     */
    public ProcessPoolBuilder maxMemoryGrowth(long bytes) {
        this.maxMemoryGrowthBytes = Checks.positive(bytes, "maxMemoryGrowth");
        return this;
    }

    /**
     * Limits on every value the pool deserializes (tasks in the workers, results and exceptions in this JVM),
     * applied as an {@link java.io.ObjectInputFilter} on each object stream, so that corrupted or hostile bytes
     * cannot exhaust memory or the stack: how deeply an object graph may nest, how many elements one array may
     * have, and how many objects and references one value may hold. A value over a limit fails its task with
     * {@link TaskSerializationException} naming the limit; raise the limit here if your values legitimately need
     * more. Independently of these limits, an array or an object count larger than the value's byte count is
     * always refused (it cannot be genuine). A filter set with {@code jdk.serialFilter} still applies as well.
     * Default: depth 1,000, arrays as long as the JVM allows ({@code Integer.MAX_VALUE}), 100,000,000 objects and
     * references.
     *
     * @param maxDepth       the deepest an object graph may nest
     * @param maxArrayLength the most elements one array may have
     * @param maxReferences  the most objects and references one value may hold
     * @return this builder
     * @throws IllegalArgumentException if a limit is zero or negative
     */
    public ProcessPoolBuilder deserializationLimits(long maxDepth, long maxArrayLength, long maxReferences) {
        this.deserializationLimits = new DeserializationLimits(Checks.positive(maxDepth, "maxDepth"),
                Checks.positive(maxArrayLength, "maxArrayLength"), Checks.positive(maxReferences, "maxReferences"));
        return this;
    }

    /**
     * An action run once in each worker before its first task. If it throws, the worker is discarded and
     * counted as a start failure: tasks get {@link WorkerStartException} with the initializer's exception as
     * the cause once three starts in a row have failed.
     *
     * @param initializer the action, run once in each new worker
     * @return this builder
     * @throws NullPointerException         if {@code initializer} is null
     * @throws TaskNotSerializableException if the action cannot be serialized
     */
    public ProcessPoolBuilder initializer(SerializableRunnable initializer) {
        Objects.requireNonNull(initializer, "initializer");
        try {
            this.initializer = TaskCodec.encode(initializer, Tasks.classLoaders()).toByteArray();
        } catch (IOException e) {
            throw new TaskNotSerializableException("the initializer " + Tasks.describe(initializer)
                    + " cannot be serialized: " + e, e);
        }
        return this;
    }

    /**
     * Extra workers kept started but given no tasks: when a worker dies or retires, a spare takes its place
     * at once instead of the new worker's start-up time (most of a second), and a new spare starts in the
     * background. Each costs one idle JVM (about 59 MiB RSS, 36 MiB PSS on JDK 17, Linux) and the CPU of one
     * worker start. By default a pool keeps none while it starts and while it is kept busy, so that a spare's
     * start does not compete with the workers' start or their tasks for the CPUs; it starts one once every
     * worker is up and the pool has been idle for a moment (250 ms; not in a pool with an
     * {@link #idleTimeout}, which is meant to shrink), or once it loses a worker to a crash or to a kill over
     * a task (time limit, cancellation), and keeps one from then on. So the first crash after an idle moment
     * is replaced at once too, not after a worker's start-up. Set 0 never to keep one, or n to keep n from
     * the start.
     *
     * @param spareWorkers how many spare workers to keep from the start
     * @return this builder
     * @throws IllegalArgumentException if {@code spareWorkers} is negative
     */
    public ProcessPoolBuilder spareWorkers(int spareWorkers) {
        this.spares = PoolConfig.Spares.always(Checks.notNegative(spareWorkers, "spareWorkers"));
        return this;
    }

    /**
     * Whether workers start from a class-data-sharing archive of the classes every worker loads at start
     * (Chronicle's and procpool's), which brings a worker to its first task a few hundred
     * milliseconds sooner. Default true. The first pool on a given JDK and set of jars makes the archive
     * in the background, once its workers are up, with a short extra JVM (1-2 s of CPU); later workers and
     * pools, also in other JVMs, start from it. On JDK 25 and later it is an AOT cache that also holds the method
     * profiles of a worker's task path, which the extra JVM gets by running 20,000 tasks (about 3 s): a new
     * worker's first thousands of round trips then wait less for its JIT. Workers whose {@link #jvmOptions} would
     * make the JVM refuse such a cache (module options such as {@code --add-opens}, agents, another collector than
     * Serial, Parallel or G1, compressed pointers switched off) get the plain archive instead. A pool that closes
     * while the extra JVM still runs waits up to 10 s for it, then ends it. It is kept in the user's cache folder
     * ({@code $XDG_CACHE_HOME/procpool} or {@code ~/.cache/procpool} on Linux,
     * {@code ~/Library/Caches/procpool} on macOS, {@code %LOCALAPPDATA%\procpool\cache} on Windows),
     * about 10 MB (an AOT cache 26 MB) per JDK and set of jars, and archives unused for 30 days are removed. Nothing happens when
     * procpool's classes are not in jars, when workers use a module path, or when {@link #jvmOptions}
     * choose class-data sharing themselves ({@code -Xshare}, {@code -XX:SharedArchiveFile}, ...). A JVM
     * that finds the archive unusable starts without it.
     *
     * @param classDataSharing false to start every worker without the archive
     * @return this builder
     */
    public ProcessPoolBuilder classDataSharing(boolean classDataSharing) {
        this.classDataSharing = classDataSharing;
        return this;
    }

    /**
     * The workers' class path: the jars and folders that hold your task classes and what they use, as Gradle's
     * worker API takes one. procpool puts the jars of its own runtime (procpool, the queue library, SLF4J API)
     * before them, so you list only your own. Default: discovered from this JVM: its {@code java.class.path}, the
     * jars and folders of the class loaders that loaded procpool (such as a Spring Boot executable jar's
     * {@code BOOT-INF/classes} and {@code BOOT-INF/lib}, which procpool extracts once into its cache folder), and
     * where procpool's own classes come from. Set it when discovery cannot see your classes, or to keep the
     * workers' class path small. Relative paths are taken against this JVM's working directory.
     *
     * @param classPath existing jar files and folders, in class-path order
     * @return this builder
     * @throws NullPointerException     if {@code classPath} or an element is null
     * @throws IllegalArgumentException if an element is neither an existing file nor an existing folder, or
     *                                  contains the path separator
     */
    public ProcessPoolBuilder classPath(List<Path> classPath) {
        Objects.requireNonNull(classPath, "classPath");
        List<Path> absolute = new java.util.ArrayList<>();
        for (Path entry : classPath) {
            Objects.requireNonNull(entry, "classPath must not contain null");
            if (entry.toString().contains(java.io.File.pathSeparator)) {
                throw new IllegalArgumentException("classPath entries must be single paths, without '"
                        + java.io.File.pathSeparator + "', was " + entry);
            }
            if (!Files.exists(entry)) {
                throw new IllegalArgumentException("classPath entry " + entry + " does not exist (absolute: "
                        + entry.toAbsolutePath() + "); list existing jar files and class folders");
            }
            absolute.add(entry.toAbsolutePath().normalize());
        }
        this.classPath = List.copyOf(absolute);
        return this;
    }

    /**
     * Whether each worker is told it has max(1, CPUs / workers) processors: {@code -XX:ActiveProcessorCount}
     * and {@code OMP_NUM_THREADS}, {@code OPENBLAS_NUM_THREADS}, {@code MKL_NUM_THREADS},
     * {@code VECLIB_MAXIMUM_THREADS}, {@code NUMEXPR_NUM_THREADS}, {@code NUMBA_NUM_THREADS},
     * {@code TBB_NUM_THREADS}, each unless already set by
     * {@link #jvmOptions}, {@link #environment} or this JVM's environment. Default true, so that N workers
     * do not start N x CPUs threads.
     *
     * @param limitNativeThreads false to leave the workers' processor count and thread variables alone
     * @return this builder
     */
    public ProcessPoolBuilder limitNativeThreads(boolean limitNativeThreads) {
        this.limitNativeThreads = limitNativeThreads;
        return this;
    }

    /**
     * The pool's name, which its JMX MXBean ({@code dev.procpool:type=ProcessPool,name=<name>}) carries. Default:
     * {@code pool-1}, {@code pool-2}, ... in build order ({@code shared} for the shared pool).
     *
     * @param name a non-blank name
     * @return this builder
     */
    public ProcessPoolBuilder name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was '" + name + "'");
        }
        this.name = name;
        return this;
    }

    /**
     * Told what happens in the pool: workers starting, ready and exiting, tasks submitted, started, completed,
     * failed and retried. Called on a thread of the pool's own, in order; a slow or throwing listener never holds
     * up the pool (see {@link PoolListener}). Default: none.
     *
     * @param listener the listener
     * @return this builder
     */
    public ProcessPoolBuilder listener(PoolListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * How many worker JVMs run at once. Default: {@link Runtime#availableProcessors()}. A new pool launches its
     * workers all at once, except that until its first worker has answered it launches at most one fewer than
     * the processors (at least one): on a machine with few processors, JVMs starting side by side would share
     * them, and the first task would wait for all of them.
     *
     * @param workers the largest number of workers
     * @return this builder
     * @throws IllegalArgumentException if {@code workers} is zero or negative
     */
    public ProcessPoolBuilder workers(int workers) {
        this.workers = Checks.positive(workers, "workers");
        return this;
    }

    /**
     * Options for each worker JVM, such as {@code -Xmx512m}, placed after procpool's own (so they win).
     * procpool adds the flags its queues need and {@code -XX:+ExitOnOutOfMemoryError}. Default: none.
     *
     * @param jvmOptions the options, one per element, as on a {@code java} command line
     * @return this builder
     * @throws NullPointerException     if {@code jvmOptions} or an element is null
     * @throws IllegalArgumentException if an element is blank
     */
    public ProcessPoolBuilder jvmOptions(List<String> jvmOptions) {
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

    /**
     * Variables added to (or replacing in) the environment each worker inherits. Default: none.
     *
     * @param environment variable names and values
     * @return this builder
     * @throws NullPointerException     if {@code environment}, a name or a value is null
     * @throws IllegalArgumentException if a name is empty or contains {@code =}
     */
    public ProcessPoolBuilder environment(Map<String, String> environment) {
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

    /**
     * The workers' working directory, which must exist. Default: this JVM's.
     *
     * @param workingDirectory an existing directory
     * @return this builder
     * @throws NullPointerException     if {@code workingDirectory} is null
     * @throws IllegalArgumentException if {@code workingDirectory} is not an existing directory
     */
    public ProcessPoolBuilder workingDirectory(Path workingDirectory) {
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        if (!Files.isDirectory(workingDirectory)) {
            throw new IllegalArgumentException("workingDirectory must be an existing directory, was " + workingDirectory);
        }
        this.workingDirectory = workingDirectory;
        return this;
    }

    /**
     * Where the workers' stdout and stderr lines go. Default: {@link WorkerOutput#PARENT_STREAMS}.
     *
     * @param workerOutput where worker output goes
     * @return this builder
     * @throws NullPointerException if {@code workerOutput} is null
     */
    public ProcessPoolBuilder workerOutput(WorkerOutput workerOutput) {
        this.workerOutput = Objects.requireNonNull(workerOutput, "workerOutput");
        return this;
    }

    /**
     * How long a new worker may take from launch to its handshake before it is killed and counted as a start
     * failure. Default: 60 seconds.
     *
     * @param startTimeout how long a worker may take to start
     * @return this builder
     * @throws NullPointerException     if {@code startTimeout} is null
     * @throws IllegalArgumentException if {@code startTimeout} is zero or negative
     */
    public ProcessPoolBuilder startTimeout(Duration startTimeout) {
        this.startTimeout = Checks.positive(startTimeout, "startTimeout");
        return this;
    }

    /**
     * Creates the pool and starts its workers in the background; returns without waiting for them (tasks
     * submitted meanwhile wait for the first worker).
     *
     * @return the new pool, open for tasks
     * @throws IllegalArgumentException if {@link #minWorkers} exceeds {@link #workers}
     * @throws IllegalStateException if this JVM lacks the flags the queues need (the message lists them and
     *                               where to put them), or if it is shutting down (called from a shutdown hook)
     */
    public ProcessPoolExecutor build() {
        return build(config(false));
    }

    PoolConfig config(boolean sharedPool) {
        if (minWorkers > workers) {
            throw new IllegalArgumentException("minWorkers must be <= workers, was " + minWorkers + " > " + workers);
        }
        Duration idle = idleTimeout != null ? idleTimeout : sharedPool ? SHARED_IDLE_TIMEOUT : null;
        String poolName = name != null ? name : sharedPool ? "shared" : "pool-" + POOL_NUMBERS.incrementAndGet();
        return new PoolConfig(poolName, listener, workers, minWorkers, jvmOptions, environment, workingDirectory, workerOutput,
                startTimeout, idle, retries, timeLimit, interruptGrace, maxTasksPerWorker, maxMemoryGrowthBytes,
                initializer, limitNativeThreads, spares, classDataSharing, classPath,
                deserializationLimits);
    }

    ProcessPoolExecutor build(PoolConfig config) {
        List<String> missing = ChronicleAccess.missingFlags();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(MissingFlags.message(missing));
        }
        Path folder = PoolFolders.create();
        PoolLoop loop = new PoolLoop(config, folder);
        loop.start();
        return new ProcessPoolExecutor(loop);
    }
}
