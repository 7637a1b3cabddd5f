package dev.procpool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchWindowTest {
    private static final long MIB = 1L << 20;

    @Test
    void automaticChunkCap_largeHeap_isTheCap() {
        assertEquals(65_536, Batch.automaticChunkCap(8192 * MIB, 2));
    }

    @Test
    void automaticChunkCap_64MiBHeapTwoWorkers_windowOf131072() {
        int cap = Batch.automaticChunkCap(64 * MIB, 2);
        assertEquals(16_384, cap);
        assertEquals(131_072, Batch.CHUNKS_PER_WORKER * 2 * cap, "the window the -Xmx64m parent was measured with");
    }

    @Test
    void automaticChunkCap_manyWorkersInASmallHeap_shrinksButNotBelow256() {
        assertEquals(512, Batch.automaticChunkCap(64 * MIB, 64));
        assertEquals(256, Batch.automaticChunkCap(MIB, 2));
    }
}
