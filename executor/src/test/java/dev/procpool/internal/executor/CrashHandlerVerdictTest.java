package dev.procpool.internal.executor;

import dev.procpool.internal.executor.CrashHandler.Verdict;
import dev.procpool.internal.executor.WorkerStatus.Leaving;
import dev.procpool.internal.executor.WorkerStatus.Phase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrashHandlerVerdictTest {
    private static final WorkerStatus READY = WorkerStatus.NEW.advance(Phase.READY);
    private static final WorkerStatus STARTING = WorkerStatus.NEW.advance(Phase.STARTING);

    @Test
    void servingWorkerExitsUnasked_isACrash_andALoss() {
        assertEquals(Verdict.CRASH, CrashHandler.verdict(READY));
        assertTrue(CrashHandler.lostAWorker(READY));
    }

    @Test
    void workerThatNeverBecameReady_isAStartFailure_notALoss() {
        assertEquals(Verdict.START_FAILURE, CrashHandler.verdict(STARTING));
        assertEquals(Verdict.START_FAILURE, CrashHandler.verdict(WorkerStatus.NEW));
        assertEquals(Verdict.START_FAILURE, CrashHandler.verdict(STARTING.leave(Leaving.KILLED, "no handshake")));
        assertFalse(CrashHandler.lostAWorker(STARTING));
    }

    @Test
    void retiredRecycledOrStoppedWorker_exitIsExpected_noLoss() {
        for (Leaving why : new Leaving[] {Leaving.RETIRED, Leaving.SAID_GOODBYE, Leaving.STOPPED, Leaving.KILLED}) {
            WorkerStatus status = READY.leave(why, "because");
            assertEquals(Verdict.EXPECTED, CrashHandler.verdict(status), why.name());
            assertFalse(CrashHandler.lostAWorker(status), why.name());
        }
    }

    @Test
    void workerKilledOverATask_isNoCrashToBlame_butALoss() {
        WorkerStatus killed = READY.leave(Leaving.KILLED_OVER_TASK, "task 3 did not stop");
        assertEquals(Verdict.EXPECTED, CrashHandler.verdict(killed), "the task's future already failed");
        assertTrue(CrashHandler.lostAWorker(killed), "from then on the pool keeps a spare");
    }
}
