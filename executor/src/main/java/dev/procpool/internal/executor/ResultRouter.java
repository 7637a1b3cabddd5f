package dev.procpool.internal.executor;

import dev.procpool.internal.executor.WorkerStatus.Phase;
import dev.procpool.internal.ipc.FrameRefusedException;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.WorkerStderr;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.InitializerCompleted;
import dev.procpool.internal.ipc.Message.InitializerFailed;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.ResourceRequested;
import dev.procpool.internal.ipc.Message.WorkerRetired;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.procpool.internal.executor.PoolLog.LOG;

/**
 * Reads every worker's results queue and hands each event to the part it concerns: answers to the tasks'
 * futures, handshakes, initializer outcomes and goodbyes to the worker lifecycle, requests for classes to the
 * {@link ClassServer}. Scheduler thread.
 */
final class ResultRouter {
    /** Events read from one worker per pass, so that one busy worker cannot starve the others. */
    private static final int MAX_MESSAGES_PER_POLL = 256;
    /**
     * How long a worker may run nothing and answer nothing while tasks are sent to it before its tasks queue is
     * deemed unreadable, provided it went to sleep finding its queue empty meanwhile ({@link #STALL_EMPTY_SLEEPS}).
     * A healthy worker takes the next task within microseconds, or milliseconds when woken;
     * seconds leave room for a machine so busy, or a collection so long, that the worker is not scheduled.
     */
    static final long STALL_NS = TimeUnit.SECONDS.toNanos(5);
    /** When a stalled worker is woken, should a wake-up have been lost: long after any healthy pause between tasks. */
    private static final long STALL_WAKE_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Sleeps begun with nothing found in the queue, since the stall began, that show the worker looked at its
     * queue and could not read the tasks waiting there. Time alone cannot tell: on a busy machine a healthy worker
     * may not be scheduled for seconds, and killing it then (it may just have started a task) made a crash of
     * nothing and ran that task's work twice. Two, not one: the first may count a look taken before the tasks came.
     */
    static final long STALL_EMPTY_SLEEPS = 2;

    private final WorkerLifecycle lifecycle;
    private final Dispatcher dispatcher;
    private final ClassServer classServer;

    ResultRouter(WorkerLifecycle lifecycle, Dispatcher dispatcher, ClassServer classServer) {
        this.lifecycle = lifecycle;
        this.dispatcher = dispatcher;
        this.classServer = classServer;
    }

    /** Reads what the workers wrote; returns how many events were handled. */
    int doWork(List<WorkerHandle> workers) {
        int read = 0;
        long now = System.nanoTime();
        for (int i = 0; i < workers.size(); i++) {
            WorkerHandle worker = workers.get(i);
            int fromWorker = poll(worker, MAX_MESSAGES_PER_POLL);
            read += fromWorker;
            watchChannels(worker, fromWorker, now);
        }
        return read;
    }

    /** Reads everything a worker wrote; called when its process has exited. */
    void drain(WorkerHandle worker) {
        poll(worker, Integer.MAX_VALUE);
    }

    /**
     * A queue that faults or holds a frame procpool did not write costs its worker (and the task it ran), never
     * the scheduler: see {@link WorkerHandle#channelFault}.
     */
    private int poll(WorkerHandle worker, int max) {
        WorkerStatus status = worker.status();
        if (worker.results == null || worker.resultsUnreadable || status.is(Phase.LAUNCHING) || status.is(Phase.EXITED)) {
            return 0;
        }
        int read = 0;
        Message message;
        try {
            while (read < max && (message = worker.results.poll()) != null) {
                read++;
                route(worker, message);
            }
        } catch (FrameRefusedException e) {
            worker.resultsUnreadable = true;
            worker.channelFault("its results queue could not be read (" + e.getMessage() + ")", true);
        }
        return read;
    }

    /**
     * The faults a worker's files show without a read failing: its activity file truncated, or its tasks queue
     * unreadable by the worker (a frame header zeroed or left incomplete: Chronicle then waits there for good),
     * which shows as a worker that runs nothing and answers nothing for {@link #STALL_NS} while tasks are sent
     * to it, and meanwhile goes to sleep finding its queue empty (a worker that is merely not scheduled never
     * gets that far, and is left alone). (A worker starts the next task within microseconds of answering one.)
     * It is woken once on the way, should a wake-up have been lost. No task is blamed: none ran.
     */
    private void watchChannels(WorkerHandle worker, int readNow, long now) {
        if (worker.activity == null || !worker.status().isServing()) {
            return;
        }
        if (worker.activity.isBroken()) {
            worker.channelFault("its activity file was truncated under the parent's mapping", true);
            return;
        }
        boolean stalled = readNow == 0 && !worker.isIdle() && worker.runningTask() == 0;
        if (!stalled) {
            worker.stalledSinceNs = 0;
            worker.stallWoken = false;
        } else if (worker.stalledSinceNs == 0) {
            worker.stalledSinceNs = now; // most such moments end within microseconds: between two tasks
            worker.emptySleepsAtStall = worker.activity.emptySleeps();
        } else if (!worker.stallWoken && now - worker.stalledSinceNs > STALL_WAKE_NS) {
            worker.stallWoken = true;
            worker.process.send(new Message.Wake());
        } else if (now - worker.stalledSinceNs > STALL_NS
                && worker.activity.emptySleeps() - worker.emptySleepsAtStall >= STALL_EMPTY_SLEEPS) {
            worker.channelFault("it ran and answered nothing for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NS)
                    + " s while " + worker.load() + " tasks waited in its queue: it cannot read that queue (a frame's"
                    + " header zeroed or left incomplete?)", false);
        }
    }

    private void route(WorkerHandle worker, Message message) {
        if (message instanceof TaskCompleted done) {
            TaskFuture<?> future = worker.answered(done.taskId());
            if (future != null) {
                future.releaseTask();
                Outcomes.output(future, done.output());
                Outcomes.complete(future, done.result());
            } else {
                done.result().release();
            }
        } else if (message instanceof TaskFailed failed) {
            TaskFuture<?> future = worker.answered(failed.taskId());
            if (future != null) {
                future.releaseTask();
                Outcomes.output(future, failed.output());
                Outcomes.fail(future, failed.error());
            } else {
                failed.error().release();
            }
        } else if (message instanceof OutcomeNotSerialized unsendable) {
            TaskFuture<?> future = worker.answered(unsendable.taskId());
            if (future != null) {
                future.releaseTask();
                Outcomes.notSerialized(future, unsendable);
            }
        } else if (message instanceof TaskCancelled cancelled) {
            TaskFuture<?> future = worker.answered(cancelled.taskId());
            if (future != null) {
                dispatcher.takenBack(future);
            }
        } else if (message instanceof WorkerReady ready) {
            lifecycle.handshake(worker, ready);
        } else if (message instanceof InitializerCompleted) {
            lifecycle.initializerCompleted(worker);
        } else if (message instanceof InitializerFailed failed) {
            lifecycle.initializerFailed(worker, Outcomes.readThrowable(null, failed.error()));
        } else if (message instanceof WorkerRetired retired) {
            if (retired.reason().startsWith(WorkerStderr.QUEUE_UNREADABLE_MARKER)) {
                LOG.warn("procpool: {} is replaced; the tasks sent to it go to another worker: {}", worker,
                        retired.reason());
            }
            lifecycle.saidGoodbye(worker, retired.reason());
        } else if (message instanceof ResourceRequested request) {
            classServer.request(worker, request);
        } else if (message instanceof Message.QueuesOpened) {
            worker.workerQueuesOpened();
        }
    }
}
