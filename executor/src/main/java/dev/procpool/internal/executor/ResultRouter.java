package dev.procpool.internal.executor;

import dev.procpool.internal.executor.WorkerStatus.Phase;
import dev.procpool.internal.ipc.Message;
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

/**
 * Reads every worker's results queue and hands each event to the part it concerns: answers to the tasks'
 * futures, handshakes, initializer outcomes and goodbyes to the worker lifecycle, requests for classes to the
 * {@link ClassServer}. Scheduler thread.
 */
final class ResultRouter {
    /** Events read from one worker per pass, so that one busy worker cannot starve the others. */
    private static final int MAX_MESSAGES_PER_POLL = 256;

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
        for (int i = 0; i < workers.size(); i++) {
            read += poll(workers.get(i), MAX_MESSAGES_PER_POLL);
        }
        return read;
    }

    /** Reads everything a worker wrote; called when its process has exited. */
    void drain(WorkerHandle worker) {
        poll(worker, Integer.MAX_VALUE);
    }

    private int poll(WorkerHandle worker, int max) {
        WorkerStatus status = worker.status();
        if (worker.results == null || status.is(Phase.LAUNCHING) || status.is(Phase.EXITED)) {
            return 0;
        }
        int read = 0;
        Message message;
        while (read < max && (message = worker.results.poll()) != null) {
            read++;
            route(worker, message);
        }
        return read;
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
            lifecycle.saidGoodbye(worker, retired.reason());
        } else if (message instanceof ResourceRequested request) {
            classServer.request(worker, request);
        }
    }
}
