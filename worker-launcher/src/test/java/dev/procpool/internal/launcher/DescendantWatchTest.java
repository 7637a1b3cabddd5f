package dev.procpool.internal.launcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Linux way to a worker's tree, {@code /proc/<pid>/task/<tid>/children}, against real processes: it finds what
 * the whole-table scan finds, grandchildren included.
 */
class DescendantWatchTest {
    private Process shell;

    @AfterEach
    void endTheTree() {
        if (shell != null) {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
        ChildProcesses.awaitNoneAlive();
    }

    @Test
    void childAndGrandchild_foundThroughTheChildrenFiles_asTheProcessTableScanFindsThem() throws Exception {
        assumeTrue(DescendantWatch.CHILDREN_FILES, "Linux with /proc/<pid>/task/<tid>/children");
        shell = new ProcessBuilder("sh", "-c", "sleep 120 & wait").start();
        long self = ProcessHandle.current().pid();

        await("the shell's sleep to start").atMost(Duration.ofSeconds(30))
                .until(() -> shell.descendants().findAny().isPresent());
        long sleep = shell.descendants().findFirst().orElseThrow().pid();

        List<Long> found = DescendantWatch.descendantsOf(self);
        assertTrue(found.contains(shell.pid()), () -> "the child " + shell.pid() + " is among " + found);
        assertTrue(found.contains(sleep), () -> "the grandchild " + sleep + " is among " + found);
        Set<Long> scanned = new HashSet<>(ProcessHandle.current().descendants().map(ProcessHandle::pid).toList());
        assertEquals(scanned, new HashSet<>(found), "what the whole process table shows below this JVM");
    }

    @Test
    void processThatHasEnded_hasNoDescendants() throws Exception {
        assumeTrue(DescendantWatch.CHILDREN_FILES, "Linux with /proc/<pid>/task/<tid>/children");
        shell = new ProcessBuilder("sh", "-c", "exit 0").start();
        shell.waitFor();
        long ended = shell.pid();

        await("the ended shell to be reaped").atMost(Duration.ofSeconds(30))
                .until(() -> ProcessHandle.of(ended).isEmpty());
        assertEquals(List.of(), DescendantWatch.descendantsOf(ended));
    }
}
