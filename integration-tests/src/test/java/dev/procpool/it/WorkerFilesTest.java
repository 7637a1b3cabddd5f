package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.fixtures.NativeCrashTask;
import dev.procpool.it.fixtures.TempFileTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The files a worker makes live in the pool's folder and go with it; what is worth keeping is kept elsewhere. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class WorkerFilesTest {

    @Test
    void taskCreatesATempFile_itLivesInThePoolFolderAndGoesWithThePool() throws Exception {
        Path file;
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            file = Path.of(Pools.valueOf(pool.submit(new TempFileTask())));

            List<Path> poolFolders = NoLeakedWorkers.poolFolders();
            assertTrue(poolFolders.stream().anyMatch(file::startsWith),
                    "the worker's temp file " + file + " is inside a pool folder " + poolFolders);
            assertTrue(Files.exists(file));
        }
        assertFalse(Files.exists(file), "the task's temp file went with the pool");
    }

    @Test
    void workerCrashesInNativeCode_reportNamesSignalAndFrameAndKeepsTheErrorFileOutsideTheWorkingDirectory() throws Exception {
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            Throwable failure = Pools.failureOf(pool.submit(new NativeCrashTask()));

            WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, failure);
            String message = crash.getMessage();
            assertTrue(message.contains("SIGSEGV"), message);
            assertTrue(message.contains("problematic frame: "), message);
            Matcher kept = Pattern.compile("its error report is kept at (\\S+hs_err_pid" + crash.pid() + "\\.log)").matcher(message);
            assertTrue(kept.find(), message);
            Path report = Path.of(kept.group(1));
            try {
                assertTrue(Files.readString(report).contains("SIGSEGV"), "the kept report is HotSpot's");
                assertFalse(Files.exists(Path.of("hs_err_pid" + crash.pid() + ".log")),
                        "no report left in the working directory");
            } finally {
                Files.deleteIfExists(report);
            }
        }
    }
}
