package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.it.fixtures.SlowToReadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A result whose deserialization is slow stalls only the caller who reads it: the pool's scheduler, and with it
 * every other task's result, goes on.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class SlowResultTest {
    @Test
    void resultWithASlowReadObject_stallsOnlyItsCaller_otherTasksComplete() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(2).build()) {
            Future<SlowToReadResult> slow = pool.submit((SerializableCallable<SlowToReadResult>) () -> new SlowToReadResult(7));
            await("the slow result to arrive").atMost(WORKER_BOUND).until(slow::isDone);
            CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return slow.get().value();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(true, SlowToReadResult.READING.await(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS),
                    "a caller is reading the result");

            // while its readObject blocks, the pool answers other tasks
            List<Future<Integer>> others = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                others.add(pool.submit((SerializableCallable<Integer>) () -> n * 2));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(i * 2, valueOf(others.get(i)));
            }
            assertFalse(reader.isDone(), "the slow read is still blocked");

            SlowToReadResult.GATE.countDown();
            assertEquals(7, reader.get(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS));
            assertEquals(7, slow.get().value(), "a second get() returns the same result without reading again");
        }
    }
}
