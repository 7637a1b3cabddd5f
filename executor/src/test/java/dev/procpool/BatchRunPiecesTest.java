package dev.procpool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchRunPiecesTest {
    @Test
    void smallFailedChunk_isSplitIntoSingleInputs() {
        assertEquals(2, BatchRun.pieces(2));
        assertEquals(64, BatchRun.pieces(64));
    }

    @Test
    void largeFailedChunk_isSplitIntoAboutTheSquareRootOfItsSize() {
        assertEquals(9, BatchRun.pieces(65));
        assertEquals(32, BatchRun.pieces(1000));
        assertEquals(317, BatchRun.pieces(100_000));
    }
}
