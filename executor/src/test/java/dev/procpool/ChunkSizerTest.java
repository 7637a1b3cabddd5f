package dev.procpool;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChunkSizerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void fixed_neverChanges() {
        ChunkSizer sizer = ChunkSizer.fixed(10);
        sizer.observed(10, 10_000 * MS);
        assertEquals(10, sizer.next());
    }

    @Test
    void automatic_startsAtOneInput() {
        assertEquals(1, ChunkSizer.automatic(100).next());
    }

    @Test
    void automatic_fastInputs_growAtMostTwofoldPerChunk_upToTheCap() {
        ChunkSizer sizer = ChunkSizer.automatic(50);
        int[] sizes = new int[8];
        for (int i = 0; i < sizes.length; i++) {
            sizer.observed(sizer.next(), sizer.next() * MS / 1000); // 1 µs per input
            sizes[i] = sizer.next();
        }
        assertEquals("[2, 4, 8, 16, 32, 50, 50, 50]", java.util.Arrays.toString(sizes));
    }

    @Test
    void automatic_aimsAtTwoHundredMillisecondsPerChunk() {
        ChunkSizer sizer = ChunkSizer.automatic(1_000);
        for (int i = 0; i < 20; i++) {
            sizer.observed(sizer.next(), sizer.next() * 10 * MS); // 10 ms per input
        }
        assertEquals(20, sizer.next());
    }

    @Test
    void automatic_slowerInputs_shrinkAtOnce() {
        ChunkSizer sizer = ChunkSizer.automatic(1_000);
        for (int i = 0; i < 20; i++) {
            sizer.observed(sizer.next(), sizer.next() * MS / 10);
        }
        assertEquals(1_000, sizer.next());
        sizer.observed(1_000, 1_000 * 1_000 * MS); // suddenly 1 s per input
        assertEquals(1, sizer.next());
    }
}
