package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.it.fixtures.TempFolderMain;
import dev.procpool.it.fixtures.WorkingDirectoryMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder's settings reach the worker JVMs. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class PoolConfigurationTest {
    @TempDir
    Path temp;

    @Test
    void jvmOptionsEnvironmentAndWorkingDirectory_reachTheWorkers() throws Exception {
        Path workDir = Files.createDirectory(temp.resolve("work"));
        try (ProcessPoolExecutor pool = quietPool(1)
                .jvmOptions(List.of("-Dprocpool.it.option=from-jvm-options", "-Xmx80m"))
                .environment(Map.of("PROCPOOL_IT_VARIABLE", "from-environment"))
                .workingDirectory(workDir)
                .build()) {
            SerializableCallable<List<String>> report = () -> List.of(
                    System.getProperty("procpool.it.option"),
                    System.getenv("PROCPOOL_IT_VARIABLE"),
                    Path.of("").toAbsolutePath().toString(),
                    Long.toString(Runtime.getRuntime().maxMemory() >> 20));

            List<String> seen = valueOf(pool.submit(report));

            assertEquals("from-jvm-options", seen.get(0));
            assertEquals("from-environment", seen.get(1));
            assertEquals(workDir.toRealPath().toString(), Path.of(seen.get(2)).toRealPath().toString());
            assertTrue(Long.parseLong(seen.get(3)) <= 80, "-Xmx80m applied, max heap " + seen.get(3) + " MiB");
        }
    }

    @Test
    void parentWithRelativeClassPath_workersInAnotherWorkingDirectoryStillStart() throws Exception {
        Path parentDir = Files.createDirectory(temp.resolve("parent"));
        // deeper than the parent's directory, so that the parent's relative entries point nowhere from there
        Path workerDir = Files.createDirectories(temp.resolve("worker/is/elsewhere"));
        String relativeClassPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> parentDir.relativize(Path.of(entry).toAbsolutePath()).toString())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = FixtureJvm.command(List.of(), relativeClassPath, WorkingDirectoryMain.class, workerDir.toString());
        String printed = runParent(command, parentDir);
        assertTrue(printed.contains("RESULT " + workerDir), printed);
    }

    @Test
    void parentAndWorker_leaveNothingInTheirTempFolder_noteventChroniclesBuildFolder() throws Exception {
        // Chronicle creates <java.io.tmpdir>/target in a JVM whose working directory has no target or build
        // folder above it, unless told where its build folder is; neither JVM here has one above it
        Path tmp = Files.createDirectory(temp.resolve("tmp"));
        Path parentDir = Files.createDirectory(temp.resolve("parent"));
        Path workerDir = Files.createDirectory(temp.resolve("worker"));
        List<String> command = FixtureJvm.command(List.of("-Djava.io.tmpdir=" + tmp), System.getProperty("java.class.path"),
                TempFolderMain.class, workerDir.toString(), tmp.toString());
        String printed = runParent(command, parentDir);
        // a folder of each JVM's own in its temp folder, removed once Chronicle has read the setting
        assertTrue(printed.lines().anyMatch(line -> line.startsWith("WORKER " + tmp.resolve("procpool-")) && line.contains("-chronicle-")), printed);
        assertTrue(printed.lines().anyMatch(line -> line.startsWith("PARENT " + tmp.resolve("procpool-")) && line.contains("-chronicle-")), printed);
        assertTrue(printed.contains("PROPERTY null"), "the setting is taken back once Chronicle has read it: " + printed);
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "left in the temp folder");
        }
    }

    /** Runs a fixture parent JVM in {@code directory} until it ends; returns what it printed. */
    private String runParent(List<String> command, Path directory) throws Exception {
        Path output = temp.resolve("parent.out");
        Process parent = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            assertTrue(parent.waitFor(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS), "the parent finished");
        } finally {
            parent.destroyForcibly();
        }
        return Files.readString(output);
    }
}
