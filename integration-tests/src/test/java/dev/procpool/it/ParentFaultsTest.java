package dev.procpool.it;

import dev.procpool.it.fixtures.PoolParentMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * However the parent JVM ends, the pool's files go with it: a SIGTERM while every worker is busy, a kill -9
 * while the pool is still being built. Each parent gets a temp folder of its own, so that no other pool's sweep
 * of dead JVMs' folders can clean up for it: what is gone, its own workers removed.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(300)
class ParentFaultsTest {
    /**
     * Generous for a busy machine: a worker still booting notices its parent's death only once it runs, and
     * removes its folder once its start-up has stopped filling it.
     */
    private static final Duration CLEANUP_BOUND = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void parentEndedBySigtermWithFourBusyWorkers_workersAndPoolFolderAreGone() throws Exception {
        Path parentTemp = Files.createDirectory(temp.resolve("tmp"));
        Path output = temp.resolve("parent.out");
        Process parent = start(parentTemp, output, "busy", "4");
        try {
            await("the pool parent's four workers to be busy").atMost(Pools.WORKER_BOUND.multipliedBy(2))
                    .until(() -> read(output).contains("BUSY") || !parent.isAlive());
            assertTrue(parent.isAlive(), "the pool parent died: " + read(output));
            List<ProcessHandle> workers = workersOf(parentTemp);
            assertEquals(4, workers.size(), "worker JVMs of the parent");

            long endedAt = System.nanoTime();
            parent.destroy(); // SIGTERM on Unix
            assertTrue(parent.waitFor(60, TimeUnit.SECONDS), "the parent JVM ended");
            await("the workers to exit").atMost(CLEANUP_BOUND).until(() -> workers.stream().noneMatch(ProcessHandle::isAlive));
            await("the pool folder to go").atMost(CLEANUP_BOUND).pollInterval(Duration.ofMillis(20))
                    .until(() -> poolFiles(parent.pid(), parentTemp).isEmpty());
            System.out.printf("SIGTERM with 4 busy workers: files gone %d ms after the signal%n",
                    (System.nanoTime() - endedAt) / 1_000_000);
        } finally {
            parent.destroyForcibly();
            parent.waitFor();
        }
    }

    /**
     * Killed at a chosen point once its first worker JVM runs (the others may not have started yet, or not at
     * all): the workers that run remove their own folders, the folders of workers that never started, and the
     * pool folder.
     */
    @ParameterizedTest(name = "killed {0} ms after its first worker JVM appeared")
    @ValueSource(ints = {0, 50, 200, 1000})
    void parentKilledWhileItsWorkersStart_theyRemoveEveryFile(int delayMs) throws Exception {
        Path parentTemp = Files.createDirectory(temp.resolve("tmp"));
        Process parent = start(parentTemp, temp.resolve("parent.out"), "wait");
        try {
            await("the first worker JVM to run").atMost(Pools.WORKER_BOUND).pollInterval(Duration.ofMillis(5))
                    .until(() -> !workersOf(parentTemp).isEmpty() || !parent.isAlive());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delayMs)); // a kill at a chosen point of the start
            parent.destroyForcibly();
            parent.waitFor();
            long killedAt = System.nanoTime();
            List<String> left = poolFiles(parent.pid(), parentTemp);
            List<ProcessHandle> workers = workersOf(parentTemp);
            assertTrue(!workers.isEmpty() || delayMs > 0, "a worker JVM ran when the parent was killed");
            await("the parent's workers to exit").atMost(CLEANUP_BOUND)
                    .until(() -> workers.stream().noneMatch(ProcessHandle::isAlive));
            await("the pool's files to go (there were " + left + ")").atMost(CLEANUP_BOUND).pollInterval(Duration.ofMillis(20))
                    .until(() -> poolFiles(parent.pid(), parentTemp).isEmpty());
            System.out.printf("kill -9 %d ms after the first worker JVM ran: %d worker(s) alive, %d file(s) -> gone after %d ms%n",
                    delayMs, workers.size(), left.size(), (System.nanoTime() - killedAt) / 1_000_000);
        } finally {
            parent.destroyForcibly();
            parent.waitFor();
        }
    }

    /**
     * Killed before any worker JVM runs, nobody of its own is left to remove its files: the next pool made in the
     * same temp folder removes them with the other folders of dead JVMs.
     */
    @Test
    void parentKilledBeforeAnyWorkerRuns_nextPoolRemovesItsFiles() throws Exception {
        Path parentTemp = Files.createDirectory(temp.resolve("tmp"));
        Process parent = start(parentTemp, temp.resolve("parent.out"), "wait");
        try {
            await("the pool folder to appear").atMost(Pools.WORKER_BOUND).pollInterval(Duration.ofMillis(2))
                    .until(() -> NoLeakedWorkers.poolFoldersOf(parent.pid(), parentTemp).stream()
                            .anyMatch(f -> !f.getFileName().toString().contains("-chronicle-")) || !parent.isAlive());
        } finally {
            parent.destroyForcibly();
            parent.waitFor();
        }
        workersOf(parentTemp).forEach(ProcessHandle::destroyForcibly); // should one have started after all
        assertTrue(!poolFiles(parent.pid(), parentTemp).isEmpty(), "the killed parent left its pool folder");

        Process next = start(parentTemp, temp.resolve("next.out"), "exit");
        try {
            assertTrue(next.waitFor(Pools.WORKER_BOUND.toSeconds() * 2, TimeUnit.SECONDS), "the next pool's JVM ended");
            await("the dead parent's files to go").atMost(CLEANUP_BOUND)
                    .until(() -> poolFiles(parent.pid(), parentTemp).isEmpty());
            await("the next pool's files to go").atMost(CLEANUP_BOUND)
                    .until(() -> poolFiles(next.pid(), parentTemp).isEmpty());
        } finally {
            next.destroyForcibly();
            next.waitFor();
        }
    }

    private static Process start(Path parentTemp, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(FixtureJvm.command(List.of("-Djava.io.tmpdir=" + parentTemp),
                System.getProperty("java.class.path"), PoolParentMain.class));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** The worker JVMs whose folder is under {@code parentTemp}, orphans included. */
    static List<ProcessHandle> workersOf(Path parentTemp) {
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    String line = p.info().commandLine().orElse("");
                    return line.contains("dev.procpool.internal.worker.WorkerMain") && line.contains(parentTemp.toString());
                })
                .toList();
    }

    /** Every file and folder in {@code temp} that the JVM with {@code pid} made for its pool, as paths. */
    private static List<String> poolFiles(long pid, Path temp) {
        List<String> files = new ArrayList<>();
        for (Path folder : NoLeakedWorkers.poolFoldersOf(pid, temp)) {
            try (Stream<Path> tree = Files.walk(folder)) {
                tree.forEach(p -> files.add(temp.relativize(p).toString()));
            } catch (IOException | java.io.UncheckedIOException e) {
                // removed while walked
            }
        }
        return files;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
