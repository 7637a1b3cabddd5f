package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.internal.launcher.ClassDataArchive;
import dev.procpool.internal.launcher.WorkerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Workers start from a class-data archive that the first pool makes in the background. Each test points the
 * archive folder at a fresh temporary one (the property the build sets for all tests, see the parent pom), so
 * the first pool here always makes it.
 */
@ExtendWith(NoLeakedWorkers.class)
class ClassDataSharingTest {
    private static final String CACHE_PROPERTY = "procpool.internal.classDataCache";
    private String previousCache;

    /** Whether the workers of this JDK get an AOT cache (JDK 25 and later) rather than a dynamic archive. */
    private static final boolean AOT_CACHE = Runtime.version().feature() >= 25;

    /** Whether the worker's JVM maps class data from an archive: the JDK says "sharing" in this property then. */
    record MapsClassData() implements SerializableCallable<Boolean> {
        @Override
        public Boolean call() {
            return System.getProperty("java.vm.info", "").contains("sharing");
        }
    }

    /** The worker's JVM options. */
    record JvmArguments() implements SerializableCallable<List<String>> {
        @Override
        public List<String> call() {
            return List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments());
        }
    }

    @BeforeEach
    void rememberCache() {
        previousCache = System.getProperty(CACHE_PROPERTY);
    }

    @AfterEach
    void restoreCache() {
        if (previousCache == null) {
            System.clearProperty(CACHE_PROPERTY);
        } else {
            System.setProperty(CACHE_PROPERTY, previousCache);
        }
    }

    private static List<Path> archives(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")
                    || f.getFileName().toString().endsWith(".aot")).toList();
        }
    }

    private static boolean startsFromArchive(List<String> jvmArguments) {
        return jvmArguments.stream().anyMatch(arg -> arg.startsWith("-XX:SharedArchiveFile=") || arg.startsWith("-XX:AOTCache="));
    }

    /** The archive kind this JDK's workers get with plain options. */
    private static String expectedSuffix() {
        return AOT_CACHE ? ".aot" : ".jsa";
    }

    @Test
    void firstPoolMakesTheArchive_laterWorkersStartFromIt(@TempDir Path cache) throws Exception {
        System.setProperty(CACHE_PROPERTY, cache.toString());
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            assertFalse(startsFromArchive(pool.submit(new JvmArguments()).get(60, TimeUnit.SECONDS)),
                    "there was no archive when this worker started");
            await().atMost(Duration.ofSeconds(60)).until(() -> archives(cache).size() == 1);
        }
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            List<String> arguments = pool.submit(new JvmArguments()).get(60, TimeUnit.SECONDS);
            assertTrue(startsFromArchive(arguments), arguments.toString());
            assertTrue(archives(cache).get(0).toString().endsWith(expectedSuffix()), archives(cache).toString());
            // a JVM that refuses an AOT cache maps no class data at all, not even the JDK's own archive
            assertTrue(pool.submit(new MapsClassData()).get(60, TimeUnit.SECONDS), "the worker mapped the archive");
            assertEquals(42, pool.submit(() -> 42).get(60, TimeUnit.SECONDS));
        }
        try (var files = Files.list(cache)) {
            assertEquals(archives(cache), files.toList(), "no partial archive or scratch file is left");
        }
    }

    /**
     * A JVM refuses an AOT cache whole when its module options differ from the training's (JDK 25), where it still
     * uses most of a dynamic archive: such workers get the dynamic archive, and map it.
     */
    @Test
    void moduleOptionsOfTheirOwn_workersGetADynamicArchiveAndMapIt(@TempDir Path cache) throws Exception {
        System.setProperty(CACHE_PROPERTY, cache.toString());
        List<String> options = List.of("--add-opens=java.base/java.util=ALL-UNNAMED");
        try (ProcessPoolExecutor pool = Pools.quietPool(1).jvmOptions(options).build()) {
            pool.submit(() -> 1).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> archives(cache).size() == 1);
        }
        assertTrue(archives(cache).get(0).toString().endsWith(".jsa"), archives(cache).toString());
        try (ProcessPoolExecutor pool = Pools.quietPool(1).jvmOptions(options).build()) {
            assertTrue(startsFromArchive(pool.submit(new JvmArguments()).get(60, TimeUnit.SECONDS)));
            assertTrue(pool.submit(new MapsClassData()).get(60, TimeUnit.SECONDS), "the worker mapped the archive");
        }
    }

    /**
     * On JDK 25 the training JVM writes its AOT cache from a child JVM it launches as it exits. A training ended
     * early (a pool that closes before it is done waits 10 s at most) must take that child with it, or the child
     * would outlive the pool.
     */
    @Test
    void aotTrainingEndedWhileItsCacheIsWritten_leavesNoProcess(@TempDir Path cache) throws Exception {
        assumeTrue(AOT_CACHE, "JDK 25 and later make an AOT cache");
        assumeTrue(ProcessHandle.current().info().arguments().isPresent(),
                "the training JVM is found by its arguments, which this OS does not show (Windows)");
        System.setProperty(CACHE_PROPERTY, cache.toString());
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            pool.submit(() -> 1).get(60, TimeUnit.SECONDS);
            ProcessHandle training = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(ClassDataSharingTest::training, Optional::isPresent).get();
            ProcessHandle writer = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> training.children().findFirst(), Optional::isPresent).get();
            Path scratch = Path.of(training.info().arguments().orElseThrow()[training.info().arguments().get().length - 2]);
            assertTrue(Files.isDirectory(scratch), "the training's scratch folder, " + scratch);

            ClassDataArchive.awaitTrainings(Duration.ZERO);

            // its files are gone when the call returns: a JVM may exit right after (its main returned)
            assertFalse(training.isAlive());
            assertFalse(Files.exists(scratch), "the scratch folder was removed");
            try (var files = Files.list(cache)) {
                assertEquals(List.of(), files.toList(), "no cache, partial cache or configuration file is left");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !writer.isAlive());
        }
    }

    /**
     * A pool that closes (or a JVM that exits) just after asking for a training, before the training's JVM has
     * started: that JVM is never started, so none runs on after the pool.
     */
    @Test
    void trainingsEndedBeforeTheTrainingJvmStarted_itNeverStarts(@TempDir Path cache) throws Exception {
        System.setProperty(CACHE_PROPERTY, cache.toString());
        WorkerSpec spec = WorkerSpec.ofCurrentJvm(List.of(), Map.of(), null, (id, stderr, line) -> { })
                .withClassDataSharing(true);
        CompletableFuture<String> outcome = ClassDataArchive.prepare(spec);

        ClassDataArchive.awaitTrainings(Duration.ZERO);

        String said = outcome.get(60, TimeUnit.SECONDS);
        assertFalse(said.startsWith("made"), said);
        assertEquals(Optional.empty(), training(), "a training JVM runs after the trainings were ended");
        assertEquals(List.of(), archives(cache));
    }

    /** This JVM's class-data training JVM, if one runs. */
    private static Optional<ProcessHandle> training() {
        return ProcessHandle.current().children()
                .filter(child -> child.info().arguments().map(List::of).orElse(List.of()).stream()
                        .anyMatch(argument -> argument.endsWith("ClassDataTraining")))
                .findFirst();
    }

    @Test
    void unusableArchive_workerStartsWithoutIt(@TempDir Path cache) throws Exception {
        System.setProperty(CACHE_PROPERTY, cache.toString());
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            pool.submit(() -> 1).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> archives(cache).size() == 1);
        }
        Path archive = archives(cache).get(0);
        archive.toFile().setWritable(true);
        Files.write(archive, new byte[64 << 10]); // zeros: no JVM accepts this as an archive
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            List<String> arguments = pool.submit(new JvmArguments()).get(60, TimeUnit.SECONDS);
            assertTrue(startsFromArchive(arguments), "the worker was pointed at the archive: " + arguments);
            assertEquals(42, pool.submit(() -> 42).get(60, TimeUnit.SECONDS), "and started without it");
        }
    }

    @Test
    void classDataSharingOff_noArchiveIsMadeOrUsed(@TempDir Path cache) throws Exception {
        System.setProperty(CACHE_PROPERTY, cache.toString());
        try (ProcessPoolExecutor pool = Pools.quietPool(1).classDataSharing(false).build()) {
            assertFalse(startsFromArchive(pool.submit(new JvmArguments()).get(60, TimeUnit.SECONDS)));
        }
        assertEquals(List.of(), archives(cache), "closing the pool waited for any training, and there was none");
    }
}
