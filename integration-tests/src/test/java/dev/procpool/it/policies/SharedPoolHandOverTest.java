package dev.procpool.it.policies;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.it.NoLeakedWorkers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared pool's hand-over: when another thread changes the shared pool's configuration, a thread that still
 * holds the old pool keeps submitting to it without a rejection; its tasks run on the pool that replaced it.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class SharedPoolHandOverTest {
    private static final int THREADS = 20;
    private static final int ROUNDS = 2;

    @Test
    void twentyThreadsChangeTheSharedPoolsEnvironment_noSubmitIsRejected_everyTaskRuns() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        Set<ProcessPoolExecutor> seen = ConcurrentHashMap.newKeySet();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(callers.submit(() -> {
                    go.await();
                    List<String> answers = new ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        String value = Integer.toString((thread + round) % 2);
                        ProcessPoolExecutor pool = ProcessPoolExecutor.shared(
                                Pools.small(1).environment(Map.of("PROCPOOL_HANDOVER", value)));
                        seen.add(pool);
                        // by now another thread may have replaced this pool: the submit must still be accepted
                        answers.add(pool.submit((SerializableCallable<String>) () -> System.getenv("PROCPOOL_HANDOVER"))
                                .get(120, TimeUnit.SECONDS));
                    }
                    return answers;
                }));
            }
            go.countDown();
            for (Future<List<String>> result : results) {
                List<String> answers = result.get(150, TimeUnit.SECONDS); // a rejection would surface here
                assertEquals(ROUNDS, answers.size());
                assertTrue(answers.stream().allMatch(a -> a.equals("0") || a.equals("1")), answers::toString);
            }
            assertTrue(seen.size() >= 2, "the configuration changed, so the shared pool was replaced");
        } finally {
            callers.shutdownNow();
            ProcessPoolExecutor.shared(Pools.small(1).environment(Map.of("PROCPOOL_HANDOVER", "end"))).close();
            for (ProcessPoolExecutor pool : seen) {
                assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "a replaced shared pool terminates: " + pool);
            }
        }
    }
}
