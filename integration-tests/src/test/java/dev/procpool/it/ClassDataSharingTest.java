package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
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
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers start from a class-data archive that the first pool makes in the background. Each test points the
 * archive folder at a fresh temporary one (the property the build sets for all tests, see the parent pom), so
 * the first pool here always makes it.
 */
@ExtendWith(NoLeakedWorkers.class)
class ClassDataSharingTest {
    private static final String CACHE_PROPERTY = "procpool.internal.classDataCache";
    private String previousCache;

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
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    private static boolean startsFromArchive(List<String> jvmArguments) {
        return jvmArguments.stream().anyMatch(arg -> arg.startsWith("-XX:SharedArchiveFile="));
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
            assertEquals(42, pool.submit(() -> 42).get(60, TimeUnit.SECONDS));
        }
        try (var files = Files.list(cache)) {
            assertEquals(archives(cache), files.toList(), "no partial archive or scratch file is left");
        }
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
