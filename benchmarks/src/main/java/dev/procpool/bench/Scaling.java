package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Section 7, CPU-bound scaling: {@code map} with chunk size 1 of a busy loop calibrated to about 47 ms (as in
 * loky_bench.py), on a pool of one worker and a pool of two, and in-process for reference; runs interleaved per
 * repetition. Speed-up = median(1 worker) / median(2 workers).
 */
final class Scaling {
    private static volatile long sink;

    private Scaling() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        long n = calibrate();
        List<Long> work = Collections.nCopies(p.scaleTasks(), n);
        List<Double> one = new ArrayList<>();
        List<Double> two = new ArrayList<>();
        List<Double> serial = new ArrayList<>();
        List<Double> task = new ArrayList<>();
        try (ProcessPoolExecutor pool1 = Pools.create(1); ProcessPoolExecutor pool2 = Pools.create(2)) {
            Pools.warm(pool1, 1);
            Pools.warm(pool2, 2);
            pool1.map(BenchTasks.busyFunction(), Collections.nCopies(3, n), 1); // let the workers' JIT compile it
            pool2.map(BenchTasks.busyFunction(), Collections.nCopies(6, n), 1);
            for (int rep = 0; rep < p.scaleReps(); rep++) {
                long t0 = System.nanoTime();
                sink = BenchTasks.busy(n);
                task.add((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                for (int i = 0; i < p.scaleTasks(); i++) {
                    sink = BenchTasks.busy(n);
                }
                serial.add((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                pool1.map(BenchTasks.busyFunction(), work, 1);
                one.add((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                pool2.map(BenchTasks.busyFunction(), work, 1);
                two.add((System.nanoTime() - t0) / 1e9);
                progress.line("scaling rep " + (rep + 1) + "/" + p.scaleReps() + " done");
            }
        }
        double speedup = Stats.median(one) / Stats.median(two);
        List<Double> pairwise = new ArrayList<>();
        for (int i = 0; i < one.size(); i++) {
            pairwise.add(one.get(i) / two.get(i));
        }
        report.row("scaling.speedup", "CPU-bound speed-up, 1 -> 2 workers", speedup,
                String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", speedup, Stats.min(pairwise), Stats.max(pairwise)),
                "", Report.Better.HIGHER, ">= 1.9");
        report.note(String.format(Locale.ROOT, "  scaling: %d tasks x %s ms busy loop (%,d iterations), map chunk size 1,"
                        + " median of %d: 1 worker %.3f s, 2 workers %.3f s, in-process serial %.3f s;"
                        + " speed-up in parentheses: per-rep min-max",
                p.scaleTasks(), Report.format(Stats.median(task) * 1e3), n, p.scaleReps(),
                Stats.median(one), Stats.median(two), Stats.median(serial)));
    }

    /** Iterations of {@link BenchTasks#busy} that take {@link Params#SCALE_TASK_SECONDS} here, once compiled. */
    private static long calibrate() {
        for (int i = 0; i < 20; i++) {
            sink = BenchTasks.busy(1_000_000); // get it compiled first
        }
        long n = 1_000_000;
        while (true) {
            long t0 = System.nanoTime();
            sink = BenchTasks.busy(n);
            double dt = (System.nanoTime() - t0) / 1e9;
            if (dt > 0.02) {
                n = (long) (n * Params.SCALE_TASK_SECONDS / dt);
                break;
            }
            n *= 2;
        }
        for (int round = 0; round < 2; round++) {
            double[] ts = new double[5];
            for (int i = 0; i < ts.length; i++) {
                long t0 = System.nanoTime();
                sink = BenchTasks.busy(n);
                ts[i] = (System.nanoTime() - t0) / 1e9;
            }
            n = (long) (n * Params.SCALE_TASK_SECONDS / Stats.median(ts));
        }
        return n;
    }
}
