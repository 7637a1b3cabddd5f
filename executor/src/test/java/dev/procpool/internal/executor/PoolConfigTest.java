package dev.procpool.internal.executor;

import dev.procpool.WorkerOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolConfigTest {
    private static PoolConfig config(int workers, byte[] initializer, PoolConfig.Spares spares) {
        return new PoolConfig("test", null, workers, 0, List.of("-Xmx64m"), Map.of(), null, WorkerOutput.DISCARD,
                Duration.ofSeconds(60), null, 1, Duration.ofSeconds(2), Duration.ofSeconds(1), 0, 0, initializer,
                true, spares, true, null, dev.procpool.internal.ipc.codec.DeserializationLimits.DEFAULT);
    }

    @Test
    void withWorkers_changesOnlyTheSize() {
        PoolConfig four = config(4, new byte[] {1, 2}, PoolConfig.Spares.AHEAD_OF_FIRST_LOSS);
        PoolConfig two = four.withWorkers(2);
        assertEquals(2, two.workers());
        assertTrue(two.sameExceptSize(four));
        assertNotEquals(two, four);
        assertEquals(four, two.withWorkers(4));
    }

    @Test
    void equalInitializerBytes_areTheSameConfig_otherBytesAreNot() {
        PoolConfig a = config(2, new byte[] {1, 2}, PoolConfig.Spares.AHEAD_OF_FIRST_LOSS);
        assertEquals(a, config(2, new byte[] {1, 2}, PoolConfig.Spares.AHEAD_OF_FIRST_LOSS));
        assertFalse(a.sameExceptSize(config(2, new byte[] {1, 3}, PoolConfig.Spares.AHEAD_OF_FIRST_LOSS)));
        assertFalse(a.sameExceptSize(config(2, new byte[] {1, 2}, PoolConfig.Spares.always(0))));
    }

    @Test
    void spares_noneUntilIdleOrTheFirstLossByDefault_orAFixedNumber() {
        assertEquals(0, PoolConfig.Spares.AHEAD_OF_FIRST_LOSS.wanted(false, false));
        assertEquals(1, PoolConfig.Spares.AHEAD_OF_FIRST_LOSS.wanted(false, true));
        assertEquals(1, PoolConfig.Spares.AHEAD_OF_FIRST_LOSS.wanted(true, false));
        assertEquals(2, PoolConfig.Spares.always(2).wanted(false, false));
        assertEquals(2, PoolConfig.Spares.always(2).wanted(false, true));
        assertEquals(0, PoolConfig.Spares.always(0).wanted(true, true));
        assertEquals(3, new PoolConfig.Spares(3, 1, 0).wanted(false, true), "once idle never means fewer than from the start");
        assertEquals(0, new PoolConfig.Spares(3, 1, 0).wanted(true, true));
    }

    @Test
    void taskLimits_comeFromTheTimeLimitAndRetries() {
        assertEquals(new TaskLimits(Duration.ofSeconds(2).toNanos(), 1),
                config(1, null, PoolConfig.Spares.AHEAD_OF_FIRST_LOSS).taskLimits());
    }
}
