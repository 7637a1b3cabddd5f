package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Section 2, latency: {@code submit(() -> x + 1).get()} one at a time on a warm pool of two workers, in blocks
 * after a warm-up; statistics over all samples, as loky_bench.py computes them.
 */
final class RoundTrip {
    private RoundTrip() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        double[] samples = new double[p.latN() * p.latBlocks()];
        List<Double> blockMedians = new ArrayList<>();
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.warm(pool, Params.WORKERS);
            for (int i = 0; i < p.latWarmup(); i++) {
                check(pool.submit(BenchTasks.inc(i)).get(60, TimeUnit.SECONDS), i);
            }
            int k = 0;
            for (int b = 0; b < p.latBlocks(); b++) {
                double[] block = new double[p.latN()];
                for (int i = 0; i < p.latN(); i++) {
                    long t0 = System.nanoTime();
                    int r = pool.submit(BenchTasks.inc(i)).get(60, TimeUnit.SECONDS);
                    block[i] = (System.nanoTime() - t0) / 1e3;
                    check(r, i);
                    samples[k++] = block[i];
                }
                blockMedians.add(Stats.median(block));
            }
        }
        progress.line("latency done");
        String blocks = blockMedians.stream().map(Report::format).collect(Collectors.joining(", "));
        row(report, "latency.median", "round trip, one at a time: median (us)", Stats.median(samples), "<= 20 us");
        row(report, "latency.p90", "round trip, one at a time: p90 (us)", Stats.percentile(samples, 90), "");
        row(report, "latency.p99", "round trip, one at a time: p99 (us)", Stats.percentile(samples, 99), "<= 100 us");
        report.note(String.format(Locale.ROOT, "  round trip: %d blocks x %d after %d warm-up, min %s us; block medians %s us",
                p.latBlocks(), p.latN(), p.latWarmup(), Report.format(min(samples)), blocks));
    }

    private static void row(Report report, String id, String what, double us, String target) {
        report.row(id, what, us, Report.format(us), "us", Report.Better.LOWER, target);
    }

    private static void check(int result, int input) {
        if (result != input + 1) {
            throw new IllegalStateException("inc(" + input + ") answered " + result);
        }
    }

    private static double min(double[] xs) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : xs) {
            m = Math.min(m, x);
        }
        return m;
    }
}
