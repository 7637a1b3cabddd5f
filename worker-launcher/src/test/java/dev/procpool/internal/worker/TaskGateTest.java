package dev.procpool.internal.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskGateTest {
    private final TaskGate gate = new TaskGate(Thread.currentThread());

    @Test
    void cancelBeforeStart_skipsTheTask_once() {
        assertEquals(TaskGate.Cancel.SKIPPED, gate.cancel(7, false));
        assertFalse(gate.tryStart(7), "a skipped task is not run");
        assertTrue(gate.tryStart(8));
    }

    @Test
    void taskTakenBackTwiceBeforeItsFirstCopyIsRead_bothCopiesAreSkipped() {
        // sent, taken back (skip answered), sent here again, taken back again: two copies wait in the queue,
        // and the parent has given the task to another worker
        assertEquals(TaskGate.Cancel.SKIPPED, gate.cancel(7, false));
        assertEquals(TaskGate.Cancel.SKIPPED, gate.cancel(7, false));
        assertFalse(gate.tryStart(7), "the first copy");
        assertFalse(gate.tryStart(7), "the second copy: it runs in another worker");
        assertTrue(gate.tryStart(7), "a third copy, sent after the skips were answered, runs");
    }

    @Test
    void cancelWhileRunning_withInterrupt_interruptsTheTaskThread() {
        assertTrue(gate.tryStart(7));
        assertEquals(TaskGate.Cancel.INTERRUPTED, gate.cancel(7, true));
        assertTrue(Thread.interrupted());
    }

    @Test
    void cancelWhileRunning_withoutInterrupt_letsItRun() {
        assertTrue(gate.tryStart(7));
        assertEquals(TaskGate.Cancel.LEFT_RUNNING, gate.cancel(7, false));
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void cancelAfterTheTaskReturned_butBeforeItsAnswerIsWritten_isTooLate_neverASecondAnswer() {
        assertTrue(gate.tryStart(7));
        gate.finished(7);
        assertEquals(TaskGate.Cancel.TOO_LATE, gate.cancel(7, false), "the task ran: it must not be answered as skipped");
        assertEquals(TaskGate.Cancel.TOO_LATE, gate.cancel(7, true));
        assertFalse(Thread.currentThread().isInterrupted(), "no interrupt while the answer is written");
    }

    @Test
    void finished_clearsAnInterruptMeantForTheTask() {
        assertTrue(gate.tryStart(7));
        gate.cancel(7, true);
        gate.finished(7);
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void cancelAfterTheAnswerIsWritten_isRecordedAsSkip_harmlessForLaterTasks() {
        assertTrue(gate.tryStart(7));
        gate.finished(7);
        gate.answered(7);
        assertEquals(TaskGate.Cancel.SKIPPED, gate.cancel(7, false)); // the parent ignores an answer for a done task
        assertTrue(gate.tryStart(8));
        assertEquals(8, gate.running());
    }

    @Test
    void interruptRunning_onlyWhileATaskRuns() {
        assertFalse(gate.interruptRunning());
        assertTrue(gate.tryStart(3));
        assertTrue(gate.interruptRunning());
        assertTrue(Thread.interrupted());
    }
}
