package dev.procpool.internal.executor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The options and environment procpool gives each worker on top of the user's. By default N workers must not
 * each start one thread per CPU (N x N threads): each worker is told it has max(1, CPUs / N) processors, both
 * the JVM ({@code -XX:ActiveProcessorCount}) and native thread pools (OpenMP, OpenBLAS, MKL, Accelerate,
 * numexpr, Numba, TBB: the variables joblib sets), unless the user set those values. Pure functions,
 * unit-tested.
 */
public final class WorkerDefaults {
    static final List<String> NATIVE_THREAD_VARIABLES = List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMBA_NUM_THREADS",
            "TBB_NUM_THREADS");

    private WorkerDefaults() {
    }

    /** Processors per worker; {@code cpus} is the JVM's count, which honours container quotas and affinity. */
    public static int processorsPerWorker(int cpus, int workers) {
        return Math.max(1, cpus / workers);
    }

    public static List<String> jvmOptions(List<String> userOptions, boolean limitThreads, int processorsPerWorker) {
        List<String> options = new ArrayList<>();
        if (limitThreads && userOptions.stream().noneMatch(o -> o.contains("ActiveProcessorCount"))) {
            options.add("-XX:ActiveProcessorCount=" + processorsPerWorker);
        }
        options.addAll(userOptions);
        return options;
    }

    /** The user's variables, plus thread limits for those neither the user nor the parent's environment set. */
    public static Map<String, String> environment(Map<String, String> userEnvironment, boolean limitThreads,
                                                  int processorsPerWorker, UnaryOperator<String> parentEnvironment) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (limitThreads) {
            for (String name : NATIVE_THREAD_VARIABLES) {
                if (!userEnvironment.containsKey(name) && parentEnvironment.apply(name) == null) {
                    environment.put(name, Integer.toString(processorsPerWorker));
                }
            }
        }
        environment.putAll(userEnvironment);
        return environment;
    }
}
