package dev.procpool.internal.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The JVM flags that keep an idle worker small, each left out when the user's options already decide the same
 * thing. Measured on JDK 17, 2 CPUs, 2 workers (RSS / RssAnon / PSS of an idle worker, MiB): 59 / 37 / 44 without
 * them, 56 / 24 / 36 with them and {@code -Xms8m} (which is no longer among them, see below). Pure functions, any
 * thread.
 * <ul>
 *   <li>a collector, when none is chosen: Serial for a worker that sees one processor (what HotSpot itself picks
 *       there), Parallel for more. A worker runs one task at a time, so it wants throughput and no concurrent
 *       collector threads; G1's remembered sets cost ~2.5 MiB and 4 threads more than either. Choosing it here
 *       also keeps a 1-worker pool (all CPUs: G1 by HotSpot's choice) from differing from a 2-worker one;</li>
 *   <li>the class-data archives mapped where they were dumped ({@code ArchiveRelocationMode=0}, the default up
 *       to JDK 19) instead of at a random address: relocation writes to every archived class, which turns ~9 MiB
 *       of shared, file-backed pages into private copies in every worker (RssAnon -9 MiB, PSS -4.5 MiB). The
 *       cost is that the archive's address is not randomised.</li>
 * </ul>
 * Tried and left out: {@code -Xms8m} (-3 MiB idle): with the Serial collector the heap then grows only as far as
 * each collection leaves 40 % free, and {@code map} over 2,000,000 inputs (chunks of 250,000) spent 1.18 s in 76-84
 * collections per worker over 8 runs instead of 70 ms in 4-5, which made it up to 2.5x slower. No change within
 * noise: {@code MALLOC_ARENA_MAX=1/2}, {@code TrimNativeHeapInterval},
 * {@code -UsePerfData}, a 48 MiB code cache, {@code -Xms4m -Xmn1m}, and Chronicle's
 * {@code background.releaser=false} (one thread less, same RSS). {@code -XX:TieredStopAtLevel} would save more
 * but takes C2 from tasks.
 */
final class WorkerFootprint {
    static final String SERIAL_GC = "-XX:+UseSerialGC";
    static final String PARALLEL_GC = "-XX:+UseParallelGC";
    static final List<String> MAP_ARCHIVE_UNRELOCATED = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0");
    /** A collector switched on or off: HotSpot refuses to start with two, and off means the user decides. */
    private static final Pattern COLLECTOR = Pattern.compile(
            "-XX:[+-]Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");

    private WorkerFootprint() {
    }

    /**
     * The flags to put before the user's options.
     *
     * @param userOptions     the worker's options that come after these (the user's, and procpool's per-pool ones)
     * @param launcherOptions what the worker's {@code java} launcher also reads from its environment
     *                        ({@code JDK_JAVA_OPTIONS}, {@code JAVA_TOOL_OPTIONS}), or empty
     * @param processors      how many processors the worker sees
     */
    static List<String> options(List<String> userOptions, String launcherOptions, int processors) {
        List<String> all = new ArrayList<>(userOptions);
        all.addAll(List.of(launcherOptions.trim().split("\\s+")));
        List<String> flags = new ArrayList<>();
        if (all.stream().noneMatch(option -> COLLECTOR.matcher(option).matches())) {
            flags.add(processors <= 1 ? SERIAL_GC : PARALLEL_GC);
        }
        if (all.stream().noneMatch(option -> option.contains("ArchiveRelocationMode"))) {
            flags.addAll(MAP_ARCHIVE_UNRELOCATED);
        }
        return flags;
    }

    /** The processor count a worker with these options sees: the last {@code ActiveProcessorCount}, else {@code cpus}. */
    static int processors(List<String> options, int cpus) {
        int processors = cpus;
        for (String option : options) {
            if (option.startsWith("-XX:ActiveProcessorCount=")) {
                try {
                    processors = Integer.parseInt(option.substring("-XX:ActiveProcessorCount=".length()));
                } catch (NumberFormatException e) {
                    // the worker's JVM says what is wrong with it
                }
            }
        }
        return processors;
    }
}
