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
 *       cost is that the archive's address is not randomised;</li>
 *   <li>the C heap trimmed every {@value #TRIM_INTERVAL_MS} ms ({@code TrimNativeHeapInterval}, where the JDK has it
 *       as a product flag): the compiler's arenas of the warm-up (~2.3 MiB by native memory tracking) go back to
 *       glibc within 5 s (HotSpot's chunk-pool cleaner), which keeps them resident; trimmed, an idle worker is
 *       ~2 MiB smaller from ~6 s after its last task on (RSS 60.6-61.8 MiB -> 58.6-59.7 over 4-6 workers each, JDK 17.0.15;
 *       {@code jcmd System.trim_native_heap} then finds nothing left: +0 B). The harness reads RSS 1 s after the
 *       warm-up, before the cleaner has run, so its figure does not move; an earlier "no change" was read there.
 *       One thread more, asleep between trims. Same build, workers with and without it, three interleaved harness
 *       runs each: one submit per task 121.8/105.4/92.6 k/s without, 163.4/105.9/111.8 with; round trip median
 *       31.2/24.5/28.7 us without, 20.5/29.2/19.3 with; map 4.8-5.2 M/s without, 5.5-6.9 with.</li>
 *   <li>a young generation of at most {@value #MAX_YOUNG} ({@code MaxNewSize}), with that collector, when the user's
 *       options size no part of the heap. HotSpot gives the young generation a third of the initial heap (1/64 of
 *       the machine's memory: 128 MiB on 24 GiB), and every page of it a worker has allocated in stays resident for
 *       good, as Serial and Parallel give none back: a worker's RSS grew with the tasks it ran until its eden was
 *       full: 175-192 MiB after 100,000 small tasks each (RssAnon 117-133 MiB; harness {@code idle}, 2 workers, 3
 *       alternating runs). Capped, the same workers stay at 126-133 MiB
 *       (RssAnon 68-75; the 27 MiB more file pages than a new worker's are mostly the current cycle's queue
 *       files, mapped by the parent too, reclaimable, released once traffic moves on to the next cycle), and a new
 *       idle worker is unchanged (60 MiB). loky's
 *       workers stayed at 50.4 MiB after as many tasks. A 16 MiB cap saved ~15 MiB more
 *       but cost {@code map} and
 *       {@code batch} over 2,000,000 inputs 20-25 % (harness, 5 alternating runs each, medians: map 17.7 / 13.9 /
 *       17.7 M/s default / 16 MiB / 32 MiB, batch 19.3 / 14.4 / 18.3, automatic chunks 14.2 / 13.5 / 13.6, one
 *       submit per task 276 / 248 / 282 k/s). A task whose temporary data outgrows the young generation gets it
 *       copied into the old one; a user who sizes the heap ({@code -Xmx} and the like) gets HotSpot's sizing.</li>
 * </ul>
 * Where an idle worker's ~60 MiB RSS is (JDK 17.0.15, Serial, {@code /proc/<pid>/smaps}): libjvm 15 MiB and the
 * two class-data archives 20 MiB (JDK 12, procpool's 8; their read-only parts fully mapped, their read-write parts
 * 94 % copied on write by class linking), eden 8.5 MiB (everything the worker allocates before its first
 * collection: Chronicle's start-up alone builds ~2,000 {@code Locale}s through CLDR when its {@code Wires} class
 * makes a date format), malloc arenas ~6 MiB, code cache 2.5 MiB, 17 thread stacks (18 with the trimmer) ~1.5 MiB.
 * <p>
 * Tried and left out: {@code -Xms8m} (-3 MiB idle): with the Serial collector the heap then grows only as far as
 * each collection leaves 40 % free, and {@code map} over 2,000,000 inputs (chunks of 250,000) spent 1.18 s in 76-84
 * collections per worker over 8 runs instead of 70 ms in 4-5, which made it up to 2.5x slower. {@code -XX:NewSize=4m}
 * or {@code 6m} alone (-1.3 MiB): Serial's young generation does not grow back after its first collections (it
 * stayed at 3.7 MiB, the {@code -Xms8m} problem again) and each start-up collection took 4-10 ms.
 * One static archive of exactly the classes a worker loads ({@code -XX:DumpLoadedClassList} of the training run,
 * then {@code -Xshare:dump}, in place of the JDK's archive plus procpool's dynamic one): its mapped regions are 18.6
 * MiB against the 20 MiB resident now, and it would drop the JDK's default class list that users' tasks also load
 * from. G1 with {@code G1PeriodicGCInterval=3000}: idle RSS rose to 64-66 MiB. No change within noise:
 * {@code MALLOC_ARENA_MAX=1/2}, {@code MALLOC_TRIM_THRESHOLD_=65536} (read at 1 s),
 * {@code -UsePerfData}, a 48 MiB code cache, {@code -Xms4m -Xmn1m}, and Chronicle's
 * {@code background.releaser=false} (one thread less, same RSS). {@code -XX:TieredStopAtLevel} would save more
 * but takes C2 from tasks.
 */
final class WorkerFootprint {
    static final String SERIAL_GC = "-XX:+UseSerialGC";
    static final String PARALLEL_GC = "-XX:+UseParallelGC";
    static final String MAX_YOUNG = "32m";
    static final String MAX_YOUNG_FLAG = "-XX:MaxNewSize=" + MAX_YOUNG;
    /** Options that size the heap or a part of it: the user's sizing then decides the young generation too. */
    private static final Pattern HEAP_SIZING = Pattern.compile(
            "-Xm[xsn].*|-XX:(Max|Initial|Min)?HeapSize=.*|-XX:(Max)?NewSize=.*|-XX:NewRatio=.*"
                    + "|-XX:(Max|Min|Initial)RAM(Percentage|Fraction)?=.*");
    static final List<String> MAP_ARCHIVE_UNRELOCATED = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0");
    /** How often HotSpot gives the C heap's free pages back to the OS ({@code malloc_trim}); see {@link #trimsNativeHeap}. */
    static final long TRIM_INTERVAL_MS = 5000;
    static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=" + TRIM_INTERVAL_MS;
    /**
     * Where the C library cannot trim (musl), HotSpot switches trimming off with a warning on stdout, which would be
     * a line in every worker's output; a user's own {@code -Xlog:trimnative} comes later and wins.
     */
    static final String TRIM_LOG_OFF = "-Xlog:trimnative=off";
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
     * @param trimNativeHeap  whether the worker's JVM has {@code TrimNativeHeapInterval} as a product flag and a C
     *                        library it works with ({@link #trimsNativeHeap})
     */
    static List<String> options(List<String> userOptions, String launcherOptions, int processors,
                                boolean trimNativeHeap) {
        List<String> all = WorkerCommand.allOptions(userOptions, launcherOptions);
        List<String> flags = new ArrayList<>();
        if (all.stream().noneMatch(option -> COLLECTOR.matcher(option).matches())) {
            flags.add(processors <= 1 ? SERIAL_GC : PARALLEL_GC);
            if (all.stream().noneMatch(option -> HEAP_SIZING.matcher(option).matches())) {
                flags.add(MAX_YOUNG_FLAG);
            }
        }
        if (all.stream().noneMatch(option -> option.contains("ArchiveRelocationMode"))) {
            flags.addAll(MAP_ARCHIVE_UNRELOCATED);
        }
        if (trimNativeHeap && all.stream().noneMatch(option -> option.contains("TrimNativeHeapInterval"))) {
            flags.add(TRIM_NATIVE_HEAP);
            flags.add(TRIM_LOG_OFF);
        }
        return flags;
    }

    /**
     * Whether a worker running {@code version} on {@code os} may be given {@link #TRIM_NATIVE_HEAP}: glibc's Linux
     * only (elsewhere HotSpot would print a warning into the worker's output), and a JDK where the flag is a product
     * flag (17.0.11, 21.0.3, 22.0.1, 23 and later; 17.0.9 and 21.0.1 have it as an experimental one, JDK 18 to 20
     * not at all, and an unknown flag stops the JVM from starting).
     */
    static boolean trimsNativeHeap(Platform.Os os, Runtime.Version version) {
        if (os != Platform.Os.LINUX) {
            return false;
        }
        return switch (version.feature()) {
            case 17 -> version.update() >= 11;
            case 18, 19, 20 -> false;
            case 21 -> version.update() >= 3;
            case 22 -> version.update() >= 1;
            default -> version.feature() > 22;
        };
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
