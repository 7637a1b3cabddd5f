package dev.procpool.internal.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SiblingFoldersTest {
    @TempDir
    Path temp;

    @Test
    void isAbandoned_lockFileNobodyHolds_true() throws IOException {
        Path sibling = Files.createDirectory(temp.resolve("worker-2"));
        Files.createFile(sibling.resolve(SiblingFolders.ALIVE_LOCK));

        assertTrue(SiblingFolders.isAbandoned(sibling, List.of()));
    }

    @Test
    void isAbandoned_noLockFile_dependsOnWhetherACommandLineNamesIt() throws IOException {
        Path sibling = Files.createDirectory(temp.resolve("worker-3"));

        assertFalse(SiblingFolders.isAbandoned(sibling, List.of("java @x WorkerMain 3 " + sibling)), "a worker still boots");
        assertTrue(SiblingFolders.isAbandoned(sibling, List.of("java @y WorkerMain 4 " + temp.resolve("worker-4"))));
        assertFalse(SiblingFolders.isAbandoned(sibling, null), "command lines unknown: left to the sweep");
    }

    @Test
    void ownerPid_fromThePoolFolderName() {
        assertEquals(123, SiblingFolders.ownerPid("procpool-123-456789"));
        assertEquals(-1, SiblingFolders.ownerPid("procpool-x-1"));
        assertEquals(-1, SiblingFolders.ownerPid("other-123-1"));
    }

    @Test
    void removeAbandoned_parentGone_removesDeadWorkersFoldersAndThePoolFolder() throws Exception {
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).start();
        gone.getInputStream().readAllBytes();
        gone.waitFor();
        Path pool = Files.createDirectory(temp.resolve("procpool-" + gone.pid() + "-1"));
        Files.createFile(Files.createDirectory(pool.resolve("worker-1")).resolve(SiblingFolders.ALIVE_LOCK));
        Files.writeString(Files.createDirectory(pool.resolve("worker-2")).resolve("jvm.args"), "never started");

        SiblingFolders.removeAbandoned(pool);

        assertFalse(Files.exists(pool));
    }

    @Test
    void removeAbandoned_folderNamedByNoPid_removedOnlyOnceEmpty() throws IOException {
        Path pool = Files.createDirectory(temp.resolve("pool"));
        Path starting = Files.createDirectory(pool.resolve("worker-1"));

        SiblingFolders.removeAbandoned(pool);
        assertTrue(Files.exists(starting));

        Files.delete(starting);
        SiblingFolders.removeAbandoned(pool);
        assertFalse(Files.exists(pool));
    }

    @Test
    void removeAbandoned_parentAlive_leavesEverything() throws IOException {
        Path pool = Files.createDirectory(temp.resolve("procpool-" + ProcessHandle.current().pid() + "-1"));
        Path starting = Files.createDirectory(pool.resolve("worker-1"));

        SiblingFolders.removeAbandoned(pool);

        assertTrue(Files.exists(starting));
    }
}
