package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a worker JVM loads to open its queues. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class WorkerClassesTest {
    @TempDir
    Path temp;

    @Test
    void worker_opensItsQueues_withoutChroniclesJnrPosixLayer() throws Exception {
        // jnr-ffi generates ~230 classes at run time, which cost every worker ~100 ms and ~15 MiB; procpool
        // selects Chronicle's no-op POSIX layer, which only works if nothing loads Chronicle's OS class first
        try (ProcessPoolExecutor pool = quietPool(1).workingDirectory(temp)
                .jvmOptions(List.of("-Xlog:class+load=info:file=classes.txt")).build()) {
            assertEquals(42, valueOf(pool.submit((SerializableCallable<Integer>) () -> 42)));
        }

        List<String> loaded = Files.readAllLines(temp.resolve("classes.txt"));
        assertTrue(loaded.stream().anyMatch(line -> line.contains("net.openhft.chronicle.core.OS ")),
                "the log covers Chronicle's own classes");
        assertEquals(List.of(), loaded.stream().filter(line -> line.contains(" jnr.") || line.contains(".jnr.")).limit(5).toList());
    }
}
