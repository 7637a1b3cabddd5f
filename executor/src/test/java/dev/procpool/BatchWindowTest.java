package dev.procpool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchWindowTest {
    private static final long MIB = 1L << 20;

    @Test
    void automaticChunkCap_largeHeap_isTheCapFourPerWorker() {
        assertEquals(65_536, Batch.automaticChunkCap(8192 * MIB, 2));
        assertEquals(4, Batch.chunksPerWorker(8192 * MIB, 2));
    }

    @Test
    void automaticChunkCap_64MiBHeapTwoWorkers_twoChunksOf32768PerWorker() {
        int cap = Batch.automaticChunkCap(64 * MIB, 2);
        int perWorker = Batch.chunksPerWorker(64 * MIB, 2);
        assertEquals(32_768, cap);
        assertEquals(2, perWorker);
        assertEquals(131_072, perWorker * 2 * cap, "the window the -Xmx64m parent was measured with");
    }

    @Test
    void chunksPerWorker_heapForThreeFullChunksPerWorker_isThree() {
        assertEquals(3, Batch.chunksPerWorker(3 * 2 * 65_536 * Batch.HEAP_BYTES_PER_INPUT, 2));
    }

    @Test
    void automaticChunkCap_manyWorkersInASmallHeap_shrinksButNotBelow256() {
        assertEquals(1_024, Batch.automaticChunkCap(64 * MIB, 64));
        assertEquals(256, Batch.automaticChunkCap(MIB / 4, 2));
    }
}
