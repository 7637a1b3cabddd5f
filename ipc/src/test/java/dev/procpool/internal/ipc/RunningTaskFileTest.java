package dev.procpool.internal.ipc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunningTaskFileTest {
    @TempDir
    Path folder;

    @Test
    void set_thenRead_returnsTaskId() throws IOException {
        RunningTaskFile slot = RunningTaskFile.create(folder);

        slot.set(58);
        assertEquals(58, RunningTaskFile.read(folder));
        slot.set(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, RunningTaskFile.read(folder));
        slot.set(0);
        assertEquals(0, RunningTaskFile.read(folder));
    }

    @Test
    void create_newFile_readsZero() throws IOException {
        RunningTaskFile.create(folder);

        assertEquals(2 * Long.BYTES, Files.size(folder.resolve(RunningTaskFile.NAME)));
        assertEquals(0, RunningTaskFile.read(folder));
    }

    @Test
    void read_missingFile_zero() {
        assertEquals(0, RunningTaskFile.read(folder));
    }

    @Test
    void read_missingFolder_zero() {
        assertEquals(0, RunningTaskFile.read(folder.resolve("gone")));
    }

    @Test
    void read_truncatedFile_zero() throws IOException {
        Files.write(folder.resolve(RunningTaskFile.NAME), new byte[] {0, 0, 0, 7});

        assertEquals(0, RunningTaskFile.read(folder));
    }

    @Test
    void sleepingFlag_setByWorker_seenByParentsLiveView(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        RunningTaskFile worker = RunningTaskFile.create(dir);
        RunningTaskFile parent = RunningTaskFile.openForReading(dir);
        assertEquals(false, parent.isSleeping());
        worker.setSleeping(true);
        worker.set(12);
        assertEquals(true, parent.isSleeping());
        assertEquals(12, parent.get());
        worker.setSleeping(false);
        assertEquals(false, parent.isSleeping());
        assertEquals(12, RunningTaskFile.read(dir), "the flag does not disturb the task id");
    }
}
