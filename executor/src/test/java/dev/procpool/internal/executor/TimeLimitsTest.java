package dev.procpool.internal.executor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeLimitsTest {
    @Test
    void overLimit_onlyWithALimit_fromWhenTheTaskWasSeenRunning() {
        assertFalse(TimeLimits.overLimit(0, 0, Long.MAX_VALUE), "0: no limit");
        assertFalse(TimeLimits.overLimit(100, 1_000, 1_099));
        assertTrue(TimeLimits.overLimit(100, 1_000, 1_100));
        assertTrue(TimeLimits.overLimit(100, Long.MAX_VALUE - 10, Long.MIN_VALUE + 100), "clock wrap-around");
    }

    @Test
    void graceOver_onlyForTheInterruptedTask_stillRunning_pastItsDeadline() {
        WorkerHandle.TaskWatch watch = new WorkerHandle.TaskWatch();
        assertFalse(TimeLimits.graceOver(watch, 0, 1_000), "nothing interrupted");
        watch.interruptedTask = 7;
        watch.killAtNs = 500;
        assertFalse(TimeLimits.graceOver(watch, 7, 499));
        assertTrue(TimeLimits.graceOver(watch, 7, 500));
        assertFalse(TimeLimits.graceOver(watch, 8, 600), "it stopped; the worker runs another task now");
        assertFalse(TimeLimits.graceOver(watch, 0, 600), "it stopped; the worker is idle");
    }
}
