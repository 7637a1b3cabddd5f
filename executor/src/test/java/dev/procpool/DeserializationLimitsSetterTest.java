package dev.procpool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link ProcessPoolBuilder#deserializationLimits} checks its values at the call, with exact messages. */
class DeserializationLimitsSetterTest {
    @Test
    void zeroOrNegativeLimit_rejectedNamingIt() {
        ProcessPoolBuilder builder = ProcessPoolExecutor.builder();
        assertEquals("maxDepth must be > 0, was 0",
                assertThrows(IllegalArgumentException.class, () -> builder.deserializationLimits(0, 1, 1)).getMessage());
        assertEquals("maxArrayLength must be > 0, was -1",
                assertThrows(IllegalArgumentException.class, () -> builder.deserializationLimits(1, -1, 1)).getMessage());
        assertEquals("maxReferences must be > 0, was 0",
                assertThrows(IllegalArgumentException.class, () -> builder.deserializationLimits(1, 1, 0)).getMessage());
    }

    @Test
    void limits_reachThePoolsConfig() {
        assertEquals(new dev.procpool.internal.ipc.codec.DeserializationLimits(5, 6, 7),
                ProcessPoolExecutor.builder().deserializationLimits(5, 6, 7).config(false).deserializationLimits());
    }
}
