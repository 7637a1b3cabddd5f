package dev.procpool.it;

import dev.procpool.it.fixtures.PoolParentMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A parent JVM killed with kill -9 cannot tell its workers anything; they must notice by themselves, exit within
 * two seconds, and remove the pool's folder.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class ParentKilledTest {
    @TempDir
    Path temp;

    @Test
    void parentKilledWithKill9_workersExitWithinTwoSecondsAndRemoveThePoolFolder() throws Exception {
        Path output = temp.resolve("parent.out");
        // its own temp directory: no other JVM's pool (which removes orphaned folders) can clean up for its workers
        Path parentTemp = Files.createDirectory(temp.resolve("tmp"));
        Process parent = startPoolParent(output, parentTemp);
        try {
            List<Long> workers = awaitWorkerPids(parent, output);
            assertEquals(2, workers.size());
            assertTrue(workers.stream().allMatch(Processes::isRunning));
            assertEquals(1, NoLeakedWorkers.poolFoldersOf(parent.pid(), parentTemp).size(), "the parent's pool folder exists");

            long killedAt = System.nanoTime();
            parent.destroyForcibly();
            await("the orphaned workers to exit").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> workers.stream().noneMatch(Processes::isRunning));
            long workersGoneMs = (System.nanoTime() - killedAt) / 1_000_000;
            await("the orphaned workers to remove the pool folder").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> NoLeakedWorkers.poolFoldersOf(parent.pid(), parentTemp).isEmpty());
            long folderGoneMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("parent kill -9 -> workers gone after " + workersGoneMs + " ms, pool folder gone after "
                    + folderGoneMs + " ms");
        } finally {
            parent.destroyForcibly();
            parent.waitFor();
        }
    }

    @Test
    void parentExitsWithoutClosingItsPool_workersAndPoolFolderAreGone() throws Exception {
        assertParentEndingCleansUp(true);
    }

    @Test
    void parentEndedBySigterm_workersAndPoolFolderAreGone() throws Exception {
        assertParentEndingCleansUp(false);
    }

    /** The parent JVM ends by System.exit (or, if not {@code exits}, by destroy(): SIGTERM on Unix), pool open. */
    private void assertParentEndingCleansUp(boolean exits) throws Exception {
        Path output = temp.resolve("parent.out");
        Path parentTemp = Files.createDirectory(temp.resolve("tmp"));
        Process parent = startPoolParent(output, parentTemp, exits ? "exit" : "wait");
        try {
            List<Long> workers = awaitWorkerPids(parent, output);
            if (!exits) {
                parent.destroy();
            }
            assertTrue(parent.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the parent JVM ended");
            await("the workers to exit").atMost(Duration.ofSeconds(5)).until(() -> workers.stream().noneMatch(Processes::isRunning));
            await("the pool folder to go").atMost(Duration.ofSeconds(5))
                    .until(() -> NoLeakedWorkers.poolFoldersOf(parent.pid(), parentTemp).isEmpty());
        } finally {
            parent.destroyForcibly();
            parent.waitFor();
        }
    }

    /** Starts {@link PoolParentMain} with this JVM's java, class path and the flags its queues need. */
    private static Process startPoolParent(Path output, Path javaTemp, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(FixtureJvm.command(List.of("-Djava.io.tmpdir=" + javaTemp),
                System.getProperty("java.class.path"), PoolParentMain.class));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static List<Long> awaitWorkerPids(Process parent, Path output) {
        await("the pool parent to report its workers").atMost(Pools.WORKER_BOUND)
                .until(() -> workerPidsLine(output).isPresent() || !parent.isAlive());
        String line = workerPidsLine(output).orElseThrow(() -> new AssertionError("the pool parent died: " + read(output)));
        return Arrays.stream(line.substring("WORKER_PIDS ".length()).split(" ")).map(Long::valueOf).toList();
    }

    private static Optional<String> workerPidsLine(Path output) {
        return read(output).lines().filter(l -> l.startsWith("WORKER_PIDS ")).findFirst();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
