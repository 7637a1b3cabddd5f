package dev.procpool.internal.executor;

import dev.procpool.PoolListener;
import dev.procpool.WorkerOutput;
import dev.procpool.internal.ipc.codec.DeserializationLimits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The complete settings of one pool, checked by the builder. Immutable and thread-safe; a resize replaces the
 * pool's config with {@link #withWorkers}, so the pool's size lives here and nowhere else.
 *
 * @param workingDirectory     the workers' working directory, or null for the parent's
 * @param idleTimeout          how long an idle worker lives, or null for ever
 * @param timeLimit            every task's soft time limit, or null for none
 * @param maxTasksPerWorker    tasks after which a worker retires, or 0 for no limit
 * @param maxMemoryGrowthBytes memory growth after which a worker retires, or 0 for no limit
 * @param initializer          the serialized initializer, or null for none
 * @param name                 the pool's name (JMX, thread and log names)
 * @param listener             told what happens in the pool, or null for none
 * @param classPath            the workers' explicit class path after procpool's own jars, or null to discover it
 * @param deserializationLimits what every object stream the pool and its workers read is held to
 */
public record PoolConfig(String name, PoolListener listener, int workers, int minWorkers, List<String> jvmOptions, Map<String, String> environment,
                         Path workingDirectory, WorkerOutput output, Duration startTimeout, Duration idleTimeout,
                         int retries, Duration timeLimit, Duration interruptGrace, long maxTasksPerWorker,
                         long maxMemoryGrowthBytes, byte[] initializer, boolean limitNativeThreads, Spares spares,
                         boolean classDataSharing, List<Path> classPath,
                         DeserializationLimits deserializationLimits) {

    /**
     * How many spare workers the pool keeps started: from the start; once its workers have all been up and idle
     * for a moment ({@link WorkerLifecycle#IDLE_BEFORE_SPARE_NS}), in a pool without an idle timeout; and once it
     * has lost a worker to a crash or a kill over a task. Each count holds from its moment on.
     */
    public record Spares(int fromStart, int onceIdle, int afterFirstLoss) {
        /**
         * The default: none while the pool starts and while it is kept busy (a spare's start would compete with
         * them for the CPUs); one once it has been idle a moment, or once it has lost a worker.
         */
        public static final Spares AHEAD_OF_FIRST_LOSS = new Spares(0, 1, 1);

        /** Always {@code n}. */
        public static Spares always(int n) {
            return new Spares(n, n, n);
        }

        int wanted(boolean lostAWorker, boolean idled) {
            if (lostAWorker) {
                return afterFirstLoss;
            }
            return idled ? Math.max(fromStart, onceIdle) : fromStart;
        }
    }

    public PoolConfig {
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(interruptGrace, "interruptGrace");
        Objects.requireNonNull(spares, "spares");
        Objects.requireNonNull(name, "name");
        classPath = classPath == null ? null : List.copyOf(classPath);
        Objects.requireNonNull(deserializationLimits, "deserializationLimits");
    }

    /** This configuration with another number of workers. */
    public PoolConfig withWorkers(int n) {
        return new PoolConfig(name, listener, n, minWorkers, jvmOptions, environment, workingDirectory, output, startTimeout,
                idleTimeout, retries, timeLimit, interruptGrace, maxTasksPerWorker, maxMemoryGrowthBytes, initializer,
                limitNativeThreads, spares, classDataSharing, classPath, deserializationLimits);
    }

    /** True when the two configurations differ at most in their number of workers. */
    public boolean sameExceptSize(PoolConfig other) {
        return equals(other.withWorkers(workers));
    }

    /** The limits a task gets unless its own options say otherwise. */
    public TaskLimits taskLimits() {
        return new TaskLimits(timeLimit == null ? 0 : timeLimit.toNanos(), retries);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolConfig other && name.equals(other.name) && listener == other.listener
                && workers == other.workers && minWorkers == other.minWorkers
                && jvmOptions.equals(other.jvmOptions) && environment.equals(other.environment)
                && Objects.equals(workingDirectory, other.workingDirectory) && output == other.output
                && startTimeout.equals(other.startTimeout) && Objects.equals(idleTimeout, other.idleTimeout)
                && retries == other.retries && Objects.equals(timeLimit, other.timeLimit)
                && interruptGrace.equals(other.interruptGrace) && maxTasksPerWorker == other.maxTasksPerWorker
                && maxMemoryGrowthBytes == other.maxMemoryGrowthBytes && Arrays.equals(initializer, other.initializer)
                && limitNativeThreads == other.limitNativeThreads && spares.equals(other.spares)
                && classDataSharing == other.classDataSharing && Objects.equals(classPath, other.classPath)
                && deserializationLimits.equals(other.deserializationLimits);
    }

    @Override
    public int hashCode() {
        return workers * 31 + jvmOptions.hashCode();
    }

    @Override
    public String toString() {
        return "PoolConfig[name=" + name + ", workers=" + workers + ", minWorkers=" + minWorkers + ", jvmOptions=" + jvmOptions
                + ", idleTimeout=" + idleTimeout + ", retries=" + retries + ", timeLimit=" + timeLimit + "]";
    }
}
