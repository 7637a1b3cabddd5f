package dev.procpool.internal.launcher;

import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.ChronicleFlags;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A class-data-sharing archive of the classes every worker loads while it starts (Chronicle's and
 * procpool's), made once per JDK and set of jars and kept in the user's cache folder: a worker that maps it
 * instead of loading and verifying those classes from the jars reaches its handshake a few hundred ms sooner.
 * A short training JVM ({@code ClassDataTraining}) makes it with {@code -XX:ArchiveClassesAtExit}. Its class
 * path holds only the jars of those classes, and a worker's class path starts with the same jars, because the
 * JVM accepts an archive only when the class path it was made with begins the worker's. Any mismatch the JVM
 * finds later (another JDK build, changed jars) makes it start without the archive, silently. An archive or
 * cache folder another user owns or can write is never used (see {@link CacheTrust}); the folder is created
 * owner-only.
 * <p>
 * On JDK 25 and later it is an AOT cache instead ({@code -XX:AOTCacheOutput}, JEP 483/514/515): besides the
 * classes, loaded and linked ahead, it holds the method profiles of a worker's task path, which the training gets by
 * running a worker's own task loop over 20,000 tasks. A new worker's JIT then compiles that path with them from its
 * first tasks on, instead of profiling it first on the cores the tasks use. Measured with the harness's
 * {@code firstuse} section on JDK 25 (2 CPUs, 2 workers, 3 alternating runs of 3 new pools each, a {@code Callable}
 * class): the p99 of a {@code Callable} class after 3,000 calls was 73-88 us against 301-2,668 us with the dynamic
 * archive; of a new pool's first 5,000 round trips 1,320 us (180-3,991) against 1,481 us (295-3,032), 4 pools of 9
 * under 610 us against 1, their median 29 against 31 us. A new JVM's first result did not change (311-317 against
 * 321-382 ms, 2 runs of 11). An AOT cache is refused whole by a JVM whose module options or compressed
 * pointers differ from the training's, where a dynamic archive is only partly used; workers whose options differ
 * in such a way ({@link #fitsAotCache}) get the dynamic archive on JDK 25 too. Thread-safe.
 */
public final class ClassDataArchive {
    /** A class from each jar the workers load classes from while starting. */
    private static final List<String> MARKER_CLASSES = WorkerClassPath.RUNTIME_CLASSES;
    /** Options with which the user chose class-data sharing (or none) for the workers themselves. */
    private static final List<String> USER_CDS_OPTIONS = List.of("-Xshare", "-XX:SharedArchiveFile",
            "-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:AOTCache", "-XX:AOTMode",
            "-XX:AOTCacheOutput", "-XX:AOTConfiguration");
    /** Internal, for tests: where archives go instead of the user's cache folder. */
    static final String CACHE_PROPERTY = "procpool.internal.classDataCache";
    static final String TRAINING_MAIN = "dev.procpool.internal.worker.ClassDataTraining";
    /** {@code ClassDataTraining}'s argument that makes it run the task loop for method profiles. */
    static final String PROFILE_ARGUMENT = "profile";
    static final String JSA_SUFFIX = ".jsa";
    static final String AOT_SUFFIX = ".aot";
    private static final long TRAINING_TIMEOUT_S = 60;
    /** How long {@link #awaitTrainings} waits for an ended training's thread to remove its files. */
    private static final Duration CLEAN_UP_WAIT = Duration.ofSeconds(5);
    private static final Duration UNUSED_FOR = Duration.ofDays(30);
    /** The first JDK whose AOT cache holds method profiles (JEP 515) and is made in one run (JEP 514). */
    static final int AOT_CACHE_FROM_JDK = 25;
    /**
     * Worker options with which the JVM refuses an AOT cache made without them, or which may change what it loads:
     * module options (the archived module graph must match), agents, the boot class path, another class loader for
     * the application, and pointer layouts or collectors that cannot use the cache's heap objects (JDK 25).
     */
    private static final Pattern AOT_MISFITS = Pattern.compile("--.*|-javaagent:.*|-agent(lib|path):.*"
            + "|-Xbootclasspath.*|-XX:[+-]UseCompressed(Oops|ClassPointers)|-XX:[+-]UseCompactObjectHeaders"
            + "|-XX:\\+Use(Z|Shenandoah|Epsilon)GC|-Djava\\.system\\.class\\.loader=.*");
    /** A largest heap set this way turns compressed pointers off at 32 GiB or more. */
    private static final Pattern MAX_HEAP = Pattern.compile("(?:-Xmx|-XX:MaxHeapSize=)(\\d+)([kKmMgGtT]?)");

    private static final ConcurrentHashMap<Path, Training> TRAININGS = new ConcurrentHashMap<>();
    /** Plans by the workers' {@code java}, the cache folder, and the kind of archive (true: an AOT cache). */
    private static final ConcurrentHashMap<List<Object>, Plan> PLANS = new ConcurrentHashMap<>();
    /** Cache folders refused once already: the warning is not repeated for every worker. */
    private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

    private ClassDataArchive() {
    }

    /**
     * Where a worker's archive is, the class path it was made with, and whether it is an AOT cache (else a dynamic
     * archive); or why there is none.
     */
    record Plan(Path archive, String classPathPrefix, boolean aotCache, String whyNot) {
        static Plan none(String why) {
            return new Plan(null, null, false, why);
        }
    }

    /** The archive {@code spec}'s workers can start from now, or null. */
    static Plan ready(WorkerSpec spec) {
        return usable(plan(spec));
    }

    /** {@code plan} when its archive exists and may be trusted, or null (with one warning per cache folder). */
    static Plan usable(Plan plan) {
        if (plan.archive() == null || !Files.isRegularFile(plan.archive())) {
            return null;
        }
        return whyNotTrusted(plan.archive()) == null ? plan : null;
    }

    /**
     * Why the archive (or, before one is made, its folder) must not be used: someone else owns it or can write it,
     * and could change the code every worker runs. Warns once per folder; null when it may be used.
     */
    private static String whyNotTrusted(Path file) {
        Path folder = file.getParent();
        String why = CacheTrust.whyNotTrusted(folder);
        if (why == null && Files.exists(file)) {
            why = CacheTrust.whyNotTrusted(file);
        }
        if (why != null && WARNED.add(folder)) {
            // A pool's first worker is started while another thread initializes SLF4J, which holds this lock
            // meanwhile: waiting for it keeps SLF4J from queueing this call and warning on stderr that it replayed it.
            synchronized (LoggerFactory.class) {
                LoggerFactory.getILoggerFactory();
            }
            LoggerFactory.getLogger("dev.procpool.pool") /* the pool's public logger name, not this class's */.warn("procpool: workers start without the class-data"
                    + " archive in {}, which could let another user change the code they run: {}. Remove it, or"
                    + " make it yours and writable by you alone (chmod go-w)", folder, why);
        }
        return why;
    }

    /** The options that make a worker start from {@code plan}'s archive. */
    static List<String> workerOptions(Plan plan) {
        if (plan.aotCache()) {
            // no -Xshare: HotSpot refuses it beside the AOT options
            return List.of("-Xlog:cds=off", "-Xlog:aot=off", "-XX:AOTCache=" + plan.archive());
        }
        List<String> options = new ArrayList<>(silenced());
        options.add("-XX:SharedArchiveFile=" + plan.archive());
        return options;
    }

    /** A worker's class path when it starts from {@code plan}'s archive: the archive's jars come first. */
    static String workerClassPath(Plan plan, String classPath) {
        return classPath.isEmpty() ? plan.classPathPrefix() : plan.classPathPrefix() + File.pathSeparator + classPath;
    }

    /** True when {@code spec}'s workers could start from an archive that has not been made yet. */
    public static boolean missing(WorkerSpec spec) {
        Plan plan = plan(spec);
        return plan.archive() != null && !Files.exists(plan.archive());
    }

    /**
     * Makes the archive for {@code spec}'s workers in the background, once per JVM, unless it exists or cannot
     * be made. Completes with a sentence saying what happened, for a debug log; never exceptionally.
     */
    public static CompletableFuture<String> prepare(WorkerSpec spec) {
        Plan plan = plan(spec);
        if (plan.archive() == null) {
            return CompletableFuture.completedFuture("workers start without a class-data archive: " + plan.whyNot());
        }
        if (Files.isRegularFile(plan.archive())) {
            String untrusted = whyNotTrusted(plan.archive());
            if (untrusted != null) {
                return CompletableFuture.completedFuture("workers start without a class-data archive: " + untrusted);
            }
            try {
                Files.setLastModifiedTime(plan.archive(), FileTime.from(Instant.now())); // in use: not to be pruned
                removeUnused(plan.archive().getParent());
            } catch (IOException | RuntimeException ignored) {
                // tidying only
            }
            return CompletableFuture.completedFuture("workers start from the class-data archive " + plan.archive());
        }
        return TRAININGS.computeIfAbsent(plan.archive(), archive -> {
            Training training = new Training();
            Thread thread = new Thread(() -> {
                try {
                    training.outcome.complete(train(spec, plan, training));
                } finally {
                    training.started.complete(null);
                }
            }, "procpool-class-data");
            thread.setDaemon(true);
            thread.start();
            return training;
        }).outcome;
    }

    /**
     * One training: its JVM once started, and whether {@link #awaitTrainings} has ended it, so that a training
     * whose JVM was not started yet when its pool closed does not start it after.
     */
    private static final class Training {
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        /** Completes once the training's JVM has started, or the training is over without one. */
        final CompletableFuture<Void> started = new CompletableFuture<>();
        /** Guarded by this. */
        private Process process;
        /** Guarded by this: no JVM may start any more. */
        private boolean ended;

        /** Starts the training's JVM, unless {@link #awaitTrainings} ended the training first; then null. */
        synchronized Process start(ProcessBuilder builder) throws IOException {
            if (ended) {
                return null;
            }
            process = builder.start();
            started.complete(null);
            return process;
        }

        /** No JVM may start from now on; returns the one that did, if any. */
        synchronized Process end() {
            ended = true;
            return process;
        }
    }

    /**
     * Waits up to {@code bound} for trainings still running (and for one whose JVM is about to start), then ends
     * them, so that none starts a JVM after this returns, and waits up to
     * {@link #CLEAN_UP_WAIT} more for each to have removed its scratch folder and partial archive: a pool leaves no
     * process behind, and a JVM that exits right after (its {@code main} returned once the pool was closed) no
     * files. The training's own thread removes them, a daemon thread that the JVM's exit would stop halfway.
     */
    public static void awaitTrainings(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        for (Training training : TRAININGS.values()) {
            interrupted |= !BoundedWait.until(training.started, deadline); // not started by then: it will not start
            Process process = training.end();
            if (process == null) {
                continue;
            }
            try {
                long left = deadline - System.nanoTime();
                if (interrupted || left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    destroyWithDescendants(process);
                }
            } catch (InterruptedException e) {
                destroyWithDescendants(process);
                interrupted = true;
            }
        }
        long cleanUpDeadline = System.nanoTime() + CLEAN_UP_WAIT.toNanos();
        for (Training training : TRAININGS.values()) {
            // one not over by then leaves its files to the next training's tidying (removeUnused)
            interrupted |= !BoundedWait.until(training.outcome, cleanUpDeadline);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends a training JVM and what it started: on JDK 25 it writes the AOT cache from a child JVM it launches as it
     * exits, which would outlive it.
     */
    private static void destroyWithDescendants(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /**
     * All of a training JVM's output, of which the last 16 KiB are kept: it must be read to the end, or a JVM that
     * writes more than the pipe holds would wait for a reader until the timeout.
     */
    private static String tail(InputStream in) throws IOException {
        byte[] kept = new byte[16 << 10];
        byte[] buffer = new byte[8 << 10];
        int length = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            if (length + read > kept.length) {
                int drop = Math.min(length, length + read - kept.length);
                System.arraycopy(kept, drop, kept, 0, length - drop);
                length -= drop;
            }
            int from = Math.max(0, read - kept.length);
            System.arraycopy(buffer, from, kept, length, read - from);
            length += read - from;
        }
        return new String(kept, 0, length, StandardCharsets.UTF_8);
    }

    static Plan plan(WorkerSpec spec) {
        if (!spec.classDataSharing()) {
            return Plan.none("class-data sharing is off");
        }
        if (!spec.modulePath().isEmpty()) {
            return Plan.none("the workers use a module path");
        }
        for (String option : spec.jvmOptions()) {
            for (String cds : USER_CDS_OPTIONS) {
                if (option.startsWith(cds)) {
                    return Plan.none("the pool's jvmOptions choose class-data sharing themselves (" + option + ")");
                }
            }
        }
        Path cache = cacheFolder();
        if (cache == null) {
            return Plan.none("there is no user cache folder to keep it in");
        }
        boolean aotCache = spec.javaFeatureVersion() >= AOT_CACHE_FROM_JDK
                && fitsAotCache(spec.jvmOptions(), WorkerCommand.launcherOptions(spec));
        // once per java, folder and kind: every worker's launch asks, and the jars do not change under a running JVM
        // a list, not a record: a record's first hashCode in a JVM bootstraps ObjectMethods, 20 ms of a new
        // parent JVM's first result (cold start, 3 alternating pairs: 255-265 -> 267-289 ms with a record key)
        Path java = spec.javaExecutable().toAbsolutePath();
        return PLANS.computeIfAbsent(List.of(java, cache, aotCache), key -> archivePlan(java, cache, aotCache));
    }

    /**
     * Whether a worker with these options (its own, and those its launcher reads from the environment) can use an
     * AOT cache made by a training JVM without them: none of {@link #AOT_MISFITS}, and no largest heap of 32 GiB or
     * more. A heap that large chosen another way (a percentage of a large machine's memory) is not seen here; the
     * worker then starts without class-data sharing, as it would with a dynamic archive.
     */
    static boolean fitsAotCache(List<String> options, String launcherOptions) {
        for (String option : WorkerCommand.allOptions(options, launcherOptions)) {
            if (AOT_MISFITS.matcher(option).matches()) {
                return false;
            }
            Matcher heap = MAX_HEAP.matcher(option);
            if (heap.matches() && bytes(heap.group(1), heap.group(2)) >= 32L << 30) {
                return false;
            }
        }
        return true;
    }

    private static long bytes(String digits, String unit) {
        int shift = switch (unit.toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long value = Long.parseLong(digits);
            return value > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : value << shift;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Plan archivePlan(Path java, Path cache, boolean aotCache) {
        Set<Path> jars = new LinkedHashSet<>();
        for (String name : MARKER_CLASSES) {
            Path jar = jarOf(name);
            if (jar == null) {
                return Plan.none(name + " is not loaded from a jar");
            }
            jars.add(jar);
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, java.toString());
            update(digest, System.getProperty("java.vm.version", ""));
            update(digest, jdkStamp(java));
            for (Path jar : jars) {
                update(digest, jar + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar));
            }
            String key = HexFormat.of().formatHex(digest.digest(), 0, 12);
            List<String> prefix = jars.stream().map(Path::toString).toList();
            return new Plan(cache.resolve("worker-" + key + (aotCache ? AOT_SUFFIX : JSA_SUFFIX)),
                    String.join(File.pathSeparator, prefix), aotCache, null);
        } catch (IOException | NoSuchAlgorithmException e) {
            return Plan.none("its key could not be computed: " + e);
        }
    }

    /** Where HotSpot keeps its base archives, under {@code lib}: per VM, with and without compressed oops/headers. */
    private static final List<String> BASE_ARCHIVES = List.of("server/classes.jsa", "server/classes_nocoops.jsa",
            "server/classes_coh.jsa", "server/classes_nocoops_coh.jsa", "client/classes.jsa", "client/classes_nocoops.jsa",
            "minimal/classes.jsa");

    /**
     * When the JDK files a worker's archive depends on were last changed: its class image, and its base archives
     * ({@link #BASE_ARCHIVES}). A dynamic archive records the checksum of the base archive it was made on, and a
     * JVM silently ignores it once the base is regenerated ({@code java -Xshare:dump}, a JDK update in place), so a
     * new base must give a new archive, not one that every worker rejects. Fixed names rather than a listing with a
     * glob: in a fresh parent JVM the glob, its regex and a lambda took 25-50 ms of the first worker's start, these 1-2 ms.
     */
    static String jdkStamp(Path java) throws IOException {
        Path lib = java.toAbsolutePath().getParent().resolveSibling("lib");
        Path modules = lib.resolve("modules");
        StringBuilder stamp = new StringBuilder(Files.exists(modules) ? Files.getLastModifiedTime(modules).toString() : "-");
        for (String name : BASE_ARCHIVES) {
            Path archive = lib.resolve(name);
            if (Files.isRegularFile(archive)) {
                stamp.append('|').append(name).append('|').append(Files.size(archive)).append('|')
                        .append(Files.getLastModifiedTime(archive).toMillis());
            }
        }
        return stamp.toString();
    }

    private static String train(WorkerSpec spec, Plan plan, Training training) {
        Path scratch = null;
        Path partial = null;
        try {
            CacheTrust.createFolder(plan.archive().getParent());
            String untrusted = whyNotTrusted(plan.archive());
            if (untrusted != null) {
                return "no class-data archive made for the workers: " + untrusted;
            }
            removeUnused(plan.archive().getParent());
            scratch = Files.createTempDirectory("procpool-class-data-");
            partial = plan.archive().resolveSibling(plan.archive().getFileName() + ".tmp-" + ProcessHandle.current().pid()
                    + "-" + System.nanoTime());
            List<String> command = new ArrayList<>();
            command.add(spec.javaExecutable().toString());
            command.addAll(ChronicleFlags.forJavaVersion(spec.javaFeatureVersion()));
            if (plan.aotCache()) {
                // errors only: the JVM warns about every class it leaves out of the cache (JFR's events, proxies)
                command.addAll(List.of("-Xlog:cds=off", "-Xlog:aot=error", "-XX:AOTCacheOutput=" + partial));
            } else {
                command.addAll(silenced());
                command.add("-XX:ArchiveClassesAtExit=" + partial);
            }
            command.add("-cp");
            command.add(plan.classPathPrefix());
            command.add(TRAINING_MAIN);
            command.add(scratch.toString());
            if (plan.aotCache()) {
                command.add(PROFILE_ARGUMENT);
            }
            long started = System.nanoTime();
            Process process = training.start(new ProcessBuilder(command).redirectErrorStream(true));
            if (process == null) {
                return "no class-data archive made: the pool that asked for it closed before its training started";
            }
            String output;
            try (InputStream in = process.getInputStream()) {
                output = tail(in);
                if (!process.waitFor(TRAINING_TIMEOUT_S, TimeUnit.SECONDS)) {
                    destroyWithDescendants(process);
                    return "the class-data training JVM did not finish in " + TRAINING_TIMEOUT_S + " s; workers start without an archive";
                }
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(partial)) {
                return "the class-data training JVM exited with code " + process.exitValue()
                        + " and no archive; workers start without one. Its output: " + output.strip();
            }
            Files.move(partial, plan.archive(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return "made the class-data archive " + plan.archive() + " in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms; workers started from now on use it";
        } catch (IOException | RuntimeException e) {
            return "could not make a class-data archive for the workers: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while making a class-data archive";
        } finally {
            deleteQuietly(partial);
            if (partial != null) {
                deleteQuietly(partial.resolveSibling(partial.getFileName() + ".config")); // an AOT training's, if it stopped early
            }
            if (scratch != null) {
                FileTrees.deleteTree(scratch);
            }
        }
    }

    /**
     * Archives no pool has used for {@link #UNUSED_FOR} (their jars or JDK are likely gone), and partial ones a
     * parent killed during a training left.
     */
    private static void removeUnused(Path folder) throws IOException {
        Instant staleArchive = Instant.now().minus(UNUSED_FOR);
        Instant stalePartial = Instant.now().minus(Duration.ofHours(1));
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                FileTime modified = Files.getLastModifiedTime(file);
                boolean partial = name.contains(JSA_SUFFIX + ".tmp-") || name.contains(AOT_SUFFIX + ".tmp-");
                boolean archive = name.endsWith(JSA_SUFFIX) || name.endsWith(AOT_SUFFIX);
                if ((!partial && archive && modified.toInstant().isBefore(staleArchive))
                        || (partial && (modified.toInstant().isBefore(stalePartial) || !makerAlive(name)))) {
                    deleteQuietly(file);
                }
            }
        }
    }

    /** Whether the JVM that named a partial archive {@code <archive>.tmp-<pid>-<n>} still runs. */
    static boolean makerAlive(String partialName) {
        try {
            String afterTmp = partialName.substring(partialName.lastIndexOf(".tmp-") + 5);
            long pid = Long.parseLong(afterTmp.substring(0, afterTmp.indexOf('-')));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The JVM's own reports on archives it cannot use would land in the worker's output. */
    private static List<String> silenced() {
        return List.of("-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    private static Path cacheFolder() {
        String override = System.getProperty(CACHE_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        Path base = Platform.cacheDirectory(Platform.current(), System::getenv, System.getProperty("user.home"));
        return base == null ? null : base.resolve("class-data");
    }

    /** The jar a class comes from, as a plain file: extracted first when it is nested in another jar. */
    private static Path jarOf(String className) {
        try {
            return WorkerClassPath.plainJarOf(className, ClassDataArchive.class.getClassLoader());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            file.toFile().setWritable(true); // the JVM writes archives read-only, which Windows will not delete
            Files.deleteIfExists(file);
        } catch (IOException | SecurityException ignored) {
            // a later training removes it
        }
    }
}
