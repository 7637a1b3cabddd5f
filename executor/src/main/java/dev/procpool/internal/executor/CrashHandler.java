package dev.procpool.internal.executor;

import dev.procpool.PoolListener.WorkerExit;
import dev.procpool.PoolListener.WorkerExit.Kind;
import dev.procpool.WorkerCrashedException;
import dev.procpool.internal.executor.WorkerStatus.Leaving;
import dev.procpool.internal.executor.WorkerStatus.Phase;
import dev.procpool.internal.launcher.Platform;

import java.util.List;
import java.util.Optional;

import static dev.procpool.internal.executor.PoolLog.LOG;

/**
 * What a worker's exit means, top to bottom: read what it wrote before it died, decide whether the exit was a
 * failed start, a crash or expected ({@link #verdict}), blame a crash on the one task its activity file shows running,
 * run that task again while it has retries left or fail it, put every other task it held back in line, and
 * let the worker go. Scheduler thread.
 */
final class CrashHandler {

    /** What a worker's exit was. */
    enum Verdict {
        /** It never became ready: a start failure, unless already reported or nobody needs the worker. */
        START_FAILURE,
        /** It was serving and nobody meant it to end: the task it was running is blamed. */
        CRASH,
        /** The pool or the worker itself ended it on purpose. */
        EXPECTED
    }

    private final WorkerLifecycle lifecycle;
    private final Dispatcher dispatcher;
    private final PoolEvents events;

    CrashHandler(WorkerLifecycle lifecycle, Dispatcher dispatcher, PoolEvents events) {
        this.lifecycle = lifecycle;
        this.dispatcher = dispatcher;
        this.events = events;
    }

    /** The verdict on an exit, from the status the worker had when its process ended. */
    static Verdict verdict(WorkerStatus status) {
        if (!status.is(Phase.READY)) {
            return Verdict.START_FAILURE;
        }
        return status.exitExpected() ? Verdict.EXPECTED : Verdict.CRASH;
    }

    /**
     * The pool lost a serving worker, by a crash or by killing it over a task: from then on it keeps a spare
     * (see {@link PoolConfig.Spares}). A retirement, a goodbye or a stop is no loss.
     */
    static boolean lostAWorker(WorkerStatus status) {
        return status.is(Phase.READY)
                && (status.leaving() == Leaving.NO || status.leaving() == Leaving.KILLED_OVER_TASK);
    }

    /** The worker's process has exited with {@code exitCode}. {@code poolNeedsWorkers}: running, or tasks wait. */
    void onExit(WorkerHandle worker, int exitCode, ResultRouter router, boolean poolNeedsWorkers) {
        if (worker.status().is(Phase.EXITED)) {
            return;
        }
        router.drain(worker); // whatever it wrote before it died still counts
        WorkerStatus status = worker.status();
        List<String> stderr = worker.process.lastStderrLines();
        // killed over a faulty channel: a crash of what it ran, though the pool did the killing
        Verdict verdict = worker.channelFault() != null && status.is(Phase.READY) ? Verdict.CRASH : verdict(status);
        WorkerExit exit = switch (verdict) {
            case START_FAILURE -> new WorkerExit(retired(status) ? Kind.RETIRED : Kind.START_FAILED, exitCode,
                    reason(status, exitCode), Optional.empty());
            case EXPECTED -> new WorkerExit(killed(status) ? Kind.KILLED : Kind.RETIRED, exitCode, status.reason(),
                    Optional.empty());
            case CRASH -> null; // below, with the crash's facts
        };
        switch (verdict) {
            case START_FAILURE -> {
                String signal = Platform.describeExitCode(Platform.current(), exitCode);
                if (!status.isLeaving() && CrashReports.killedFromOutside(signal)) {
                    lifecycle.killedWhileStarting(worker, exitCode, signal);
                } else if (status.leaving() != Leaving.START_FAILED && (poolNeedsWorkers || !dispatcher.isEmpty())) {
                    lifecycle.startFailed(worker.id, CrashReports.startFailure(worker.id, worker.pid(), reason(status, exitCode),
                            stderr, null));
                }
            }
            case CRASH -> {
                long running = worker.runningTaskAfterExit();
                TaskFuture<?> blamed = running == 0 ? null : worker.remove(running);
                if (blamed == null && worker.answerLost()) {
                    blamed = worker.removeOldest(); // its answer is the one a corrupted results queue lost
                }
                String task = blamed == null ? "no task" : blamed.toString();
                WorkerCrashedException crash = worker.channelFault() != null
                        ? CrashReports.channelFault(worker.id, worker.pid(), exitCode, stderr, task, worker.channelFault(),
                                worker.folder)
                        : CrashReports.crash(worker.id, worker.pid(), exitCode, stderr, worker.process.lastStdoutLines(),
                                task, ErrorReportFiles.keep(worker.folder, worker.pid()));
                if (blamed != null) {
                    crashed(blamed, crash);
                }
                exit = new WorkerExit(Kind.CRASHED, exitCode, crash.getMessage(), Optional.of(crash));
                try (PoolMdc ids = PoolMdc.of(worker.id, running)) {
                    LOG.warn("procpool {} exited with code {}{}; starting a replacement", worker, exitCode,
                            running == 0 ? " while idle" : " while running task " + running);
                }
            }
            case EXPECTED -> {
            }
        }
        if (lostAWorker(status)) {
            lifecycle.lostAWorker();
        }
        events.workerExited(worker, exit);
        lifecycle.gone(worker);
    }

    private static String reason(WorkerStatus status, int exitCode) {
        return status.isLeaving() && status.reason() != null ? status.reason()
                : "it exited with code " + exitCode + " before its handshake";
    }

    /** Stopped on purpose before it was needed (the pool shut down or shrank while it started): no failure. */
    private static boolean retired(WorkerStatus status) {
        return status.leaving() == Leaving.RETIRED || status.leaving() == Leaving.SAID_GOODBYE
                || status.leaving() == Leaving.STOPPED;
    }

    private static boolean killed(WorkerStatus status) {
        return status.leaving() == Leaving.KILLED || status.leaving() == Leaving.KILLED_OVER_TASK;
    }

    /** A crash is blamed on the task that was running; it runs again while it has retries left. */
    private void crashed(TaskFuture<?> future, WorkerCrashedException crash) {
        future.crashes.add(crash);
        if (future.isDone()) {
            future.releaseTask();
        } else if (future.crashes.size() <= future.retries()) {
            future.endJfr("crashed, retried");
            events.taskRetried(future, crash);
            dispatcher.requeue(future);
        } else {
            future.releaseTask();
            future.fail(CrashReports.finalCrash(future.toString(), future.crashes));
        }
    }
}
