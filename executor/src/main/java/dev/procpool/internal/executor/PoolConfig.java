package dev.procpool.internal.executor;

import dev.procpool.WorkerOutput;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The immutable settings of one pool, checked by the builder. */
public record PoolConfig(int workers, List<String> jvmOptions, Map<String, String> environment,
                         Path workingDirectory, WorkerOutput output, Duration startTimeout) {
    public PoolConfig {
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
    }
}
