package dev.procpool.internal.executor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sweep of dead JVMs' folders runs in a temp directory shared with other users: it removes only real
 * folders the current user owns, and never reaches through a link.
 */
class PoolFoldersTest {
    /** Above Linux's largest pid (4194304) and macOS's (99999): never a live process. */
    private static final long DEAD_PID = 999_999_999L;

    @TempDir
    Path temp;
    @TempDir
    Path elsewhere;

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "creating symbolic links needs a privilege on Windows")
    void linkNamedLikeDeadPoolFolder_sweep_targetFileSurvivesAndLinkLeftAlone() throws IOException {
        Path victim = Files.writeString(Files.createDirectories(elsewhere.resolve("precious")).resolve("file"), "keep");
        Path link = Files.createSymbolicLink(temp.resolve("procpool-" + DEAD_PID + "-x"), victim.getParent());

        PoolFolders.removeOrphans(temp, PoolFolders.ownerOf(temp));

        assertEquals("keep", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(link), "a link is not a pool folder: left alone");
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "creating symbolic links needs a privilege on Windows")
    void deadPoolFolderHoldingLinks_sweep_folderGoneTargetsSurvive() throws IOException {
        Path victimFile = Files.writeString(elsewhere.resolve("file"), "keep");
        Path victimFolder = Files.createDirectories(elsewhere.resolve("folder"));
        Files.writeString(victimFolder.resolve("inside"), "keep");
        Path orphan = Files.createDirectories(temp.resolve("procpool-" + DEAD_PID + "-y").resolve("worker-1"));
        Files.writeString(orphan.resolve("payload-1.bin"), "old");
        Files.createSymbolicLink(orphan.resolve("to-file"), victimFile);
        Files.createSymbolicLink(orphan.resolve("to-folder"), victimFolder);

        PoolFolders.removeOrphans(temp, PoolFolders.ownerOf(temp));

        assertFalse(Files.exists(orphan.getParent(), LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(victimFile));
        assertEquals("keep", Files.readString(victimFolder.resolve("inside")));
    }

    @Test
    void deadPoolFolder_byPathFallback_removed_linkLeftAlone() throws IOException {
        Path orphan = Files.createDirectories(temp.resolve("procpool-" + DEAD_PID + "-z").resolve("worker-1"));
        Files.writeString(orphan.resolve("payload-1.bin"), "old");

        PoolFolders.removeByPath(orphan.getParent(), PoolFolders.ownerOf(temp));

        assertFalse(Files.exists(orphan.getParent()));
    }

    @Test
    void deadPoolFolderOfAnotherUser_sweep_leftAlone() throws IOException {
        UserPrincipal someoneElse;
        try {
            someoneElse = temp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException | UnsupportedOperationException e) {
            someoneElse = null;
        }
        assumeTrue(someoneElse != null && !someoneElse.equals(PoolFolders.ownerOf(temp)), "no other user to compare with");
        Path orphan = Files.createDirectories(temp.resolve("procpool-" + DEAD_PID + "-w"));
        Files.writeString(orphan.resolve("file"), "theirs");

        PoolFolders.removeOrphans(temp, someoneElse); // as if this JVM ran as "nobody"
        PoolFolders.removeByPath(orphan, someoneElse);

        assertEquals("theirs", Files.readString(orphan.resolve("file")));
    }

    @Test
    void folderOfLiveJvm_sweep_kept() throws IOException {
        Path live = Files.createDirectories(temp.resolve("procpool-" + ProcessHandle.current().pid() + "-v"));

        PoolFolders.removeOrphans(temp, PoolFolders.ownerOf(temp));

        assertTrue(Files.isDirectory(live));
    }

    @Test
    void create_folderIsOwnerOnlyAndOrphansOfThisUserGone() throws IOException {
        String previous = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", temp.toString());
        try {
            Path orphan = Files.createDirectories(temp.resolve("procpool-" + DEAD_PID + "-u"));

            Path folder = PoolFolders.create();

            assertTrue(Files.isDirectory(folder));
            // the sweep runs on a thread of its own, so that a large temp directory does not delay the pool
            await("the orphan swept").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !Files.exists(orphan));
        } finally {
            System.setProperty("java.io.tmpdir", previous);
        }
    }
}
