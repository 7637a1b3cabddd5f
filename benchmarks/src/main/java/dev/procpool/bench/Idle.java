package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Section 6, idle cost: a warm pool of two workers left alone. Each worker's resident memory ({@code VmRSS},
 * plus PSS and USS from {@code smaps_rollup}) one second after warm-up, and the CPU each worker and the parent
 * (its scheduler thread polling) use over the idle period, from {@code utime + stime}; then each worker's RSS again
 * after {@link #TASKS_AFTER} trivial tasks each, idle a second: what a worker keeps after real use. Linux only.
 */
final class Idle {
    /** Tasks each worker runs before its RSS is read again, as an idle worker after real use. */
    static final int TASKS_AFTER = 100_000;

    private Idle() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        String target = "<= 50 MiB";
        if (!ProcFs.AVAILABLE) {
            report.row("idle.rss", "idle worker RSS (MiB)", Double.NaN, "skipped (no /proc)", "MiB", Report.Better.LOWER, target);
            report.note("  idle: skipped, this is not Linux (no /proc)");
            return;
        }
        long self = ProcessHandle.current().pid();
        List<Double> rss = new ArrayList<>();
        List<Double> pss = new ArrayList<>();
        List<Double> uss = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> rssAfterWork = new ArrayList<>();
        List<String> detail = new ArrayList<>();
        double parentCpu;
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Set<Long> pids = Pools.warm(pool, Params.WORKERS);
            Thread.sleep(1000);
            for (long pid : pids) {
                rss.add(mib(ProcFs.statusBytes(pid, "VmRSS")));
                pss.add(mib(smaps(pid, "Pss")));
                uss.add(mib(uss(pid)));
                detail.add(String.format(Locale.ROOT, "pid %d: RSS %s, RssAnon %s, PSS %s, USS %s MiB, %d threads", pid,
                        Report.format(mib(ProcFs.statusBytes(pid, "VmRSS"))),
                        Report.format(mib(ProcFs.statusBytes(pid, "RssAnon"))),
                        Report.format(mib(smaps(pid, "Pss"))),
                        Report.format(mib(uss(pid))), ProcFs.threads(pid)));
            }
            List<Double> cpu0 = pids.stream().map(pid -> ProcFs.cpuSeconds(pid, false)).toList();
            double parent0 = ProcFs.cpuSeconds(self, false);
            long t0 = System.nanoTime();
            Thread.sleep((long) (p.idleSeconds() * 1000));
            double wall = (System.nanoTime() - t0) / 1e9;
            int i = 0;
            for (long pid : pids) {
                cpu.add(100 * (ProcFs.cpuSeconds(pid, false) - cpu0.get(i++)) / wall);
            }
            parentCpu = 100 * (ProcFs.cpuSeconds(self, false) - parent0) / wall;
            detail.add(String.format(Locale.ROOT, "parent: RSS %s MiB, %d threads",
                    Report.format(mib(ProcFs.statusBytes(self, "VmRSS"))), ProcFs.threads(self)));
            // what a worker keeps after real use: every page of the heap it allocated in stays resident
            runTasks(pool, TASKS_AFTER * pids.size());
            Thread.sleep(1000);
            for (long pid : pids) {
                rssAfterWork.add(mib(ProcFs.statusBytes(pid, "VmRSS")));
                detail.add(String.format(Locale.ROOT, "pid %d after %,d tasks: RSS %s, RssAnon %s MiB", pid, TASKS_AFTER,
                        Report.format(mib(ProcFs.statusBytes(pid, "VmRSS"))),
                        Report.format(mib(ProcFs.statusBytes(pid, "RssAnon")))));
            }
        }
        progress.line("idle done");
        double meanRss = rss.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double meanCpu = cpu.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        report.row("idle.rss", "idle worker RSS (MiB, mean of 2)", meanRss, join(rss), "MiB", Report.Better.LOWER, target);
        // RSS counts the JVM's shared library and class-data archives whole in every worker; PSS shares them out
        // and USS leaves them out: what one more worker costs lies between the two
        report.row("idle.pss", "idle worker PSS (MiB, mean of 2)", mean(pss), join(pss), "MiB", Report.Better.LOWER, "");
        report.row("idle.uss", "idle worker USS (MiB, mean of 2)", mean(uss), join(uss), "MiB", Report.Better.LOWER, "");
        report.row("idle.rssafterwork", "idle worker RSS after " + String.format(Locale.ROOT, "%,d", TASKS_AFTER)
                + " tasks each (MiB, mean of 2)", mean(rssAfterWork), join(rssAfterWork), "MiB", Report.Better.LOWER, "");
        report.row("idle.cpu", "idle worker CPU over " + Report.format(p.idleSeconds()) + " s (%, mean of 2)", meanCpu,
                join(cpu), "%", Report.Better.LOWER, "<= 0.5 %");
        report.row("idle.parentcpu", "idle pool: parent's CPU (%)", parentCpu, Report.format(parentCpu), "%",
                Report.Better.LOWER, "");
        report.note("  idle: " + String.join("; ", detail) + "; CPU from utime+stime at " + ProcFs.CLOCK_TICKS
                + " ticks/s, so one tick over " + Report.format(p.idleSeconds()) + " s is "
                + Report.format(100.0 / ProcFs.CLOCK_TICKS / p.idleSeconds()) + " %");
    }

    /** Submits {@code count} trivial tasks, at most 256 waiting at a time, and waits for them all. */
    private static void runTasks(ProcessPoolExecutor pool, int count) throws Exception {
        List<Future<Long>> window = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            window.add(pool.submit(BenchTasks.pid()));
            if (window.size() == 256 || i == count - 1) {
                for (Future<Long> f : window) {
                    f.get(60, TimeUnit.SECONDS);
                }
                window.clear();
            }
        }
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String join(List<Double> xs) {
        return xs.stream().map(Report::format).collect(Collectors.joining(" / "));
    }

    private static double mib(OptionalLong bytes) {
        return bytes.isPresent() ? bytes.getAsLong() / (double) (1 << 20) : Double.NaN;
    }

    private static OptionalLong smaps(long pid, String field) {
        Path rollup = Path.of("/proc/" + pid + "/smaps_rollup");
        if (!Files.isReadable(rollup)) {
            return OptionalLong.empty();
        }
        return ProcFs.fieldBytes(rollup, field);
    }

    private static OptionalLong uss(long pid) {
        OptionalLong clean = smaps(pid, "Private_Clean");
        OptionalLong dirty = smaps(pid, "Private_Dirty");
        return clean.isPresent() && dirty.isPresent() ? OptionalLong.of(clean.getAsLong() + dirty.getAsLong())
                : OptionalLong.empty();
    }
}
