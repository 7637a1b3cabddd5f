package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Section 1, cold start: from {@code build()} to the first result, and to all workers up: one task per worker,
 * each of which waits until all of them run at once ({@link BenchTasks#rendezvous}), so the last answer comes
 * when the last worker has taken its task (loky_bench.py uses two 200 ms sleeps instead and subtracts 200 ms;
 * that needs luck to land on distinct workers, this does not). "Fresh" trials each run in a new
 * JVM ({@link #main}), so the parent's own class loading and first queue open count, as they do for a user;
 * "same JVM" trials re-create the pool in the harness. Like loky_bench.py, t0 is taken after the pool's
 * classes are loaded but before anything runs (loky's figure excludes its 312 ms import).
 */
final class ColdStart {
    private static final String MARK = "COLD-TRIAL";
    private static final String NO_CLASS_DATA = "no-class-data";
    /** False in trials that measure workers starting without a class-data archive. */
    private static boolean classDataSharing = true;

    private ColdStart() {
    }

    /** How long one task waits for the others; a round that times out is tried again (and noted). */
    private static final long RENDEZVOUS_MS = 5_000;
    private static final int MAX_ROUNDS = 10;

    /** One trial; {@code rounds} > 1 means a rendezvous timed out and was tried again. */
    private record Trial(double ms, int distinctPids, int rounds) {
    }

    /**
     * One fresh trial: {@code ColdStart first|both [no-class-data] [--worker-option=OPTION]...}; prints
     * {@code COLD-TRIAL <ms> <distinct pids>}.
     */
    public static void main(String[] args) throws Exception {
        Class.forName(ProcessPoolExecutor.class.getName()); // the counterpart of loky's import before t0
        List<String> rest = List.of(args).subList(1, args.length);
        classDataSharing = !rest.contains(NO_CLASS_DATA);
        Pools.useWorkerOptions(rest.stream().filter(arg -> arg.startsWith(BenchMain.Options.WORKER_OPTION))
                .map(arg -> arg.substring(BenchMain.Options.WORKER_OPTION.length())).toList());
        Trial t = trial(args[0].equals("both"));
        System.out.println(MARK + " " + t.ms + " " + t.distinctPids + " " + t.rounds);
    }

    private static Trial trial(boolean both) throws Exception {
        long t0 = System.nanoTime();
        try (ProcessPoolExecutor pool = Pools.builder(Params.WORKERS).classDataSharing(classDataSharing).build()) {
            if (!both) {
                pool.submit(BenchTasks.inc(1)).get(120, TimeUnit.SECONDS);
                return new Trial((System.nanoTime() - t0) / 1e6, 0, 1);
            }
            for (int round = 1; round <= MAX_ROUNDS; round++) {
                Path dir = Files.createTempDirectory("procpool-bench-cold-");
                try {
                    List<Future<Long>> futures = new ArrayList<>();
                    for (int i = 0; i < Params.WORKERS; i++) {
                        futures.add(pool.submit(BenchTasks.rendezvous(dir.toString(), Params.WORKERS, RENDEZVOUS_MS)));
                    }
                    Set<Long> pids = new TreeSet<>();
                    for (Future<Long> f : futures) {
                        pids.add(f.get(120, TimeUnit.SECONDS));
                    }
                    if (pids.stream().allMatch(pid -> pid > 0)) {
                        return new Trial((System.nanoTime() - t0) / 1e6, pids.size(), round);
                    }
                } finally {
                    BenchFiles.deleteTree(dir);
                }
            }
            throw new IllegalStateException("the workers never ran " + Params.WORKERS + " tasks at once in "
                    + MAX_ROUNDS + " rounds of " + RENDEZVOUS_MS + " ms");
        }
    }


    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        // discarded: on a machine that has never run procpool with these jars, the first pool makes the
        // workers' class-data archive (once its workers are up); every trial after it starts from the archive
        freshJvm("first", true);
        List<Trial> freshFirst = new ArrayList<>();
        List<Trial> freshBoth = new ArrayList<>();
        List<Trial> freshNoArchive = new ArrayList<>();
        for (int rep = 0; rep < p.coldReps(); rep++) {
            freshFirst.add(freshJvm("first", true));
            freshBoth.add(freshJvm("both", true));
            freshNoArchive.add(freshJvm("first", false));
            progress.line("cold fresh-JVM rep " + (rep + 1) + "/" + p.coldReps() + " done");
        }
        if (!p.quick()) {
            trial(false); // discarded, as in loky_bench.py: the harness JVM's first pool loads the classes
            trial(true);
        }
        List<Trial> sameFirst = new ArrayList<>();
        List<Trial> sameBoth = new ArrayList<>();
        for (int rep = 0; rep < p.coldReps(); rep++) {
            sameFirst.add(trial(false));
            sameBoth.add(trial(true));
        }
        progress.line("cold same-JVM reps done");

        String target = "<= 300 ms";
        row(report, "cold.first.fresh", "cold start -> first result, new parent JVM (ms)", freshFirst, target);
        row(report, "cold.up.fresh", "cold start -> both workers up, new parent JVM (ms)", freshBoth, "");
        row(report, "cold.first.fresh.noarchive", "... first result, new parent JVM, no class-data archive (ms)",
                freshNoArchive, target);
        row(report, "cold.first.warm", "cold start -> first result, same JVM (ms)", sameFirst, target);
        row(report, "cold.up.warm", "cold start -> both workers up, same JVM (ms)", sameBoth, "");
        report.note("  cold: median (min-max) of " + p.coldReps() + "; 'both up' = both workers run a task at once"
                + " (distinct pids per trial: fresh " + distinct(freshBoth) + ", same JVM " + distinct(sameBoth)
                + "); loky's 'both up' is two 200 ms sleeps minus 200 ms; a new parent JVM itself starts in ~35 ms"
                + " (not counted, nor is loky's 312 ms import)" + (p.quick() ? "; quick: no discarded first trial" : "") + retried(freshBoth) + retried(sameBoth));
    }

    private static void row(Report report, String id, String what, List<Trial> trials, String target) {
        report.millis(id, what, trials.stream().map(Trial::ms).toList(), target);
    }

    private static String retried(List<Trial> trials) {
        long n = trials.stream().filter(t -> t.rounds > 1).count();
        return n == 0 ? "" : "; WARNING: in " + n + " 'both up' trial(s) the rendezvous timed out after " + RENDEZVOUS_MS
                + " ms (a worker that slow to start, or a task queued behind another on one worker) and was retried";
    }

    private static String distinct(List<Trial> trials) {
        return new TreeSet<>(trials.stream().map(Trial::distinctPids).toList()).toString();
    }

    private static Trial freshJvm(String what, boolean classData) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ColdStart.class.getName());
        command.add(what);
        if (!classData) {
            command.add(NO_CLASS_DATA);
        }
        for (String option : Pools.workerOptions()) {
            command.add(BenchMain.Options.WORKER_OPTION + option);
        }
        Process proc = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(120, TimeUnit.SECONDS) || proc.exitValue() != 0) {
            proc.destroyForcibly();
            throw new IllegalStateException("cold trial JVM failed (" + what + "):\n" + out);
        }
        String line = out.lines().filter(l -> l.startsWith(MARK)).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("cold trial JVM printed no result:\n" + out));
        String[] f = line.split(" ");
        return new Trial(Double.parseDouble(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
    }
}
