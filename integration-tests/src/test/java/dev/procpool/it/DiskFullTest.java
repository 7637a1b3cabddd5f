package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.fixtures.ArgumentLengthTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pool's folder on a small file system (a 64 MB tmpfs the test mounts, so it runs only where it may: as root
 * on Linux) that fills up: the tasks that cannot be written fail at once saying the disk is full and where; once
 * space returns, the pool serves again.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(300)
class DiskFullTest {
    private static final int ARGUMENT_BYTES = 900 * 1024;

    @TempDir
    Path temp;
    private Path small;
    private boolean mounted;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "mounts a tmpfs: Linux only");
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root; skipped as "
                + System.getProperty("user.name"));
        small = Files.createDirectory(temp.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        assumeTrue(mounted, "could not mount a tmpfs (a container without CAP_SYS_ADMIN?): " + output);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            Process umount = new ProcessBuilder("umount", "-l", small.toString()).redirectErrorStream(true).start();
            umount.getInputStream().readAllBytes();
            umount.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void poolFolderDiskFills_tasksThatCannotBeWrittenFailSayingSo_poolServesAgainOnceSpaceReturns() throws Exception {
        byte[] argument = new byte[ARGUMENT_BYTES];
        String previousTemp = System.getProperty("java.io.tmpdir");
        ProcessPoolExecutor pool;
        System.setProperty("java.io.tmpdir", small.toString()); // where the pool puts its folder
        try {
            pool = Pools.quietPool(1).build();
        } finally {
            System.setProperty("java.io.tmpdir", previousTemp);
        }
        try (pool) {
            assertEquals(ARGUMENT_BYTES, Pools.valueOf(pool.submit(new ArgumentLengthTask(argument))));
            Pools.awaitQueuesInUse(pool); // what needs disk space: the start-up lane needs none
            Path filler = fill(small);

            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                futures.add(pool.submit(new ArgumentLengthTask(argument)));
            }
            int refused = 0;
            String first = null;
            for (Future<Integer> future : futures) {
                Throwable failure = Pools.failureOf(future);
                String message = String.valueOf(failure.getMessage());
                assertTrue(message.contains("disk holding the pool's folder is full") && message.contains(small.toString())
                        && message.contains("free"), "says the disk is full, where, and how much is free: " + failure);
                refused++;
                first = first == null ? failure.toString() : first;
            }
            System.out.println("disk full: " + refused + " of 12 tasks failed at once, saying so; the first: " + first);

            Files.delete(filler);
            for (int i = 0; i < 12; i++) {
                assertEquals(ARGUMENT_BYTES, Pools.valueOf(pool.submit(new ArgumentLengthTask(argument))),
                        "the pool serves again once space returns");
            }
        }
    }

    /** Fills the file system under {@code folder} until it refuses another byte; returns the file that did it. */
    private static Path fill(Path folder) throws IOException {
        Path filler = folder.resolve("filler");
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left"), "filled: " + full);
        }
        return filler;
    }
}
