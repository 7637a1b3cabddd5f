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

    @Test
    void killsFromOutside_neverGiveUp_butBackOffLongerEachTime_atMost5s() {
        StartFailures failures = new StartFailures(0);
        assertEquals(0, failures.killedFromOutside(0), "the first replacement starts at once");
        assertEquals(250 * MS, failures.killedFromOutside(0));
        assertEquals(1_000 * MS, failures.killedFromOutside(0));
        for (int i = 0; i < 20; i++) {
            assertEquals(5_000 * MS, failures.killedFromOutside(0));
        }
        assertFalse(failures.mayStart(4_999 * MS));
        assertTrue(failures.mayStart(5_000 * MS));
        assertFalse(failures.failed(0), "kills from outside do not count toward giving up");
        failures.succeeded();
        assertEquals(0, failures.killedFromOutside(0), "a worker that became ready resets the back-off");
    }
}
