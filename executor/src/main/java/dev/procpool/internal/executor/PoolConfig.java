package dev.procpool.internal.executor;

import dev.procpool.WorkerOutput;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The immutable settings of one pool, as the user gave them (the defaults procpool adds to each worker's
 * options depend on the pool's current size and are derived when a worker starts), checked by the builder. {@code idleTimeout}, {@code timeLimit} may be
 * null (none); {@code initializer} is the serialized initializer, or null; {@code spareWorkers} may be
 * {@link #SPARE_AFTER_FIRST_LOSS}.
 */
public record PoolConfig(int workers, int minWorkers, List<String> jvmOptions, Map<String, String> environment,
                         Path workingDirectory, WorkerOutput output, Duration startTimeout, Duration idleTimeout,
                         int retries, Duration timeLimit, Duration interruptGrace, long maxTasksPerWorker,
                         long maxMemoryGrowthBytes, byte[] initializer, boolean limitNativeThreads, int spareWorkers,
                         boolean classDataSharing) {
    /** The default {@code spareWorkers}: none until the pool loses a worker to a crash or a kill, then one. */
    public static final int SPARE_AFTER_FIRST_LOSS = -1;

    public PoolConfig {
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
    }

    /** True when the two configurations differ at most in their number of workers. */
    public boolean sameExceptSize(PoolConfig other) {
        return minWorkers == other.minWorkers && jvmOptions.equals(other.jvmOptions)
                && environment.equals(other.environment) && java.util.Objects.equals(workingDirectory, other.workingDirectory)
                && output == other.output && startTimeout.equals(other.startTimeout)
                && java.util.Objects.equals(idleTimeout, other.idleTimeout) && retries == other.retries
                && java.util.Objects.equals(timeLimit, other.timeLimit) && interruptGrace.equals(other.interruptGrace)
                && maxTasksPerWorker == other.maxTasksPerWorker && maxMemoryGrowthBytes == other.maxMemoryGrowthBytes
                && Arrays.equals(initializer, other.initializer) && limitNativeThreads == other.limitNativeThreads
                && spareWorkers == other.spareWorkers && classDataSharing == other.classDataSharing;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolConfig other && workers == other.workers && sameExceptSize(other);
    }

    @Override
    public int hashCode() {
        return workers * 31 + jvmOptions.hashCode();
    }
}
