package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Section firstuse (procpool only): round trips as a new user meets them. A task written as a {@code Callable}
 * class (how existing {@code ExecutorService} code is written) after a short warm-up of 3,000 calls, and every one
 * of the first 5,000 round trips of a new pool once its workers are up, for a {@code Callable} class, a record and a
 * lambda, each on pools of its own: what a short job or a test class with its own pool sees, JIT compilations
 * included.
 */
final class FirstUse {
    static final int CALLABLE_WARMUP = 3_000;
    static final int FIRST_ROUND_TRIPS = 5_000;

    private FirstUse() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        int warmup = p.quick() ? 300 : CALLABLE_WARMUP;
        int blocks = p.quick() ? 1 : 6;
        int first = p.quick() ? 500 : FIRST_ROUND_TRIPS;
        int pools = p.quick() ? 1 : 3;

        double[] callable;
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.awaitWorkers(pool, Params.WORKERS);
            roundTrips(pool, warmup, Kind.CLASS);
            callable = roundTrips(pool, p.latN() * blocks, Kind.CLASS);
        }
        progress.line("callable class round trips done");
        row(report, "firstuse.callable.median", "Callable class round trip after " + warmup + " warm-up: median (us)",
                Stats.median(callable), "<= 15 us");
        row(report, "firstuse.callable.p99", "Callable class round trip after " + warmup + " warm-up: p99 (us)",
                Stats.percentile(callable, 99), "<= 100 us");

        Map<Kind, List<Double>> p99s = new EnumMap<>(Kind.class);
        Map<Kind, List<Double>> medians = new EnumMap<>(Kind.class);
        List<Double> walls = new ArrayList<>();
        List<Double> workerJit = new ArrayList<>();
        List<Double> parentJit = new ArrayList<>();
        long parent = ProcessHandle.current().pid();
        for (int i = 0; i < pools; i++) { // the kinds alternate, each on a new pool
            for (Kind kind : Kind.values()) {
                try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
                    Set<Long> workers = Pools.awaitWorkers(pool, Params.WORKERS);
                    double workerJit0 = compilerCpuSeconds(workers);
                    double parentJit0 = ProcFs.compilerCpuSeconds(parent);
                    long t0 = System.nanoTime();
                    double[] us = roundTrips(pool, first, kind);
                    walls.add((System.nanoTime() - t0) / 1e6);
                    workerJit.add((compilerCpuSeconds(workers) - workerJit0) * 1e3);
                    parentJit.add((ProcFs.compilerCpuSeconds(parent) - parentJit0) * 1e3);
                    p99s.computeIfAbsent(kind, k -> new ArrayList<>()).add(Stats.percentile(us, 99));
                    medians.computeIfAbsent(kind, k -> new ArrayList<>()).add(Stats.median(us));
                }
            }
            progress.line("first round trips: new pool " + (i + 1) + "/" + pools + " done");
        }
        row(report, "firstuse.first.p99", "first " + first + " round trips of a new pool, Callable class: p99 (us)",
                Stats.median(p99s.get(Kind.CLASS)), "<= 500 us");
        row(report, "firstuse.firstRecord.p99", "first " + first + " round trips of a new pool, record: p99 (us)",
                Stats.median(p99s.get(Kind.RECORD)), "<= 500 us");
        row(report, "firstuse.firstLambda.p99", "first " + first + " round trips of a new pool, lambda: p99 (us)",
                Stats.median(p99s.get(Kind.LAMBDA)), "<= 500 us");
        StringBuilder perKind = new StringBuilder();
        for (Kind kind : Kind.values()) {
            perKind.append(String.format(Locale.ROOT, "; %s medians %s us, p99s %s us", kind.label,
                    list(medians.get(kind)), list(p99s.get(kind))));
        }
        report.note(String.format(Locale.ROOT, "  firstuse: Callable class after %d warm-up: %d round trips, median"
                        + " %s / p90 %s / p99 %s us; first %d round trips of %d new pools each (workers up first)%s",
                warmup, callable.length, Report.format(Stats.median(callable)),
                Report.format(Stats.percentile(callable, 90)), Report.format(Stats.percentile(callable, 99)), first,
                pools, perKind));
        if (!Double.isNaN(Stats.median(workerJit))) {
            report.note(String.format(Locale.ROOT, "  firstuse: JIT while a new pool makes its first %d round trips"
                            + " (medians over its %d pools): %s ms of which the compiler threads ran %s ms in the"
                            + " workers and %s ms in this JVM, on %d cores", first, walls.size(),
                    Report.format(Stats.median(walls)), Report.format(Stats.median(workerJit)),
                    Report.format(Stats.median(parentJit)), Runtime.getRuntime().availableProcessors()));
        }
    }

    /** CPU seconds of the compiler threads of every JVM in {@code pids}, or NaN where /proc cannot tell. */
    private static double compilerCpuSeconds(Set<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            total += ProcFs.compilerCpuSeconds(pid);
        }
        return total;
    }

    /** How the task is written: a {@code Callable} class, a record, or a serializable lambda. */
    enum Kind {
        CLASS("Callable class"), RECORD("record"), LAMBDA("lambda");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        Callable<Integer> task(int i) {
            return switch (this) {
                case CLASS -> new BenchTasks.IncTask(i);
                case RECORD -> new BenchTasks.IncRecord(i);
                case LAMBDA -> BenchTasks.inc(i);
            };
        }
    }

    /** {@code n} round trips one at a time, in microseconds each. */
    static double[] roundTrips(ProcessPoolExecutor pool, int n, Kind kind) throws Exception {
        double[] us = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Callable<Integer> task = kind.task(i);
            int r = pool.submit(task).get(60, TimeUnit.SECONDS);
            us[i] = (System.nanoTime() - t0) / 1e3;
            if (r != i + 1) {
                throw new IllegalStateException("inc(" + i + ") answered " + r);
            }
        }
        return us;
    }

    private static String list(List<Double> values) {
        return values.stream().map(Report::format).reduce((a, b) -> a + ", " + b).orElse("");
    }

    private static void row(Report report, String id, String what, double us, String target) {
        report.row(id, what, us, Report.format(us), "us", Report.Better.LOWER, target);
    }
}
