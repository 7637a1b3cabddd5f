package dev.procpool.it.batch;

import dev.procpool.Outcome;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.NoLeakedWorkers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.procpool.it.batch.BatchOutcomeTest.quietPool;
import static dev.procpool.it.batch.BatchOutcomeTest.upTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code Batch.journal}: a batch closed half-way and started again replays what it delivered and runs only the
 * rest; a journal of another batch, or one that cannot be written, is refused before anything runs.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class BatchJournalTest {
    private static final int INPUTS = 100;
    private static final int FAILING = 7;

    @TempDir
    Path temp;

    @Test
    void orderedStreamClosedHalfWay_resumedBatchReplaysDeliveredOutcomesAndRunsOnlyTheRest() throws Exception {
        assertResumes(true);
    }

    @Test
    void unorderedStreamClosedHalfWay_resumedBatchReplaysDeliveredOutcomesAndRunsOnlyTheRest() throws Exception {
        assertResumes(false);
    }

    private void assertResumes(boolean ordered) throws Exception {
        Path journal = temp.resolve("batch.journal");
        Path runs = temp.resolve("runs");
        RecordingFunction function = new RecordingFunction(runs.toString(), 0, FAILING);
        List<Long> firstDelivered = new ArrayList<>();
        try (ProcessPoolExecutor pool = quietPool(2)) {
            try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(function, upTo(INPUTS)).ordered(ordered)
                    .chunkSize(5).maxInFlight(20).journal(journal).stream()) {
                Iterator<Outcome<Integer, Integer>> it = outcomes.iterator();
                for (int i = 0; i < 40; i++) {
                    firstDelivered.add(it.next().index());
                }
            } // closed half-way: what is queued or running is cancelled, the journal closed and unlocked

            List<Outcome<Integer, Integer>> second;
            try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(function, upTo(INPUTS)).ordered(ordered)
                    .chunkSize(5).maxInFlight(20).journal(journal).stream()) {
                second = outcomes.toList();
            }

            assertEquals(INPUTS, second.size());
            assertEquals(upTo(INPUTS), second.stream().map(o -> (int) o.index()).sorted().toList(), "one outcome per input");
            if (ordered) {
                assertEquals(upTo(INPUTS), second.stream().map(o -> (int) o.index()).toList(), "in input order");
            }
            for (Outcome<Integer, Integer> o : second) {
                assertEquals((int) o.index(), o.input(), "the new run's input object");
                if (o.index() == FAILING) {
                    IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, o.failure());
                    assertEquals("input 7 fails, as planned", e.getMessage());
                } else {
                    assertEquals(2 * o.index(), (long) o.result());
                }
            }
            Map<Integer, Integer> runCounts = RecordingFunction.runCounts(runs);
            for (long index : firstDelivered) {
                assertEquals(1, runCounts.get((int) index), "input " + index + " was delivered, so it ran once: " + runCounts
                        + "\nthe runs (input, worker pid, time):\n" + String.join("\n", Files.readAllLines(runs)));
            }
            for (int i = 0; i < INPUTS; i++) {
                assertTrue(runCounts.getOrDefault(i, 0) >= 1, "input " + i + " ran");
            }
            assertEquals(List.of(journal), listFiles(temp).stream().filter(p -> !p.equals(runs)).toList(),
                    "the journal is the batch's only file");
        }
    }

    @Test
    void completedJournal_secondRunRunsNothingAndJournalMayBeDeleted() throws Exception {
        Path journal = temp.resolve("batch.journal");
        Path runs = temp.resolve("runs");
        RecordingFunction function = new RecordingFunction(runs.toString(), 0, -1);
        try (ProcessPoolExecutor pool = quietPool(1)) {
            try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(function, upTo(30)).journal(journal).stream()) {
                assertEquals(30, outcomes.count());
            }
            long runsAfterFirst = Files.readAllLines(runs).size();
            try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(function, upTo(30)).journal(journal).stream()) {
                assertEquals(upTo(30).stream().map(i -> 2 * i).toList(), outcomes.map(Outcome::result).toList());
            }
            assertEquals(30, runsAfterFirst);
            assertEquals(30, Files.readAllLines(runs).size(), "nothing ran again");
            Files.delete(journal); // closed and unlocked: deletable on every platform
        }
    }

    @Test
    void changedInputAtOneIndex_runsAgainAndItsNewOutcomeIsKept() throws Exception {
        Path journal = temp.resolve("batch.journal");
        Path runs = temp.resolve("runs");
        RecordingFunction function = new RecordingFunction(runs.toString(), 0, -1);
        List<Integer> changed = new ArrayList<>(upTo(10));
        changed.set(4, 40);
        try (ProcessPoolExecutor pool = quietPool(1)) {
            try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(function, upTo(10)).journal(journal).stream()) {
                assertEquals(10, outcomes.count());
            }
            for (int round = 0; round < 2; round++) { // the second round replays the new outcome
                try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(function, changed).journal(journal).stream()) {
                    assertEquals(changed.stream().map(i -> 2 * i).toList(), outcomes.map(Outcome::result).toList());
                }
            }
            Map<Integer, Integer> runCounts = RecordingFunction.runCounts(runs);
            assertEquals(1, runCounts.get(40), "the changed input ran once: " + runCounts);
            assertEquals(1, runCounts.get(4), "the replaced input ran once: " + runCounts);
            assertEquals(11, runCounts.values().stream().mapToInt(Integer::intValue).sum(), runCounts::toString);
        }
    }

    @Test
    void journalOfAnotherFunction_isRefusedBeforeAnythingRuns() throws Exception {
        Path journal = temp.resolve("batch.journal");
        Path runs = temp.resolve("runs");
        try (ProcessPoolExecutor pool = quietPool(1)) {
            try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(new RecordingFunction(runs.toString(), 0, -1),
                    upTo(10)).journal(journal).stream()) {
                assertEquals(10, outcomes.count());
            }
            Path otherRuns = temp.resolve("other-runs");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pool.batch(new RecordingFunction(otherRuns.toString(), 0, -1), upTo(10)).journal(journal).stream());

            assertEquals("the batch journal " + journal + " belongs to another batch: that batch ran a different"
                    + " function (the digest of the serialized function differs: another lambda or class, other"
                    + " captured values, or a changed version of its class). Give this batch a journal of its own, or"
                    + " delete " + journal + " to start over.", e.getMessage());
            assertFalse(Files.exists(otherRuns), "nothing ran");
        }
    }

    @Test
    void journalOfAnotherInputCount_isRefusedBeforeAnythingRuns() throws Exception {
        Path journal = temp.resolve("batch.journal");
        Path runs = temp.resolve("runs");
        RecordingFunction function = new RecordingFunction(runs.toString(), 0, -1);
        try (ProcessPoolExecutor pool = quietPool(1)) {
            try (Stream<Outcome<Integer, Integer>> outcomes = pool.batch(function, upTo(10)).journal(journal).stream()) {
                assertEquals(10, outcomes.count());
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pool.batch(function, upTo(11)).journal(journal).stream());

            assertEquals("the batch journal " + journal + " belongs to another batch: that batch had 10 inputs, this"
                    + " one has 11. Give this batch a journal of its own, or delete " + journal + " to start over.",
                    e.getMessage());
            assertEquals(10, Files.readAllLines(runs).size(), "nothing ran again");
        }
    }

    @Test
    void fileThatIsNotAJournal_isRefused() throws Exception {
        Path notJournal = Files.writeString(temp.resolve("notes.txt"), "my notes");
        try (ProcessPoolExecutor pool = quietPool(1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pool.batch(new RecordingFunction(temp.resolve("runs").toString(), 0, -1), upTo(3))
                            .journal(notJournal).stream());
            assertTrue(e.getMessage().contains("is not a procpool batch journal"), e::getMessage);
            assertEquals("my notes", Files.readString(notJournal), "left as it was");
        }
    }

    @Test
    void unwritableJournalPath_isRefusedWithIllegalArgumentBeforeAnythingRuns() throws Exception {
        Path runs = temp.resolve("runs");
        RecordingFunction function = new RecordingFunction(runs.toString(), 0, -1);
        Path missingFolder = temp.resolve("missing").resolve("batch.journal");
        try (ProcessPoolExecutor pool = quietPool(1)) {
            IllegalArgumentException noFolder = assertThrows(IllegalArgumentException.class,
                    () -> pool.batch(function, upTo(3)).journal(missingFolder).stream());
            assertEquals("the batch journal " + missingFolder + " cannot be created: its folder "
                    + missingFolder.getParent() + " does not exist; create it first", noFolder.getMessage());

            IllegalArgumentException folder = assertThrows(IllegalArgumentException.class,
                    () -> pool.batch(function, upTo(3)).journal(temp).stream());
            assertTrue(folder.getMessage().startsWith("the batch journal " + temp + " is a folder"), folder::getMessage);

            Path readOnly = Files.createDirectory(temp.resolve("read-only"));
            assumeFalse(!readOnly.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
            try {
                assumeFalse(Files.isWritable(readOnly), "this user (root?) may write to a read-only folder");
                Path inReadOnly = readOnly.resolve("batch.journal");
                IllegalArgumentException denied = assertThrows(IllegalArgumentException.class,
                        () -> pool.batch(function, upTo(3)).journal(inReadOnly).stream());
                assertEquals("the batch journal " + inReadOnly + " cannot be opened for reading and writing (access"
                        + " denied); give a path in a folder this process may write to", denied.getMessage());
            } finally {
                Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            assertFalse(Files.exists(runs), "nothing ran");
        }
    }

    private static List<Path> listFiles(Path folder) throws java.io.IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
