package dev.procpool;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChecksTest {
    @Test
    void positive_refusesZeroAndBelow_withTheNameAndValue() {
        assertEquals(3, Checks.positive(3, "workers"));
        assertEquals("workers must be > 0, was 0",
                assertThrows(IllegalArgumentException.class, () -> Checks.positive(0, "workers")).getMessage());
        assertEquals("maxTasksPerWorker must be > 0, was -1",
                assertThrows(IllegalArgumentException.class, () -> Checks.positive(-1L, "maxTasksPerWorker")).getMessage());
        assertEquals("timeLimit must be > 0, was PT0S",
                assertThrows(IllegalArgumentException.class, () -> Checks.positive(Duration.ZERO, "timeLimit")).getMessage());
        assertEquals("timeLimit",
                assertThrows(NullPointerException.class, () -> Checks.positive((Duration) null, "timeLimit")).getMessage());
    }

    @Test
    void notNegative_acceptsZero_refusesBelow() {
        assertEquals(0, Checks.notNegative(0, "retries"));
        assertEquals(Duration.ZERO, Checks.notNegative(Duration.ZERO, "interruptGrace"));
        assertEquals("retries must be >= 0, was -2",
                assertThrows(IllegalArgumentException.class, () -> Checks.notNegative(-2, "retries")).getMessage());
        assertEquals("interruptGrace must be >= 0, was PT-1S",
                assertThrows(IllegalArgumentException.class,
                        () -> Checks.notNegative(Duration.ofSeconds(-1), "interruptGrace")).getMessage());
    }

    @Test
    void builderAndTaskOptions_useTheSameMessages() {
        assertEquals("spareWorkers must be >= 0, was -1", assertThrows(IllegalArgumentException.class,
                () -> ProcessPoolExecutor.builder().spareWorkers(-1)).getMessage());
        assertEquals("retries must be >= 0, was -1", assertThrows(IllegalArgumentException.class,
                () -> TaskOptions.defaults().retries(-1)).getMessage());
    }
}
