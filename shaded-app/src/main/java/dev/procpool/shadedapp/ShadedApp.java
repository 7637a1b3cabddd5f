package dev.procpool.shadedapp;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.WorkerOutput;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An application packaged as one shaded jar holding its own classes, procpool and all dependencies; started with
 * {@code java -jar}. Prints the results of a lambda, a task class and a {@code map} and the workers' pids (read by
 * the integration tests); exits with 0.
 */
public final class ShadedApp {
    private ShadedApp() {
    }

    /** Returns this worker's pid. */
    record Pid() implements SerializableCallable<Long> {
        @Override
        public Long call() {
            return ProcessHandle.current().pid();
        }
    }

    public static void main(String[] args) throws Exception {
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.DISCARD).build()) {
            System.out.println("LAMBDA " + pool.submit((SerializableCallable<Integer>) () -> 6 * 7).get(120, TimeUnit.SECONDS));
            System.out.println("MAP " + pool.map(x -> x * x, List.of(1, 2, 3)));
            System.out.println("WORKER_PIDS " + pool.submit(new Pid()).get(120, TimeUnit.SECONDS));
        }
    }
}
