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
        String split;
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
            split = split(pool, p);
        }
        progress.line("latency done");
        String blocks = blockMedians.stream().map(Report::format).collect(Collectors.joining(", "));
        row(report, "latency.median", "round trip, one at a time: median (us)", Stats.median(samples), "<= 20 us");
        row(report, "latency.p90", "round trip, one at a time: p90 (us)", Stats.percentile(samples, 90), "");
        row(report, "latency.p99", "round trip, one at a time: p99 (us)", Stats.percentile(samples, 99), "<= 100 us");
        report.note(String.format(Locale.ROOT, "  round trip: %d blocks x %d after %d warm-up, min %s us; block medians %s us",
                p.latBlocks(), p.latN(), p.latWarmup(), Report.format(min(samples)), blocks));
        report.note(split);
    }

    /**
     * One more block with a task that returns when it started: the way there (submit: serialize, hand to the
     * scheduler thread, queue, worker wakes and deserializes) and back (result serialized, queued, scheduler
     * wakes and deserializes, {@code get()} wakes). A diagnostic, so it is not in the table.
     */
    private static String split(ProcessPoolExecutor pool, Params p) throws Exception {
        double[] there = new double[p.latN()];
        double[] back = new double[p.latN()];
        for (int i = 0; i < p.latN(); i++) {
            long t0 = System.nanoTime();
            long started = pool.submit(BenchTasks.stampedInc(i)).get(60, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            there[i] = (started - t0) / 1e3;
            back[i] = (t1 - started) / 1e3;
        }
        return String.format(Locale.ROOT, "  round trip split (one more block of %d, System.nanoTime shared by"
                        + " processes): submit -> task starts median %s / p90 %s us; task starts -> get() returns"
                        + " median %s / p90 %s us", p.latN(), Report.format(Stats.median(there)),
                Report.format(Stats.percentile(there, 90)), Report.format(Stats.median(back)),
                Report.format(Stats.percentile(back, 90)));
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
