package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Workers killed from outside while they start (what the OOM killer does on a loaded host) are not the pool's
 * configuration failing: the pool backs off and keeps starting workers instead of giving up as broken.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class StartupKillTest {
    /** More than the three start failures in a row after which a pool whose workers cannot start gives up. */
    private static final int KILLS = 4;

    @Test
    void workersKilledFromOutsideWhileStarting_poolKeepsTrying_andServesTheWaitingTask() throws Exception {
        Set<Long> before = Processes.runningDescendants().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
        try (ProcessPoolExecutor pool = quietPool(2).build()) {
            Future<Integer> waiting = pool.submit((SerializableCallable<Integer>) () -> 6 * 7);
            Set<Long> killed = new HashSet<>();
            // each new worker JVM is killed as soon as it appears, long before its handshake (hundreds of ms)
            await("workers killed as they start").atMost(WORKER_BOUND).pollInterval(Duration.ofMillis(5)).until(() -> {
                for (ProcessHandle process : newWorkers(before)) {
                    if (killed.size() < KILLS && killed.add(process.pid())) {
                        process.destroyForcibly();
                    }
                }
                return killed.size() >= KILLS;
            });

            assertEquals(42, valueOf(waiting), "a worker started after the kills runs the task that waited");
            assertFalse(pool.isShutdown(), "the pool is not broken");
            assertEquals(7, valueOf(pool.submit((SerializableCallable<Integer>) () -> 7)));
        }
    }

    private static List<ProcessHandle> newWorkers(Set<Long> before) {
        return Processes.runningDescendants().stream()
                .filter(p -> !before.contains(p.pid()))
                .filter(p -> p.info().commandLine().map(c -> c.contains("WorkerMain")).orElse(false))
                .toList();
    }
}
