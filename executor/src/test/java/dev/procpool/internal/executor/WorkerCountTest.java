package dev.procpool.internal.executor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerCountTest {
    @Test
    void plainPool_alwaysWantsItsSize() {
        assertEquals(4, WorkerCount.wanted(false, false, 4, 0, 0, 0, 0));
        assertEquals(4, WorkerCount.wanted(false, false, 4, 0, 4, 4, 100));
    }

    @Test
    void windingDown_wantsNone() {
        assertEquals(0, WorkerCount.wanted(true, false, 4, 0, 4, 2, 0));
        assertEquals(0, WorkerCount.wanted(true, true, 4, 2, 4, 2, 0));
    }

    @Test
    void onDemand_startsWorkersForWaitingTasks_upToTheSize() {
        assertEquals(0, WorkerCount.wanted(false, true, 4, 0, 0, 0, 0), "nothing waits: nothing starts");
        assertEquals(2, WorkerCount.wanted(false, true, 4, 0, 0, 0, 2));
        assertEquals(4, WorkerCount.wanted(false, true, 4, 0, 1, 1, 10), "never more than the size");
    }

    @Test
    void onDemand_keepsMinimumAndRunningWorkers_idleOnesRetireByTimer() {
        assertEquals(1, WorkerCount.wanted(false, true, 4, 1, 0, 0, 0), "minWorkers stay warm");
        assertEquals(3, WorkerCount.wanted(false, true, 4, 0, 3, 0, 0), "idle workers are not cut here");
    }

    @Test
    void resizedBelowTheWorkersRunning_wantsTheNewSize() {
        assertEquals(2, WorkerCount.wanted(false, true, 2, 0, 5, 5, 0));
        assertEquals(1, WorkerCount.wanted(false, false, 1, 0, 5, 5, 0));
    }

    @Test
    void beforeTheFirstHandshake_newJvm_launchesOneFewerThanTheProcessors_atLeastOne() {
        assertEquals(1, WorkerCount.launchable(false, false, 1, 0), "one processor: one at a time");
        assertEquals(1, WorkerCount.launchable(false, false, 2, 0), "two: one at a time, the parent needs the other");
        assertEquals(0, WorkerCount.launchable(false, false, 2, 1), "and none while that one starts");
        assertEquals(3, WorkerCount.launchable(false, false, 4, 0));
        assertEquals(1, WorkerCount.launchable(false, false, 4, 2));
        assertEquals(0, WorkerCount.launchable(false, false, 4, 5), "never negative");
    }

    @Test
    void beforeTheFirstHandshake_jvmThatRanAPool_launchesAsManyAsTheProcessors() {
        assertEquals(1, WorkerCount.launchable(false, true, 1, 0));
        assertEquals(2, WorkerCount.launchable(false, true, 2, 0), "two: both at once");
        assertEquals(1, WorkerCount.launchable(false, true, 2, 1));
        assertEquals(0, WorkerCount.launchable(false, true, 2, 2), "and no more while they start");
        assertEquals(4, WorkerCount.launchable(false, true, 4, 0));
    }

    @Test
    void fromTheFirstHandshake_launchesAsManyAsWanted() {
        assertEquals(Integer.MAX_VALUE, WorkerCount.launchable(true, false, 2, 1));
        assertEquals(Integer.MAX_VALUE, WorkerCount.launchable(true, true, 1, 0));
    }
}
