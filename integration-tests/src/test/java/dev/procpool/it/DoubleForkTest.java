package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.fixtures.DoubleForkTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A process a task starts through a double fork ({@code sh -c 'sleep 300 &'}) leaves its worker's process tree;
 * it must still end with the pool. Linux only: elsewhere such a process escapes, as the README says.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class DoubleForkTest {

    @Test
    void taskStartsADoubleForkedProcess_itEndsWhenThePoolCloses() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "finds such processes through /proc (Linux)");
        int seconds = 300 + ThreadLocalRandom.current().nextInt(1000, 9000); // a command line no one else has
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            assertEquals(0, Pools.valueOf(pool.submit(new DoubleForkTask(seconds))));
            await("the double-forked sleep to run").atMost(Pools.WORKER_BOUND).until(() -> !sleeps(seconds).isEmpty());
            ProcessHandle sleep = sleeps(seconds).get(0);
            assertTrue(ProcessHandle.current().descendants().noneMatch(p -> p.pid() == sleep.pid()),
                    "the sleep has left the pool's process tree");
        }
        try {
            await("the double-forked sleep to end with the pool").atMost(Duration.ofSeconds(15))
                    .until(() -> sleeps(seconds).isEmpty());
        } finally {
            sleeps(seconds).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * A worker killed from outside ends the processes its tasks took out of its tree too, while the pool goes on:
     * the parent searches for them on a thread of its own, beside the crash report.
     */
    @Test
    void workerKilled_itsDoubleForkedProcessEndsWhileThePoolGoesOn() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "finds such processes through /proc (Linux)");
        int seconds = 300 + ThreadLocalRandom.current().nextInt(1000, 9000);
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            long worker = Pools.valueOf(pool.submit(() -> ProcessHandle.current().pid()));
            assertEquals(0, Pools.valueOf(pool.submit(new DoubleForkTask(seconds))));
            await("the double-forked sleep to run").atMost(Pools.WORKER_BOUND).until(() -> !sleeps(seconds).isEmpty());

            ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);

            try {
                await("the double-forked sleep to end with its worker").atMost(Duration.ofSeconds(15))
                        .until(() -> sleeps(seconds).isEmpty());
            } finally {
                sleeps(seconds).forEach(ProcessHandle::destroyForcibly);
            }
            long replacement = Pools.valueOf(pool.submit(() -> ProcessHandle.current().pid()));
            assertNotEquals(worker, replacement, "a new worker took over");
        }
    }

    private static List<ProcessHandle> sleeps(int seconds) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").equals("/usr/bin/sleep " + seconds)
                        || p.info().commandLine().orElse("").endsWith("sleep " + seconds))
                .filter(ProcessHandle::isAlive)
                .toList();
    }
}
