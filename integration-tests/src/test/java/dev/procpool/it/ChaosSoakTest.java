package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.fixtures.EchoTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks with {@code retries(3)} flow through a pool while its workers are killed at random every 200 ms,
 * starting ones included. Every future ends exactly once, with its value or a {@link WorkerCrashedException};
 * the pool folder's size, the parent's heap after a GC and its open file descriptors stay bounded; afterwards no
 * worker JVM and no pool file is left. About a minute by default; {@code -Dprocpool.soak.seconds=N} runs longer.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ChaosSoakTest {
    private static final int IN_FLIGHT = 64;
    private static final long SAMPLE_PERIOD_MS = 500;

    @Test
    void workersKilledEvery200msForAMinute_everyFutureEndsOnceAndNothingGrows() throws Exception {
        long seconds = Long.getLong("procpool.soak.seconds", 45);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger kills = new AtomicInteger();
        AtomicLong ended = new AtomicLong();
        int capacity = 1_000_000;
        AtomicIntegerArray completions = new AtomicIntegerArray(capacity);
        Samples samples = new Samples();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        long startedNs = System.nanoTime();
        try (ProcessPoolExecutor pool = Pools.quietPool(3).retries(3).build()) {
            Thread killer = Chaos.killer(new Random(42), stop, kills, ended::get);
            Thread sampler = samples.start(stop);
            Semaphore window = new Semaphore(IN_FLIGHT);
            Random random = new Random(1);
            long endNs = startedNs + TimeUnit.SECONDS.toNanos(seconds);
            try {
                for (int i = 0; System.nanoTime() - endNs < 0 && i < capacity; i++) {
                    if (!window.tryAcquire(Pools.WORKER_BOUND.toSeconds() * 4, TimeUnit.SECONDS)) {
                        throw new AssertionError("no task ended for " + Pools.WORKER_BOUND.toSeconds() * 4
                                + " s; " + ended.get() + " ended so far, " + kills.get() + " kills");
                    }
                    int n = i;
                    CompletableFuture<Integer> future = pool.submitAsync(new EchoTask(n, random.nextInt(4)));
                    future.whenComplete((value, error) -> {
                        completions.incrementAndGet(n);
                        ended.incrementAndGet();
                        window.release();
                    });
                    futures.add(future);
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                        .get(Pools.WORKER_BOUND.toSeconds() * 4, TimeUnit.SECONDS);
            } finally {
                stop.set(true);
                killer.join();
                sampler.join();
            }
        }
        long runMs = (System.nanoTime() - startedNs) / 1_000_000;

        int results = 0;
        int crashes = 0;
        for (int i = 0; i < futures.size(); i++) {
            assertEquals(1, completions.get(i), "future " + i + " ended exactly once");
            try {
                assertEquals(i, futures.get(i).join());
                results++;
            } catch (CompletionException e) {
                assertInstanceOf(WorkerCrashedException.class, e.getCause(), "only a crash may fail a task");
                crashes++;
            }
        }
        await("worker JVMs to be gone").atMost(Duration.ofSeconds(10)).until(() -> Chaos.workerProcesses().isEmpty());
        await("the pool's files to be gone").atMost(Duration.ofSeconds(10)).until(() -> NoLeakedWorkers.poolFolders().isEmpty());
        System.out.printf("chaos soak: %d s, %d tasks, %d kills, %d results, %d WorkerCrashedException; "
                        + "max pool folder %.1f MB, max heap after GC %.1f MB (first %.1f MB), max open fds %d (first %d), "
                        + "%d samples%n", runMs / 1000, futures.size(), kills.get(), results, crashes,
                samples.maxDiskBytes / 1e6, samples.maxHeapBytes / 1e6, samples.firstHeapBytes / 1e6,
                samples.maxFds, samples.firstFds, samples.count);

        assertTrue(futures.size() >= 200, "enough tasks ran to tell: " + futures.size());
        assertTrue(kills.get() >= 5, "the chaos killed workers: " + kills.get());
        assertEquals(futures.size(), results + crashes);
        // file lengths, not disk blocks: each live queue's sparse cycle file counts at its mapped length
        assertTrue(samples.maxDiskBytes < 384L << 20, "pool folder stayed under 384 MB: " + samples.maxDiskBytes);
        assertTrue(samples.maxHeapBytes < samples.firstHeapBytes + (128L << 20),
                "heap after GC grew by less than 128 MB: " + samples.firstHeapBytes + " -> " + samples.maxHeapBytes);
        if (samples.firstFds >= 0) {
            assertTrue(samples.maxFds < samples.firstFds + 200, "open fds: " + samples.firstFds + " -> " + samples.maxFds);
        }
    }

    /** What the sampler saw; written by its thread, read after it has been joined. */
    private static final class Samples {
        long maxDiskBytes;
        long firstHeapBytes = -1;
        long maxHeapBytes;
        int firstFds = -1;
        int maxFds = -1;
        int count;

        Thread start(AtomicBoolean stop) {
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    sample();
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SAMPLE_PERIOD_MS));
                }
            }, "soak-sampler");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        private void sample() {
            count++;
            maxDiskBytes = Math.max(maxDiskBytes, poolFolderBytes());
            if (count % 4 == 1) { // a GC every 2 s is enough to see a trend
                System.gc();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                if (firstHeapBytes < 0) {
                    firstHeapBytes = heap;
                }
                maxHeapBytes = Math.max(maxHeapBytes, heap);
            }
            int fds = openFds();
            if (fds >= 0) {
                if (firstFds < 0) {
                    firstFds = fds;
                }
                maxFds = Math.max(maxFds, fds);
            }
        }

        /** Bytes in this JVM's pool folders (file lengths: Chronicle's files are sparse, so an upper bound). */
        private static long poolFolderBytes() {
            long total = 0;
            for (Path folder : NoLeakedWorkers.poolFolders()) {
                try (Stream<Path> tree = Files.walk(folder)) {
                    total += tree.mapToLong(Samples::sizeOrZero).sum();
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a worker's folder removed while walked
                }
            }
            return total;
        }

        private static long sizeOrZero(Path file) {
            try {
                return Files.isRegularFile(file) ? Files.size(file) : 0;
            } catch (IOException e) {
                return 0;
            }
        }

        /** Open file descriptors of this JVM, on Linux; -1 elsewhere. */
        private static int openFds() {
            Path fds = Path.of("/proc/self/fd");
            if (!Files.isDirectory(fds)) {
                return -1;
            }
            try (Stream<Path> entries = Files.list(fds)) {
                return (int) entries.count();
            } catch (IOException | java.io.UncheckedIOException e) {
                return -1;
            }
        }
    }
}
