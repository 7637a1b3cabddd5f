package dev.procpool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InOrderTest {
    @Test
    void valuesPutOutOfOrder_areTakenInIndexOrder_acrossGrowth() {
        InOrder<Long> ring = new InOrder<>();
        for (long i = 0; i < 10; i++) {
            ring.put(i, i);
        }
        assertEquals(0L, ring.takeNext());
        for (long i = 1000; i > 10; i--) { // far ahead, backwards: the ring grows past its first size while wrapped
            ring.put(i, i);
        }
        for (long i = 1; i < 10; i++) {
            assertEquals(i, ring.takeNext());
        }
        assertNull(ring.takeNext(), "10 is not known yet");
        ring.put(10, 10L);
        for (long i = 10; i <= 1000; i++) {
            assertEquals(i, ring.takeNext());
        }
        assertNull(ring.takeNext());
    }

    @Test
    void indexAlreadyTaken_isRefused() {
        InOrder<String> ring = new InOrder<>();
        ring.put(0, "a");
        ring.takeNext();
        assertThrows(IllegalArgumentException.class, () -> ring.put(0, "again"));
    }
}
