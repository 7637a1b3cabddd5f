package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.TaskSerializationException;
import dev.procpool.it.fixtures.ByteArrayFieldTask;
import dev.procpool.it.fixtures.DeepArgumentTask;
import dev.procpool.it.fixtures.DeepChainTask;
import dev.procpool.it.fixtures.PidTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.Future;

import static dev.procpool.it.Pools.failureOf;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every value the pool reads, a result in the parent or a task in its worker, is held to the pool's
 * deserialization limits: one over a limit fails only its task with {@link TaskSerializationException} naming
 * the limit and the builder setting that raises it, the worker stays, and a raised limit lets the value through.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class DeserializationLimitsTest {
    private static final String SETTER = "ProcessPoolBuilder.deserializationLimits(maxDepth, maxArrayLength, maxReferences)";

    @Test
    void callableWith100MiBByteArrayField_defaultLimits_runs() throws Exception {
        byte[] data = new byte[100 << 20]; // over 100,000,000 elements: a limit there refused it
        new java.util.Random(7).nextBytes(data);
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            assertEquals(ByteArrayFieldTask.digest(data), valueOf(pool.submit(new ByteArrayFieldTask(data))));
        }
    }

    @Test
    void resultDeeperThanLimit_taskFailsNamingLimitAndSetter_poolCarriesOn() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).deserializationLimits(100, 1_000_000, 1_000_000).build()) {
            long pid = valueOf(pool.submit(new PidTask()));
            Future<DeepChainTask.Link> deep = pool.submit(new DeepChainTask(300));

            TaskSerializationException failure = assertInstanceOf(TaskSerializationException.class, failureOf(deep));
            assertTrue(failure.getMessage().contains("could not be read in the parent"), failure::getMessage);
            assertTrue(failure.getMessage().contains("nests deeper than the limit of 100 levels"), failure::getMessage);
            assertTrue(failure.getMessage().contains(SETTER), failure::getMessage);
            assertEquals(pid, valueOf(pool.submit(new PidTask())), "the worker stays");
        }
    }

    @Test
    void argumentDeeperThanLimit_workerRefusesIt_taskFailsNamingLimit_workerStays() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).deserializationLimits(100, 1_000_000, 1_000_000).build()) {
            long pid = valueOf(pool.submit(new PidTask()));
            Future<Integer> deep = pool.submit(DeepArgumentTask.ofLength(300));

            TaskSerializationException failure = assertInstanceOf(TaskSerializationException.class, failureOf(deep));
            assertTrue(failure.getMessage().contains("could not be read in its worker"), failure::getMessage);
            assertTrue(failure.getMessage().contains("nests deeper than the limit of 100 levels"), failure::getMessage);
            assertTrue(failure.getMessage().contains(SETTER), failure::getMessage);
            assertEquals(pid, valueOf(pool.submit(new PidTask())), "the worker stays");
        }
    }

    @Test
    void raisedLimit_deepValuesTravelBothWays() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).deserializationLimits(1_000, 1_000_000, 1_000_000).build()) {
            assertEquals(300, valueOf(pool.submit(new DeepChainTask(300))).length());
            assertEquals(300, valueOf(pool.submit(DeepArgumentTask.ofLength(300))));
        }
    }
}
