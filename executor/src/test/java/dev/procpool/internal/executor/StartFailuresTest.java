package dev.procpool.internal.executor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartFailuresTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void newPool_mayStartAtOnce() {
        assertTrue(new StartFailures(-5 * MS).mayStart(-5 * MS), "System.nanoTime may be negative");
    }

    @Test
    void failures_backOff250msThenGiveUpAtTheThird() {
        long t = 1_000 * MS;
        StartFailures failures = new StartFailures(t);
        assertFalse(failures.failed(t));
        assertFalse(failures.mayStart(t + 249 * MS));
        assertTrue(failures.mayStart(t + 250 * MS));
        assertFalse(failures.failed(t + 300 * MS));
        assertEquals(t + 1_300 * MS, failures.nextStartNs());
        assertTrue(failures.failed(t + 1_400 * MS), "three in a row: the pool stops trying");
    }

    @Test
    void aWorkerThatBecomesReady_resetsTheCount() {
        StartFailures failures = new StartFailures(0);
        failures.failed(0);
        failures.failed(0);
        failures.succeeded();
        assertFalse(failures.failed(0));
        assertFalse(failures.failed(0));
        assertTrue(failures.failed(0));
    }
}
