package dev.procpool.internal.executor;

import dev.procpool.WorkerOutput;
import dev.procpool.internal.launcher.WorkerSpec.OutputSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where worker output lines go, for each {@link WorkerOutput} choice. Called from the workers' pump threads. */
public final class OutputSinks {
    private OutputSinks() {
    }

    public static OutputSink of(WorkerOutput output) {
        return switch (output) {
            case PARENT_STREAMS -> (id, stderr, line) ->
                    (stderr ? System.err : System.out).println("[procpool-worker-" + id + "] " + line);
            case LOGGER -> (id, stderr, line) -> {
                Logger logger = LoggerFactory.getLogger("dev.procpool.worker." + id);
                try (PoolMdc ids = PoolMdc.worker(id)) {
                    if (stderr) {
                        logger.warn(line);
                    } else {
                        logger.info(line);
                    }
                }
            };
            case DISCARD -> (id, stderr, line) -> { };
        };
    }
}
