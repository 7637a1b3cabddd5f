package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Section 3, throughput: n trivial tasks ({@code x + 1}) on a warm pool of two workers, submitted one
 * {@code submit} each (all submitted, then all awaited), and through {@code map} with several chunk sizes and
 * with the chunk size {@code map} chooses itself. Median of the runs per mode; modes interleaved per run.
 */
final class Throughput {
    private static final String SUBMIT = "submit";
    private static final String AUTO = "auto";

    private Throughput() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        List<String> modes = new ArrayList<>();
        modes.add(SUBMIT);
        p.chunks().forEach(c -> modes.add(Integer.toString(c)));
        modes.add(AUTO);
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.warm(pool, Params.WORKERS);
            // a full-size run of each mode first: the JIT of the parent and of both workers needs more than a
            // tenth of one (with a tenth, successive 'submit' runs still rose: 57, 94, 148 k/s)
            List<Integer> warmInputs = inputs(p.thrN());
            for (String mode : modes) {
                once(pool, mode, warmInputs);
            }
            List<Integer> inputs = inputs(p.thrN());
            for (int rep = 0; rep < p.thrReps(); rep++) {
                for (String mode : modes) {
                    seconds.computeIfAbsent(mode, m -> new ArrayList<>()).add(once(pool, mode, inputs));
                }
                progress.line("throughput rep " + (rep + 1) + "/" + p.thrReps() + " done");
            }
        }
        for (String mode : modes) {
            List<Double> runs = seconds.get(mode);
            double rate = p.thrN() / Stats.median(runs);
            String spread = runs.size() > 1 ? " (" + runs.stream().map(s -> Report.format(p.thrN() / s))
                    .collect(Collectors.joining(", ")) + ")" : "";
            String id;
            String what;
            String target = "";
            if (mode.equals(SUBMIT)) {
                id = "thr.submit";
                what = "throughput, one submit per task (tasks/s)";
                target = ">= 200,000/s";
            } else if (mode.equals(AUTO)) {
                id = "thr.map.auto";
                what = "throughput, map, automatic chunks (tasks/s; loky: chunksize=1000)";
                target = ">= 5,000,000/s";
            } else {
                id = "thr.map." + mode;
                what = "throughput, map chunksize=" + mode + " (tasks/s)";
            }
            report.row(id, what, rate, Report.format(rate) + spread, "/s", Report.Better.HIGHER, target);
        }
        report.note("  throughput: " + String.format("%,d", p.thrN()) + " x (x+1) on 2 workers, median of "
                + p.thrReps() + " (each run in parentheses); 'automatic' = map(fn, inputs), the chunk size map chooses");
    }

    private static List<Integer> inputs(int n) {
        List<Integer> xs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            xs.add(i);
        }
        return xs;
    }

    /** One run; returns its seconds, after checking the sum of the results. */
    private static double once(ProcessPoolExecutor pool, String mode, List<Integer> inputs) throws Exception {
        long n = inputs.size();
        long expect = n * (n - 1) / 2 + n;
        long sum = 0;
        long t0 = System.nanoTime();
        if (mode.equals(SUBMIT)) {
            List<Future<Integer>> futures = new ArrayList<>(inputs.size());
            for (int x : inputs) {
                futures.add(pool.submit(BenchTasks.inc(x)));
            }
            for (Future<Integer> f : futures) {
                sum += f.get();
            }
        } else {
            List<Integer> results = mode.equals(AUTO)
                    ? pool.map(BenchTasks.incFunction(), inputs)
                    : pool.map(BenchTasks.incFunction(), inputs, Integer.parseInt(mode));
            for (int r : results) {
                sum += r;
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (sum != expect) {
            throw new IllegalStateException(mode + ": sum " + sum + ", expected " + expect);
        }
        return s;
    }
}
