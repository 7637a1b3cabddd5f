package dev.procpool.internal.worker;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides, for one worker, between running a task and honouring a cancel for it, so that a task is either run
 * and answered once, or skipped and answered once, never both. The task thread calls {@link #tryStart},
 * {@link #finished} and {@link #answered} around each task; the control thread calls {@link #cancel}. An
 * interrupt is delivered under the same lock, so it can only reach the task thread while the task runs, never
 * while it writes to its queue (an interrupt there would close the queue's file channel).
 *
 * <p>A task may be sent to one worker more than once: taken back to balance the load (a cancel that skips it),
 * it may be sent here again, and taken back again, before this worker has read the first copy. Each skip
 * answered stands for one copy, so skips are counted per task: with one mark per task, the first copy used the
 * mark, the second ran here while the parent gave it to another worker as well, and the task ran twice.
 */
final class TaskGate {
    /** What a cancel did. */
    enum Cancel {
        /** The task runs; its thread was interrupted. */
        INTERRUPTED,
        /** The task runs and is left to finish (a cancel without interruption). */
        LEFT_RUNNING,
        /** The task has run and its answer is being written: the cancel is too late. */
        TOO_LATE,
        /** The task has not started: it will be skipped; the caller answers for it now. */
        SKIPPED
    }

    private final Thread taskThread;
    /** Copies to skip, per task id: one per {@link Cancel#SKIPPED} answered and not yet reached. */
    private final Map<Long, Integer> skipped = new HashMap<>();
    private long running;
    private long completing;

    TaskGate(Thread taskThread) {
        this.taskThread = taskThread;
    }

    /** Task thread: false when the task was cancelled before it started (it has been answered already). */
    synchronized boolean tryStart(long taskId) {
        Integer copies = skipped.remove(taskId);
        if (copies != null) {
            if (copies > 1) {
                skipped.put(taskId, copies - 1);
            }
            return false;
        }
        running = taskId;
        Thread.interrupted(); // an interrupt meant for an earlier task must not hit this one
        return true;
    }

    /** Task thread: the task returned; its answer is about to be written. */
    synchronized void finished(long taskId) {
        running = 0;
        completing = taskId;
        Thread.interrupted();
    }

    /** Task thread: the answer is written. */
    synchronized void answered(long taskId) {
        if (completing == taskId) {
            completing = 0;
        }
    }

    /** Control thread. */
    synchronized Cancel cancel(long taskId, boolean interrupt) {
        if (running == taskId) {
            if (interrupt) {
                taskThread.interrupt();
                return Cancel.INTERRUPTED;
            }
            return Cancel.LEFT_RUNNING;
        }
        if (completing == taskId) {
            return Cancel.TOO_LATE;
        }
        skipped.merge(taskId, 1, Integer::sum);
        return Cancel.SKIPPED;
    }

    /** The task running now, or 0. */
    synchronized long running() {
        return running;
    }

    /** Control thread, on stop: interrupts the running task, if any. */
    synchronized boolean interruptRunning() {
        if (running != 0) {
            taskThread.interrupt();
            return true;
        }
        return false;
    }
}
