package dev.procpool.it.observability;

import dev.procpool.ProcessPoolBuilder;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerOutput;

final class Pools {
    private Pools() {
    }

    static ProcessPoolBuilder quiet(int workers) {
        return ProcessPoolExecutor.builder().workers(workers).workerOutput(WorkerOutput.DISCARD);
    }
}
