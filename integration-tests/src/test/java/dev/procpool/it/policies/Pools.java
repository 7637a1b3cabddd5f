package dev.procpool.it.policies;

import dev.procpool.ProcessPoolBuilder;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerOutput;

import java.util.List;

/** Builders for the policy tests: small pools, small heaps, quiet output. */
final class Pools {
    private Pools() {
    }

    static ProcessPoolBuilder small(int workers) {
        return ProcessPoolExecutor.builder()
                .workers(workers)
                .jvmOptions(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .workerOutput(WorkerOutput.LOGGER);
    }

    /** The pids of this JVM's worker processes that are alive now. */
    static List<Long> liveWorkerPids() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("dev.procpool.internal.worker.WorkerMain"))
                .map(ProcessHandle::pid)
                .toList();
    }
}
