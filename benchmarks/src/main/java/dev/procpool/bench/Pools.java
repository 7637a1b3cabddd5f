package dev.procpool.bench;

import dev.procpool.ProcessPoolBuilder;
import dev.procpool.ProcessPoolExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creating pools the way every section needs them, and making sure all their workers are up. */
final class Pools {
    private static final int WARM_ATTEMPTS = 20;
    /** The harness's {@code --worker-option}s, given to every pool it builds; set once, before the sections run. */
    private static volatile List<String> workerOptions = List.of();

    private Pools() {
    }

    static void useWorkerOptions(List<String> options) {
        workerOptions = List.copyOf(options);
    }

    static List<String> workerOptions() {
        return workerOptions;
    }

    /** A builder for {@code workers} workers with the harness's worker options; every section builds its pools here. */
    static ProcessPoolBuilder builder(int workers) {
        return ProcessPoolExecutor.builder().workers(workers).jvmOptions(workerOptions);
    }

    static ProcessPoolExecutor create(int workers) {
        return builder(workers).build();
    }

    /**
     * Waits until {@code workers} workers answer at once, with nothing else run: the task path of the workers
     * and of this JVM stays as cold as a new pool's. Returns the workers' pids.
     */
    static Set<Long> awaitWorkers(ProcessPoolExecutor pool, int workers)
            throws InterruptedException, ExecutionException, TimeoutException {
        for (int attempt = 0; attempt < WARM_ATTEMPTS; attempt++) {
            Set<Long> pids = new TreeSet<>();
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(BenchTasks.sleepPid(300)));
            }
            for (Future<Long> f : futures) {
                pids.add(f.get(120, TimeUnit.SECONDS));
            }
            if (pids.size() == workers) {
                return pids;
            }
        }
        throw new IllegalStateException("fewer than " + workers + " workers answered at once");
    }

    /**
     * Like loky_bench.py's {@code warm_pool}: holds every worker with a 300 ms task until each has answered once,
     * then runs 50 trivial tasks. Returns the workers' pids.
     */
    static Set<Long> warm(ProcessPoolExecutor pool, int workers)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<Long> pids = new TreeSet<>();
        for (int attempt = 0; attempt < WARM_ATTEMPTS && pids.size() < workers; attempt++) {
            pids.clear();
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(BenchTasks.sleepPid(300)));
            }
            for (Future<Long> f : futures) {
                pids.add(f.get(120, TimeUnit.SECONDS));
            }
        }
        if (pids.size() < workers) {
            throw new IllegalStateException("only " + pids.size() + " of " + workers + " workers answered");
        }
        for (int i = 0; i < 50; i++) {
            pool.submit(BenchTasks.inc(i)).get(60, TimeUnit.SECONDS);
        }
        return pids;
    }
}
