package dev.procpool.it.batch;

import dev.procpool.it.FixtureJvm;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A parent JVM killed with kill -9 in the middle of a journaled batch, and a second parent with the same journal
 * finishing it: every input has exactly one outcome, and no input whose outcome the first parent delivered runs
 * again.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(300)
class BatchJournalKillTest {
    private static final int INPUTS = 400;
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void parentKilledMidBatch_secondParentWithSameJournalFinishesWithoutRerunningDeliveredInputs() throws Exception {
        Path journal = temp.resolve("batch.journal");
        Path runs = temp.resolve("runs");
        Path delivered1 = temp.resolve("delivered-1");
        Path delivered2 = temp.resolve("delivered-2");
        Path javaTemp = Files.createDirectory(temp.resolve("tmp"));

        Process first = start(journal, runs, delivered1, javaTemp, "parent-1.out");
        List<ProcessHandle> firstWorkers;
        try {
            await("the first parent to deliver 50 outcomes").atMost(BOUND).pollInterval(Duration.ofMillis(10))
                    .until(() -> lines(delivered1).size() >= 50 || !first.isAlive());
            assertTrue(first.isAlive(), () -> "the first parent ended early: " + read(temp.resolve("parent-1.out")));
            firstWorkers = first.descendants().toList();
            first.destroyForcibly(); // kill -9 on Unix, TerminateProcess on Windows
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the first parent died");
        } finally {
            first.destroyForcibly();
        }
        // its orphaned workers may still run (and record) inputs in flight; let them notice and go
        await("the first parent's workers to exit").atMost(Duration.ofSeconds(15))
                .until(() -> firstWorkers.stream().noneMatch(Processes::isRunning));
        List<String> firstLines = lines(delivered1);
        assertFalse(firstLines.contains("DONE"), "killed mid-batch");
        assertTrue(firstLines.size() < INPUTS, "killed mid-batch");

        Process second = start(journal, runs, delivered2, javaTemp, "parent-2.out");
        try {
            assertTrue(second.waitFor(BOUND.toSeconds() * 3, TimeUnit.SECONDS), "the second parent finished");
            assertEquals(0, second.exitValue(), () -> read(temp.resolve("parent-2.out")));
        } finally {
            second.destroyForcibly();
            second.waitFor();
        }

        List<String> secondLines = lines(delivered2);
        assertEquals("DONE", secondLines.get(secondLines.size() - 1));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            expected.add(i + " " + (i == 13 ? "failed" : Integer.toString(2 * i)));
        }
        expected.add("DONE");
        assertEquals(expected, secondLines, "every input has exactly one outcome, in order");

        Map<Integer, Integer> runCounts = RecordingFunction.runCounts(runs);
        Map<Integer, Integer> rerun = new TreeMap<>();
        for (String line : firstLines) {
            int index = Integer.parseInt(line.substring(0, line.indexOf(' ')));
            if (runCounts.get(index) != 1) {
                rerun.put(index, runCounts.get(index));
            }
        }
        assertEquals(Map.of(), rerun, "inputs delivered by the first parent that ran more than once");
        for (int i = 0; i < INPUTS; i++) {
            assertTrue(runCounts.getOrDefault(i, 0) >= 1, "input " + i + " ran");
        }
        System.out.println("kill -9 after " + firstLines.size() + " delivered outcomes; runs in all: "
                + runCounts.values().stream().mapToInt(Integer::intValue).sum() + " for " + INPUTS + " inputs");
    }

    private Process start(Path journal, Path runs, Path delivered, Path javaTemp, String output) throws IOException {
        List<String> command = FixtureJvm.command(List.of("-Djava.io.tmpdir=" + javaTemp),
                System.getProperty("java.class.path"), JournaledBatchParent.class,
                journal.toString(), runs.toString(), delivered.toString(), Integer.toString(INPUTS));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve(output).toFile()).start();
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
