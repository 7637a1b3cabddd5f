package dev.procpool.internal.executor;

import dev.procpool.SerializableCallable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void parkNs_waitsForTheFirstLimitOrGrace_notAtAllForAnUnseenStart() {
        Tasks tasks = new Tasks(new TaskLimits(0, 0));
        TimeLimits limits = new TimeLimits(() -> null);
        WorkerHandle plain = new WorkerHandle(1, Path.of("w1"));
        plain.track(tasks.create((SerializableCallable<Integer>) () -> 1, null, false, null));
        assertEquals(50, limits.parkNs(List.of(plain), 1_000, 50), "no limit in flight: the whole bound");

        WorkerHandle limited = new WorkerHandle(2, Path.of("w2"));
        TaskFuture<Integer> task = tasks.create((SerializableCallable<Integer>) () -> 1, null, false, null,
                new TaskLimits(100, 0));
        limited.track(task);
        assertEquals(0, limits.parkNs(List.of(plain, limited), 1_000, 50), "its start not seen yet: keep looking");

        limited.watch.observedTask = task.id();
        limited.watch.observedSinceNs = 980;
        assertEquals(50, limits.parkNs(List.of(plain, limited), 1_000, 50), "its limit ends after the bound");
        assertEquals(30, limits.parkNs(List.of(plain, limited), 1_050, 50), "until its limit ends");
        assertEquals(0, limits.parkNs(List.of(limited), 1_200, 50), "over its limit: no park");

        limited.watch.interruptedTask = task.id();
        limited.watch.killAtNs = 1_240;
        assertEquals(40, limits.parkNs(List.of(limited), 1_200, 50), "interrupted: until its grace ends");
        limited.watch.observedTask = 0;
        assertEquals(0, limits.parkNs(List.of(limited), 1_300, 50),
                "its slot is clear, its answer not yet read: keep looking, the grace no longer counts");
    }
}
