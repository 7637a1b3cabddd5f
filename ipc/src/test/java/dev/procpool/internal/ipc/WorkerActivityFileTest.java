package dev.procpool.internal.ipc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerActivityFileTest {
    @TempDir
    Path folder;

    @Test
    void setRunningTask_thenRead_returnsTaskId() throws IOException {
        WorkerActivityFile activity = WorkerActivityFile.create(folder);

        activity.setRunningTask(58);
        assertEquals(58, WorkerActivityFile.readRunningTask(folder));
        activity.setRunningTask(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, WorkerActivityFile.readRunningTask(folder));
        activity.setRunningTask(0);
        assertEquals(0, WorkerActivityFile.readRunningTask(folder));
    }

    @Test
    void create_newFile_readsZero() throws IOException {
        WorkerActivityFile.create(folder);

        assertEquals(4 * Long.BYTES, Files.size(folder.resolve(WorkerActivityFile.NAME)));
        assertEquals(0, WorkerActivityFile.readRunningTask(folder));
    }

    @Test
    void read_missingFile_zero() {
        assertEquals(0, WorkerActivityFile.readRunningTask(folder));
    }

    @Test
    void read_missingFolder_zero() {
        assertEquals(0, WorkerActivityFile.readRunningTask(folder.resolve("gone")));
    }

    @Test
    void read_truncatedFile_zero() throws IOException {
        Files.write(folder.resolve(WorkerActivityFile.NAME), new byte[] {0, 0, 0, 7});

        assertEquals(0, WorkerActivityFile.readRunningTask(folder));
    }

    @Test
    void sleepingFlag_setByWorker_seenByParentsLiveView(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        WorkerActivityFile worker = WorkerActivityFile.create(dir);
        WorkerActivityFile parent = WorkerActivityFile.openParentView(dir);
        assertEquals(false, parent.isSleeping());
        worker.setSleeping(true);
        worker.setRunningTask(12);
        assertEquals(true, parent.isSleeping());
        assertEquals(12, parent.runningTask());
        worker.setSleeping(false);
        assertEquals(false, parent.isSleeping());
        assertEquals(12, WorkerActivityFile.readRunningTask(dir), "the flag does not disturb the task id");
    }

    @Test
    void emptySleeps_countedByWorker_seenByParentsLiveView(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        WorkerActivityFile worker = WorkerActivityFile.create(dir);
        WorkerActivityFile parent = WorkerActivityFile.openParentView(dir);
        assertEquals(0, parent.emptySleeps());
        worker.setRunningTask(12);
        worker.countEmptySleep();
        worker.countEmptySleep();
        assertEquals(2, parent.emptySleeps());
        assertEquals(12, parent.runningTask(), "the count does not disturb the task id");
        assertEquals(false, parent.isSleeping(), "nor the sleeping flag");
    }

    @Test
    void ringWanted_setByParent_takenOnceByWorker(@TempDir Path dir) throws Exception {
        WorkerActivityFile worker = WorkerActivityFile.create(dir);
        WorkerActivityFile parent = WorkerActivityFile.openParentView(dir);
        worker.setRunningTask(12);
        assertEquals(false, worker.takeRingWanted(), "nothing asked yet");

        assertEquals(true, parent.wantRing());
        assertEquals(true, worker.takeRingWanted());
        assertEquals(false, worker.takeRingWanted(), "one ring per request");
        assertEquals(12, parent.runningTask(), "the request does not disturb the task id");
        assertEquals(false, parent.isSleeping(), "nor the sleeping flag");
        parent.close();
    }

    @Test
    void wantRing_fileCutShortByATask_refusedAndFileLeftShort(@TempDir Path dir) throws Exception {
        WorkerActivityFile.create(dir);
        WorkerActivityFile parent = WorkerActivityFile.openParentView(dir);
        Files.write(dir.resolve(WorkerActivityFile.NAME), new byte[8]);

        assertEquals(false, parent.wantRing());
        assertEquals(true, parent.isBroken());
        assertEquals(8, Files.size(dir.resolve(WorkerActivityFile.NAME)), "the short file tells the parent it was cut");
        parent.close();
    }
}
