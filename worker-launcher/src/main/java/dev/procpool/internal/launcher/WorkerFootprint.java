package dev.procpool.internal.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags that keep an idle worker small, each left out when the user's options already decide the same
 * thing. Measured on JDK 17, 2 CPUs, 2 workers (RSS / RssAnon / PSS of an idle worker, MiB): 59 / 37 / 44 without
 * them, 56 / 24 / 36 with them. Pure functions, any thread.
 * <ul>
 *   <li>a collector, when none is chosen: Serial for a worker that sees one processor (what HotSpot itself picks
 *       there), Parallel for more. A worker runs one task at a time, so it wants throughput and no concurrent
 *       collector threads; G1's remembered sets cost ~2.5 MiB and 4 threads more than either. Choosing it here
 *       also keeps a 1-worker pool (all CPUs: G1 by HotSpot's choice) from differing from a 2-worker one;</li>
 *   <li>{@value #INITIAL_HEAP}: HotSpot's initial heap is 1/64 of the RAM (380 MiB here), and start-up (Chronicle)
 *       touches as much young generation as it is given; the heap grows as tasks need it (-3 MiB);</li>
 *   <li>the class-data archives mapped where they were dumped ({@code ArchiveRelocationMode=0}, the default up
 *       to JDK 19) instead of at a random address: relocation writes to every archived class, which turns ~9 MiB
 *       of shared, file-backed pages into private copies in every worker (RssAnon -9 MiB, PSS -4.5 MiB). The
 *       cost is that the archive's address is not randomised.</li>
 * </ul>
 * Tried and left out, no change within noise: {@code MALLOC_ARENA_MAX=1/2}, {@code TrimNativeHeapInterval},
 * {@code -UsePerfData}, a 48 MiB code cache, {@code -Xms4m -Xmn1m}, and Chronicle's
 * {@code background.releaser=false} (one thread less, same RSS). {@code -XX:TieredStopAtLevel} would save more
 * but takes C2 from tasks.
 */
final class WorkerFootprint {
    static final String INITIAL_HEAP = "-Xms8m";
    static final long INITIAL_HEAP_BYTES = 8L << 20;
    static final String SERIAL_GC = "-XX:+UseSerialGC";
    static final String PARALLEL_GC = "-XX:+UseParallelGC";
    static final List<String> MAP_ARCHIVE_UNRELOCATED = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0");
    /** A collector switched on or off: HotSpot refuses to start with two, and off means the user decides. */
    private static final Pattern COLLECTOR = Pattern.compile(
            "-XX:[+-]Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");
    private static final Pattern MAX_HEAP = Pattern.compile("(?:-Xmx|-XX:MaxHeapSize=)(\\d+)([kKmMgGtT]?)");

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
        if (all.stream().noneMatch(WorkerFootprint::limitsHeapBelowInitial)) {
            flags.add(INITIAL_HEAP);
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

    /** A maximum heap below {@link #INITIAL_HEAP} would make the JVM refuse to start; an unreadable one, maybe. */
    private static boolean limitsHeapBelowInitial(String option) {
        if (!option.startsWith("-Xmx") && !option.startsWith("-XX:MaxHeapSize=")) {
            return false;
        }
        Matcher matcher = MAX_HEAP.matcher(option);
        if (!matcher.matches()) {
            return true;
        }
        int shift = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long value = Long.parseLong(matcher.group(1));
            return value < INITIAL_HEAP_BYTES >> shift;
        } catch (NumberFormatException e) {
            return false; // more digits than a long holds: not below 8 MiB
        }
    }
}
