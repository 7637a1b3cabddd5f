package dev.procpool.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side harness: measures procpool (2 workers) the way {@code loky_bench.py} measures loky, optionally
 * runs that script section by section in the same run, and prints one table. Progress goes to stderr, the
 * table to stdout. See benchmarks/README.md for the command and what each row means.
 */
public final class BenchMain {
    /** The sections, in loky_bench.py's order and under its names (so {@code --only} means the same to both). */
    static final List<String> SECTIONS = List.of("cold", "latency", "throughput", "crash", "idle", "payload", "scaling",
            "policies", "firstuse", "shared", "batch", "shipping");
    /** The sections loky_bench.py has; the others measure what only procpool does. */
    static final List<String> LOKY_SECTIONS = SECTIONS.subList(0, 7);

    /** Where sections report progress while they run. */
    @FunctionalInterface
    interface Progress {
        void line(String text);
    }

    @FunctionalInterface
    private interface Section {
        void run(Params p, Report report, Progress progress) throws Exception;
    }

    private static final Map<String, Section> RUNNERS = new LinkedHashMap<>();

    static {
        RUNNERS.put("cold", ColdStart::run);
        RUNNERS.put("latency", RoundTrip::run);
        RUNNERS.put("throughput", Throughput::run);
        RUNNERS.put("crash", Crash::run);
        RUNNERS.put("idle", Idle::run);
        RUNNERS.put("payload", BigPayload::run);
        RUNNERS.put("scaling", Scaling::run);
        RUNNERS.put("policies", Policies::run);
        RUNNERS.put("firstuse", FirstUse::run);
        RUNNERS.put("shared", Shared::run);
        RUNNERS.put("batch", BatchBench::run);
        RUNNERS.put("shipping", Shipping::run);
    }

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        System.exit(run(o) ? 0 : 1);
    }

    private static boolean run(Options o) {
        PrintStream err = System.err;
        Progress progress = text -> {
            err.println("  " + text);
            err.flush();
        };
        Params p = o.quick ? Params.quickRun() : Params.fullRun();
        Pools.useWorkerOptions(o.workerOptions);
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        long t0 = System.nanoTime();
        String loadBefore = ProcFs.loadAverages();

        LokyRunner loky = null;
        LokyResults lokyResults;
        String lokyNote;
        if (!o.withLoky) {
            lokyResults = LokyResults.empty("not run");
            lokyNote = "loky: not run (add --with-loky to run " + o.lokyScript + " in the same run)";
        } else {
            String why = LokyRunner.unavailableBecause(o.python, o.lokyScript);
            if (why != null) {
                lokyResults = LokyResults.empty("skipped");
                lokyNote = "loky: SKIPPED: " + why;
                err.println(lokyNote);
            } else {
                lokyResults = LokyResults.empty("n/a");
                loky = LokyRunner.create(o.python, o.lokyScript, o.quick, err);
                lokyNote = null;
            }
        }

        Report report = new Report();
        List<String> noise = new ArrayList<>();
        boolean ok = true;
        for (String name : o.sections) {
            err.println("[" + name + "]");
            report.heading(name);
            // each of loky's sections runs in a new process; here each starts at least from a collected heap, so
            // that one section's garbage (millions of futures in throughput) does not slow the next one's
            // 100 MB arrays (seen: in-process serialize+deserialize of the array took 285 ms instead of ~40)
            System.gc();
            Noise n = new Noise();
            try {
                RUNNERS.get(name).run(p, report, progress);
            } catch (Exception | Error e) {
                ok = false;
                report.note("  " + name + ": FAILED: " + e);
                e.printStackTrace(err);
            }
            noise.add("  " + name + " (procpool): " + n.done());
            if (loky != null && LOKY_SECTIONS.contains(name)) {
                Noise ln = new Noise();
                try {
                    loky.runSection(name, lokyResults);
                } catch (Exception e) {
                    report.note("  " + name + ": loky FAILED: " + e.getMessage());
                    err.println("loky " + name + " failed: " + e);
                }
                noise.add("  " + name + " (loky):     " + ln.done());
            }
        }

        PrintStream out = System.out;
        out.println();
        out.printf(Locale.ROOT, "# procpool benchmark (%s run, sections %s), started %s%n", o.quick ? "QUICK" : "full",
                String.join(",", o.sections), started);
        out.println(environment());
        if (!o.workerOptions.isEmpty()) {
            out.println("workers' extra JVM options (--worker-option): " + String.join(" ", o.workerOptions));
        }
        if (lokyNote != null) {
            out.println(lokyNote);
        } else {
            out.println("loky: " + lokyResults.version() + ", run section by section right after procpool's;"
                    + " its own tables are in " + loky.workDir());
        }
        out.println("noise: load average before " + loadBefore + ", after " + ProcFs.loadAverages()
                + (o.quick ? "  (QUICK run: small counts, figures are a smoke test only)" : ""));
        out.println();
        out.print(report.render(lokyResults));
        out.println("noise per section (CPU used outside this benchmark's process tree, in cores; 1-min load):");
        noise.forEach(out::println);
        out.printf(Locale.ROOT, "finished in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        out.flush();
        return ok;
    }

    private static String environment() {
        Runtime rt = Runtime.getRuntime();
        return String.format(Locale.ROOT,
                "env: %s %s (%s); workers run the same java; %d cores (%s); %s %s %s; parent max heap %d MiB",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.home"), rt.availableProcessors(), ProcFs.cpuModel(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                rt.maxMemory() >> 20);
    }

    /** The command line. */
    static final class Options {
        static final String USAGE = String.join("\n",
                "usage: BenchMain [--quick] [--only=SECTION,...] [--with-loky] [--loky-script=PATH] [--python=PATH]",
                "                 [--worker-option=OPTION]...",
                "  --quick             small counts: a smoke run (under a minute without loky)",
                "  --only=...          sections to run, of " + String.join(",", SECTIONS) + " (default: all)",
                "  --with-loky         also run loky_bench.py, section by section, and compare (needs python3 with",
                "                      joblib, numpy and psutil; installs nothing, says why when it cannot run)",
                "  --loky-script=PATH  default: <repository>/benchmarks/loky/loky_bench.py",
                "  --python=PATH       default: /usr/bin/python3",
                "  --worker-option=OPTION  a JVM option for every worker of procpool's pools (jvmOptions), one per",
                "                      use: to measure what a flag does, e.g. --worker-option=-XX:TieredStopAtLevel=1");
        static final String WORKER_OPTION = "--worker-option=";

        boolean quick;
        boolean help;
        boolean withLoky;
        List<String> sections = SECTIONS;
        Path lokyScript;
        Path python = Path.of("/usr/bin/python3");
        List<String> workerOptions = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            Path repoRoot = Path.of(System.getProperty("procpool.bench.repoRoot", ".")).toAbsolutePath().normalize();
            o.lokyScript = repoRoot.resolve("benchmarks/loky/loky_bench.py").normalize();
            for (String arg : args) {
                if (arg.isBlank()) {
                    continue;
                }
                if (arg.equals("--quick")) {
                    o.quick = true;
                } else if (arg.equals("--help") || arg.equals("-h")) {
                    o.help = true;
                } else if (arg.equals("--with-loky")) {
                    o.withLoky = true;
                } else if (arg.startsWith("--only=")) {
                    List<String> only = Arrays.asList(arg.substring("--only=".length()).split(","));
                    for (String s : only) {
                        if (!SECTIONS.contains(s)) {
                            throw new IllegalArgumentException("unknown section '" + s + "' in " + arg);
                        }
                    }
                    o.sections = SECTIONS.stream().filter(only::contains).toList();
                } else if (arg.startsWith("--loky-script=")) {
                    o.lokyScript = Path.of(arg.substring("--loky-script=".length())).toAbsolutePath().normalize();
                } else if (arg.startsWith("--python=")) {
                    o.python = Path.of(arg.substring("--python=".length()));
                } else if (arg.startsWith(WORKER_OPTION) && !arg.substring(WORKER_OPTION.length()).isBlank()) {
                    o.workerOptions.add(arg.substring(WORKER_OPTION.length()));
                } else {
                    throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            return o;
        }
    }
}
