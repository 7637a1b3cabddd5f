package dev.procpool.internal.executor;

import dev.procpool.internal.executor.WorkerStatus.Leaving;
import dev.procpool.internal.executor.WorkerStatus.Phase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerStatusTest {
    @Test
    void newWorker_isLaunching_aliveButNotServing() {
        WorkerStatus status = WorkerStatus.NEW;
        assertTrue(status.is(Phase.LAUNCHING));
        assertTrue(status.isAlive());
        assertFalse(status.isServing());
        assertTrue(status.isStarting(), "the start deadline applies while its JVM is still being launched");
    }

    @Test
    void phases_moveForwardOnly() {
        WorkerStatus ready = WorkerStatus.NEW.advance(Phase.STARTING).advance(Phase.INITIALIZING).advance(Phase.READY);
        assertTrue(ready.isServing());
        assertSame(ready, ready.advance(Phase.STARTING), "a ready worker never goes back to starting");
        assertTrue(ready.advance(Phase.EXITED).is(Phase.EXITED));
    }

    @Test
    void launchingStartingAndInitializing_areStarting() {
        assertTrue(WorkerStatus.NEW.isStarting());
        assertTrue(WorkerStatus.NEW.advance(Phase.STARTING).isStarting());
        assertTrue(WorkerStatus.NEW.advance(Phase.INITIALIZING).isStarting());
        assertFalse(WorkerStatus.NEW.advance(Phase.READY).isStarting());
    }

    @Test
    void leaving_strongerReasonReplacesWeaker_neverTheReverse() {
        WorkerStatus ready = WorkerStatus.NEW.advance(Phase.READY);
        WorkerStatus retired = ready.leave(Leaving.RETIRED, "the pool was resized");
        WorkerStatus killed = retired.leave(Leaving.KILLED_OVER_TASK, "task 7 did not stop");
        assertEquals(Leaving.KILLED_OVER_TASK, killed.leaving());
        assertEquals("task 7 did not stop", killed.reason());
        WorkerStatus stoppedAfter = killed.leave(Leaving.STOPPED, "the pool was stopped");
        assertSame(killed, stoppedAfter, "a stop does not hide that the worker was killed over a task");
        assertSame(killed, killed.leave(Leaving.KILLED_OVER_TASK, "again"), "the first reason of a kind is kept");
    }

    @Test
    void leavingWorker_keepsThePhaseItReached_andIsNeitherAliveNorServing() {
        WorkerStatus leaving = WorkerStatus.NEW.advance(Phase.READY).leave(Leaving.SAID_GOODBYE, "recycled");
        assertTrue(leaving.is(Phase.READY), "the exit must still tell a served worker from a failed start");
        assertFalse(leaving.isAlive());
        assertFalse(leaving.isServing());
        assertTrue(leaving.exitExpected());
    }

    @Test
    void toString_namesPhaseAndReason() {
        assertEquals("READY", WorkerStatus.NEW.advance(Phase.READY).toString());
        assertEquals("STARTING/KILLED (no handshake)",
                WorkerStatus.NEW.advance(Phase.STARTING).leave(Leaving.KILLED, "no handshake").toString());
    }
}
