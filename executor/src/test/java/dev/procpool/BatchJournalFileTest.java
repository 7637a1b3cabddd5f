package dev.procpool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal file alone: records found out of order, torn and damaged tails, foreign headers, the lock. */
class BatchJournalFileTest {
    private static final byte[] FUNCTION = new byte[32];

    @TempDir
    Path temp;

    @Test
    void recordsWrittenOutOfOrder_areEachFoundByIndex() {
        Path path = temp.resolve("j");
        try (BatchJournal journal = BatchJournal.open(path, 10, FUNCTION)) {
            for (int i : new int[] {3, 0, 2, 1, 9}) {
                journal.append(i, 100 + i, i != 2, new byte[] {(byte) i});
            }
        }
        try (BatchJournal journal = BatchJournal.open(path, 10, FUNCTION)) {
            assertEquals(5, journal.replayable());
            for (int i : new int[] {0, 1, 2, 3, 9}) {
                BatchJournal.Entry entry = journal.take(i);
                assertEquals(100 + i, entry.inputDigest());
                assertEquals(i != 2, entry.succeeded());
                assertArrayEquals(new byte[] {(byte) i}, entry.payload());
            }
            assertNull(journal.take(4));
            assertNull(journal.take(0), "taken once");
        }
    }

    @Test
    void recordWrittenTwice_latestIsFound() {
        Path path = temp.resolve("j");
        try (BatchJournal journal = BatchJournal.open(path, -1, FUNCTION)) {
            journal.append(0, 1, true, new byte[] {1});
            journal.append(1, 1, true, new byte[] {1});
            journal.append(0, 2, true, new byte[] {2});
        }
        try (BatchJournal journal = BatchJournal.open(path, -1, FUNCTION)) {
            assertEquals(2, journal.take(0).inputDigest());
            assertEquals(1, journal.take(1).inputDigest());
        }
    }

    @Test
    void tornLastRecord_isCutOffAndTheRestKept() throws IOException {
        Path path = temp.resolve("j");
        writeThree(path);
        long size = Files.size(path);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3); // as if the JVM died in the middle of writing the last record
        }
        try (BatchJournal journal = BatchJournal.open(path, 3, FUNCTION)) {
            assertEquals(2, journal.replayable());
            assertNull(journal.take(2));
            journal.append(2, 7, true, new byte[] {7});
        }
        try (BatchJournal journal = BatchJournal.open(path, 3, FUNCTION)) {
            assertEquals(3, journal.replayable(), "appended after the cut, not after the torn bytes");
            assertEquals(7, journal.take(2).inputDigest());
        }
    }

    @Test
    void damagedRecord_itAndWhatFollowsAreCutOff() throws IOException {
        Path path = temp.resolve("j");
        writeThree(path);
        byte[] bytes = Files.readAllBytes(path);
        int secondPayload = BatchJournalFormat.HEADER_LENGTH + BatchJournalFormat.recordLength(new byte[4])
                + BatchJournalFormat.PAYLOAD_OFFSET;
        bytes[secondPayload] ^= 1;
        Files.write(path, bytes);
        try (BatchJournal journal = BatchJournal.open(path, 3, FUNCTION)) {
            assertEquals(1, journal.replayable());
            assertTrue(journal.take(0) != null);
            assertNull(journal.take(1));
        }
    }

    @Test
    void damagedHeader_isRefused() throws IOException {
        Path path = temp.resolve("j");
        writeThree(path);
        byte[] bytes = Files.readAllBytes(path);
        bytes[BatchJournalFormat.COUNT_OFFSET + 7] ^= 1;
        Files.write(path, bytes);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BatchJournal.open(path, -1, FUNCTION));
        assertTrue(e.getMessage().contains("damaged header"), e::getMessage);
    }

    @Test
    void otherVersion_isRefusedNamingBoth() throws IOException {
        Path path = temp.resolve("j");
        writeThree(path);
        byte[] bytes = Files.readAllBytes(path);
        bytes[BatchJournalFormat.VERSION_OFFSET] = 9;
        Files.write(path, bytes);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BatchJournal.open(path, 3, FUNCTION));
        assertTrue(e.getMessage().contains("journal format version 9, and this procpool reads version 1"), e::getMessage);
    }

    @Test
    void recordBeyondTheInputCount_isRefused() {
        Path path = temp.resolve("j");
        try (BatchJournal journal = BatchJournal.open(path, -1, FUNCTION)) {
            journal.append(5, 0, true, new byte[0]);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BatchJournal.open(path, 5, FUNCTION));
        assertTrue(e.getMessage().contains("records an outcome for input 5, but this batch has 5 inputs"), e::getMessage);
    }

    @Test
    void journalOpenTwice_secondIsRefusedUntilTheFirstCloses() {
        Path path = temp.resolve("j");
        try (BatchJournal first = BatchJournal.open(path, 3, FUNCTION)) {
            assertEquals(0, first.replayable());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BatchJournal.open(path, 3, FUNCTION));
            assertTrue(e.getMessage().contains("is in use by another batch"), e::getMessage);
        }
        BatchJournal.open(path, 3, FUNCTION).close();
    }

    @Test
    void emptyFile_becomesANewJournal() throws IOException {
        Path path = Files.createFile(temp.resolve("j"));
        try (BatchJournal journal = BatchJournal.open(path, 3, FUNCTION)) {
            assertEquals(0, journal.replayable());
        }
        assertEquals(BatchJournalFormat.HEADER_LENGTH, Files.size(path));
        assertFalse(Files.exists(temp.resolve("j.lck")));
    }

    private static void writeThree(Path path) {
        try (BatchJournal journal = BatchJournal.open(path, 3, FUNCTION)) {
            for (int i = 0; i < 3; i++) {
                journal.append(i, i, true, new byte[4]);
            }
        }
    }
}
