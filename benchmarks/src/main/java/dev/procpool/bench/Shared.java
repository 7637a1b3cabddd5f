package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SharedData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Section shared (procpool only): {@code TASKS} tasks each read all of a 100 MB array (a checksum over its longs),
 * given to them as {@code pool.share(array)} or captured as an argument; rounds of the two alternate. Effective
 * GB/s = tasks x 1e8 B / time from the first submit to the last result. Before timing, one round of each warms
 * the JIT and lets every worker map the shared file once.
 */
final class Shared {
    static final int TASKS = 6;

    private Shared() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        byte[] data = new byte[Params.PAYLOAD_BYTES];
        Arrays.fill(data, (byte) 3);
        long expected = BenchTasks.checksum(java.nio.ByteBuffer.wrap(data));
        int reps = p.quick() ? 1 : 5;
        List<Double> sharedSeconds = new ArrayList<>();
        List<Double> argumentSeconds = new ArrayList<>();
        double shareMs;
        double firstRoundSeconds;
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.warm(pool, Params.WORKERS);
            long t0 = System.nanoTime();
            try (SharedData shared = pool.share(data)) {
                shareMs = (System.nanoTime() - t0) / 1e6;
                firstRoundSeconds = round(pool, () -> BenchTasks.sumShared(shared), expected);
                round(pool, () -> BenchTasks.sumArgument(data), expected);
                for (int rep = 0; rep < reps; rep++) {
                    sharedSeconds.add(round(pool, () -> BenchTasks.sumShared(shared), expected));
                    argumentSeconds.add(round(pool, () -> BenchTasks.sumArgument(data), expected));
                    progress.line("shared rep " + (rep + 1) + "/" + reps + " done");
                }
            }
        }
        row(report, "shared.read", TASKS + " tasks each read a 100 MB pool.share(...) (GB/s effective)", sharedSeconds,
                ">= 2 GB/s");
        row(report, "shared.argument", "... the same 100 MB captured as an argument (GB/s effective)", argumentSeconds, "");
        report.note(String.format(Locale.ROOT, "  shared: median of %d rounds of %d tasks on 2 workers, each task a"
                        + " checksum over all 100 MB; share() of the array took %s ms; the first round (each worker maps"
                        + " the file and faults its pages in) %s GB/s; shared vs argument: %sx",
                reps, TASKS, Report.format(shareMs), Report.format(gbps(firstRoundSeconds)),
                Report.format(Stats.median(argumentSeconds) / Stats.median(sharedSeconds))));
    }

    /** {@link #TASKS} tasks at once; seconds until the last answered. */
    private static double round(ProcessPoolExecutor pool, Callable<Callable<Long>> make, long expected) throws Exception {
        long t0 = System.nanoTime();
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            futures.add(pool.submit(make.call()));
        }
        for (Future<Long> f : futures) {
            long sum = f.get(300, TimeUnit.SECONDS);
            if (sum != expected) {
                throw new IllegalStateException("checksum " + sum + ", expected " + expected);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double gbps(double seconds) {
        return (double) TASKS * Params.PAYLOAD_BYTES / seconds / 1e9;
    }

    private static void row(Report report, String id, String what, List<Double> seconds, String target) {
        double median = Stats.median(seconds);
        report.row(id, what, gbps(median), String.format(Locale.ROOT, "%s (%s ms per round)",
                Report.format(gbps(median)), Report.format(median * 1e3)), "GB/s", Report.Better.HIGHER, target);
    }
}
