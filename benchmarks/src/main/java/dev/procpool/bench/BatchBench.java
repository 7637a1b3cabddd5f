package dev.procpool.bench;

import dev.procpool.Outcome;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableFunction;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Section "batch" (procpool only; loky has no streamed batch): 10 million trivial inputs ({@code x + 1}) through
 * {@code batch}, read lazily, in a child JVM with {@code -Xmx64m}; {@code batch} against {@code map}'s automatic
 * chunks, with and without a journal, on the same inputs in this JVM, interleaved; and the cost of finding a
 * poison input (one that halts its worker) in a chunk of 1,000 against the same chunk without one.
 */
final class BatchBench {
    private static final String MARK = "BATCH64 ";
    private static final String MAP = "map";
    private static final String BATCH = "batch";
    private static final String JOURNAL = "batch+journal";
    /** The size of the last journal written: the section runs on one thread. */
    private static long journalBytes;

    private BatchBench() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        int reps = p.quick() ? 1 : 3;
        int inParent = p.quick() ? 100_000 : 2_000_000;
        int inChild = p.quick() ? 200_000 : 10_000_000;
        Path dir = Files.createTempDirectory("procpool-bench-batch-");
        try {
            Map<String, List<Double>> seconds = sideBySide(inParent, reps, dir, progress);
            progress.line("batch vs map done");
            double mapRate = inParent / Stats.median(seconds.get(MAP));
            for (String mode : List.of(MAP, BATCH, JOURNAL)) {
                List<Double> runs = seconds.get(mode);
                double rate = inParent / Stats.median(runs);
                String spread = runs.stream().map(s -> Report.format(inParent / s)).collect(Collectors.joining(", "));
                String ratio = mode.equals(MAP) ? "" : String.format(Locale.ROOT, "; %.2fx map", rate / mapRate);
                report.row("batch.thr." + mode.replace('+', '.'), mode + ", " + String.format("%,d", inParent)
                        + " inputs, automatic chunks (tasks/s)", rate, Report.format(rate) + " (" + spread + ")" + ratio,
                        "/s", Report.Better.HIGHER, mode.equals(BATCH) ? ">= 0.8x map" : "");
            }
            double overheadUs = (Stats.median(seconds.get(JOURNAL)) - Stats.median(seconds.get(BATCH))) * 1e6 / inParent;
            report.row("batch.journal.us", "journal overhead per outcome (µs)", overheadUs,
                    String.format(Locale.ROOT, "%.2f µs, %.1f bytes on disk", overheadUs, journalBytes / (double) inParent),
                    "µs", Report.Better.LOWER, "");

            List<Double> childSeconds = new ArrayList<>();
            String peak = inChildJvm(inChild, reps, childSeconds);
            double childRate = inChild / Stats.median(childSeconds);
            report.row("batch.thr.64m", "batch, " + String.format("%,d", inChild) + " lazy inputs, -Xmx64m parent (tasks/s)",
                    childRate, Report.format(childRate) + " (" + childSeconds.stream().map(s -> Report.format(inChild / s))
                            .collect(Collectors.joining(", ")) + "); " + String.format(Locale.ROOT, "%.2fx map", childRate / mapRate)
                            + "; peak heap " + peak, "/s", Report.Better.HIGHER, ">= 0.8x map");
            progress.line("batch in a -Xmx64m parent done");

            List<Double> bisectMs = bisection(reps, progress);
            report.millis("batch.bisect", "isolate 1 poison input (halts its worker) in a chunk of 1,000, extra ms",
                    bisectMs, "");
        } finally {
            BenchFiles.deleteTree(dir);
        }
        report.note("  batch: x+1 on " + Params.WORKERS + " workers, default batch settings (ordered, automatic chunks"
                + " and window); median of " + reps + ", each run in parentheses; map/batch/batch+journal interleaved"
                + " in this JVM; the -Xmx64m run in a child JVM reading a lazy Iterable; bisection = time with the"
                + " poison minus time without, same chunk");
    }

    private static Map<String, List<Double>> sideBySide(int n, int reps, Path dir, BenchMain.Progress progress) throws Exception {
        List<Integer> inputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            inputs.add(i);
        }
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.warm(pool, Params.WORKERS);
            for (int rep = -1; rep < reps; rep++) { // rep -1: a full-size warm-up of each mode
                for (String mode : List.of(MAP, BATCH, JOURNAL)) {
                    double s = once(pool, mode, inputs, dir.resolve("journal-" + rep));
                    if (rep >= 0) {
                        seconds.computeIfAbsent(mode, m -> new ArrayList<>()).add(s);
                    }
                }
                progress.line("batch vs map rep " + (rep + 1) + "/" + reps + " done");
            }
        }
        return seconds;
    }

    private static double once(ProcessPoolExecutor pool, String mode, List<Integer> inputs, Path journal) throws Exception {
        long n = inputs.size();
        long sum = 0;
        long t0 = System.nanoTime();
        if (mode.equals(MAP)) {
            for (int r : pool.map(BenchTasks.incFunction(), inputs)) {
                sum += r;
            }
        } else {
            var batch = pool.batch(BenchTasks.incFunction(), inputs);
            if (mode.equals(JOURNAL)) {
                batch.journal(journal);
            }
            try (Stream<Outcome<Integer, Integer>> outcomes = batch.stream()) {
                sum = outcomes.mapToLong(Outcome::result).sum();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (mode.equals(JOURNAL)) {
            journalBytes = Files.size(journal);
            Files.delete(journal);
        }
        if (sum != n * (n - 1) / 2 + n) {
            throw new IllegalStateException(mode + ": sum " + sum + ", expected " + (n * (n - 1) / 2 + n));
        }
        return s;
    }

    /** Runs {@link #main} in a JVM with a 64 MiB heap; adds its runs' seconds; returns its peak heap use. */
    private static String inChildJvm(int n, int reps, List<Double> seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-XX:MaxRAM")).forEach(command::add);
        command.add("-Xmx64m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BatchBench.class.getName());
        command.add(Integer.toString(n));
        command.add(Integer.toString(reps));
        Process proc = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(30, TimeUnit.MINUTES) || proc.exitValue() != 0) {
            proc.destroyForcibly();
            throw new IllegalStateException("the -Xmx64m batch JVM failed:\n" + out);
        }
        String peak = "?";
        for (String line : out.lines().toList()) {
            if (line.startsWith(MARK + "s ")) {
                seconds.add(Double.parseDouble(line.substring((MARK + "s ").length())));
            } else if (line.startsWith(MARK + "peak ")) {
                peak = line.substring((MARK + "peak ").length());
            }
        }
        if (seconds.isEmpty()) {
            throw new IllegalStateException("the -Xmx64m batch JVM printed no result:\n" + out);
        }
        return peak;
    }

    /** The child JVM: {@code n} lazy inputs through batch, {@code reps} times after a tenth as warm-up. */
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int reps = Integer.parseInt(args[1]);
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.warm(pool, Params.WORKERS);
            lazyBatch(pool, n / 10);
            for (int rep = 0; rep < reps; rep++) {
                System.out.println(MARK + "s " + lazyBatch(pool, n));
            }
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println(MARK + "peak " + (peak >> 20) + " MiB of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    }

    private static double lazyBatch(ProcessPoolExecutor pool, int n) {
        long t0 = System.nanoTime();
        long sum;
        try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(BenchTasks.incFunction(), upTo(n)).stream()) {
            sum = outcomes.mapToLong(Outcome::result).sum();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (sum != (long) n * (n - 1) / 2 + n) {
            throw new IllegalStateException("sum " + sum);
        }
        return s;
    }

    /** 0 .. n-1, made as they are read: the batch, not a list, decides how many are held. */
    private static Iterable<Integer> upTo(int n) {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public Integer next() {
                if (next >= n) {
                    throw new NoSuchElementException();
                }
                return next++;
            }
        };
    }

    /** Extra milliseconds a chunk of 1,000 with one poison input takes over the same chunk without it. */
    private static List<Double> bisection(int reps, BenchMain.Progress progress) throws Exception {
        List<Integer> inputs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            inputs.add(i);
        }
        List<Double> extraMs = new ArrayList<>();
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.warm(pool, Params.WORKERS);
            chunkOf1000(pool, inputs, -1); // warm-up
            for (int rep = 0; rep < reps; rep++) {
                double clean = chunkOf1000(pool, inputs, -1);
                Pools.warm(pool, Params.WORKERS); // both workers up again before timing a crash
                double poisoned = chunkOf1000(pool, inputs, 617);
                extraMs.add(poisoned - clean);
                Pools.warm(pool, Params.WORKERS);
                progress.line("bisection rep " + (rep + 1) + "/" + reps + ": " + Report.format(poisoned) + " ms with the"
                        + " poison, " + Report.format(clean) + " ms without");
            }
        }
        return extraMs;
    }

    private static double chunkOf1000(ProcessPoolExecutor pool, List<Integer> inputs, int poison) {
        long t0 = System.nanoTime();
        List<Outcome<Integer, Integer>> outcomes;
        try (Stream<Outcome<Integer, Integer>> stream = pool.batch(haltAt(poison), inputs).chunkSize(1000).stream()) {
            outcomes = stream.toList();
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        long failed = outcomes.stream().filter(o -> !o.succeeded()).count();
        if (failed != (poison < 0 ? 0 : 1) || (poison >= 0 && outcomes.get(poison).succeeded())) {
            throw new IllegalStateException("expected only input " + poison + " to fail, " + failed + " failed");
        }
        return ms;
    }

    /** {@code x + 1}, except that input {@code poison} halts its worker. */
    private static SerializableFunction<Integer, Integer> haltAt(int poison) {
        return x -> {
            if (x == poison) {
                Runtime.getRuntime().halt(1);
            }
            return x + 1;
        };
    }
}
