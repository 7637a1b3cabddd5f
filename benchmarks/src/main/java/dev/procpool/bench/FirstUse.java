package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Section firstuse (procpool only): round trips as a new user meets them. A task written as a {@code Callable}
 * class (how existing {@code ExecutorService} code is written) after a short warm-up of 3,000 calls, and every one
 * of the first 5,000 round trips of a new pool once its workers are up: what a short job or a test class with its
 * own pool sees, JIT compilations included.
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
            roundTrips(pool, warmup, true);
            callable = roundTrips(pool, p.latN() * blocks, true);
        }
        progress.line("callable class round trips done");
        row(report, "firstuse.callable.median", "Callable class round trip after " + warmup + " warm-up: median (us)",
                Stats.median(callable), "<= 15 us");
        row(report, "firstuse.callable.p99", "Callable class round trip after " + warmup + " warm-up: p99 (us)",
                Stats.percentile(callable, 99), "<= 100 us");

        List<Double> classP99 = new ArrayList<>();
        List<Double> lambdaP99 = new ArrayList<>();
        List<Double> classMedian = new ArrayList<>();
        List<Double> lambdaMedian = new ArrayList<>();
        for (int i = 0; i < pools; i++) { // the two kinds alternate, each on a new pool
            for (boolean asClass : new boolean[] {true, false}) {
                try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
                    Pools.awaitWorkers(pool, Params.WORKERS);
                    double[] us = roundTrips(pool, first, asClass);
                    (asClass ? classP99 : lambdaP99).add(Stats.percentile(us, 99));
                    (asClass ? classMedian : lambdaMedian).add(Stats.median(us));
                }
            }
            progress.line("first round trips: new pool " + (i + 1) + "/" + pools + " done");
        }
        row(report, "firstuse.first.p99", "first " + first + " round trips of a new pool, Callable class: p99 (us)",
                Stats.median(classP99), "<= 500 us");
        row(report, "firstuse.firstLambda.p99", "first " + first + " round trips of a new pool, lambda: p99 (us)",
                Stats.median(lambdaP99), "<= 500 us");
        report.note(String.format(Locale.ROOT, "  firstuse: Callable class after %d warm-up: %d round trips, median"
                        + " %s / p90 %s / p99 %s us; first %d round trips of %d new pools each (workers up first):"
                        + " Callable class medians %s us, p99s %s us; lambda medians %s us, p99s %s us",
                warmup, callable.length, Report.format(Stats.median(callable)),
                Report.format(Stats.percentile(callable, 90)), Report.format(Stats.percentile(callable, 99)), first,
                pools, list(classMedian), list(classP99), list(lambdaMedian), list(lambdaP99)));
    }

    /** {@code n} round trips one at a time, in microseconds each. */
    static double[] roundTrips(ProcessPoolExecutor pool, int n, boolean asClass) throws Exception {
        double[] us = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Callable<Integer> task = asClass ? new BenchTasks.IncTask(i) : BenchTasks.inc(i);
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
