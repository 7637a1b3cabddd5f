package dev.procpool.internal.executor;

import dev.procpool.TaskTimeoutException;
import dev.procpool.internal.executor.WorkerHandle.TaskWatch;
import dev.procpool.internal.executor.WorkerStatus.Leaving;
import dev.procpool.internal.executor.WorkerStatus.Phase;
import dev.procpool.internal.ipc.Message;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Deadlines, by the parent's clock: a task's soft time limit (interrupt it, fail its future), the grace an
 * interrupted task has to stop (then its worker is killed), a starting worker's handshake deadline and a
 * leaving worker's stop deadline. Works the same on every OS: no signals. Scheduler thread.
 */
final class TimeLimits {
    private final Supplier<PoolConfig> config;

    TimeLimits(Supplier<PoolConfig> config) {
        this.config = config;
    }

    /** One supervision step over every worker. */
    void doWork(List<WorkerHandle> workers, long nowNs) {
        for (WorkerHandle worker : workers) {
            supervise(worker, nowNs);
        }
    }

    private void supervise(WorkerHandle worker, long now) {
        PoolConfig settings = config.get();
        long graceNs = settings.interruptGrace().toNanos();
        if (worker.activity != null && !worker.status().is(Phase.LAUNCHING)) {
            TaskWatch watch = worker.watch;
            long running = worker.runningTask();
            if (running != watch.observedTask) {
                watch.observedTask = running;
                watch.observedSinceNs = now;
            }
            TaskFuture<?> oldest = worker.oldest();
            if (running > 0 && oldest != null && oldest.id() == running
                    && overLimit(oldest.timeLimitNs(), watch.observedSinceNs, now) && watch.interruptedTask != running) {
                oldest.fail(new TaskTimeoutException(oldest + " exceeded its time limit of "
                        + TimeUnit.NANOSECONDS.toMillis(oldest.timeLimitNs()) + " ms on " + worker
                        + "; its thread was interrupted, and the worker is replaced if the task does not stop within "
                        + TimeUnit.NANOSECONDS.toMillis(graceNs) + " ms"));
                interrupt(worker, oldest, false);
            }
            if (graceOver(watch, running, now)) {
                worker.kill(Leaving.KILLED_OVER_TASK, "task " + running + " did not stop within "
                        + settings.interruptGrace().toMillis() + " ms of being interrupted");
                watch.interruptedTask = 0;
            }
        }
        if (worker.process != null && now - worker.deadlineNs >= 0) {
            enforceDeadline(worker, settings, now);
        }
    }

    /**
     * How long the scheduler may park while its workers compute, as far as supervision goes: until the first
     * time limit or interrupt grace of a running task ends, at most {@code maxNs}. 0 while a task with a limit
     * is next in a worker's line and has not been seen starting: supervision learns that only by looking, and
     * its limit counts from then. (A task behind it starts only after that one's answer, which wakes the
     * scheduler.)
     */
    long parkNs(List<WorkerHandle> workers, long nowNs, long maxNs) {
        long park = maxNs;
        for (WorkerHandle worker : workers) {
            TaskWatch watch = worker.watch;
            boolean interrupted = watch.interruptedTask != 0 && watch.interruptedTask == watch.observedTask;
            if (interrupted) {
                park = Math.min(park, watch.killAtNs - nowNs);
            }
            TaskFuture<?> oldest = worker.oldest();
            if (oldest == null || oldest.timeLimitNs() <= 0 || (interrupted && watch.interruptedTask == oldest.id())) {
                continue;
            }
            if (watch.observedTask != oldest.id()) {
                return 0;
            }
            park = Math.min(park, watch.observedSinceNs + oldest.timeLimitNs() - nowNs);
        }
        return Math.max(park, 0);
    }

    /** A task with a limit ({@code limitNs > 0}) that has been seen running since {@code sinceNs} is over it. */
    static boolean overLimit(long limitNs, long sinceNs, long nowNs) {
        return limitNs > 0 && nowNs - sinceNs >= limitNs;
    }

    /** The interrupted task is still the one running, and its grace has passed. */
    static boolean graceOver(TaskWatch watch, long running, long nowNs) {
        return watch.interruptedTask != 0 && watch.interruptedTask == running && nowNs - watch.killAtNs >= 0;
    }

    /**
     * Interrupts a running task; if it still runs after the grace, the worker is killed. {@code seenRunning}:
     * the caller knows the task runs (a cancel that found it in the slot); else the grace starts only if
     * supervision has seen it running.
     */
    void interrupt(WorkerHandle worker, TaskFuture<?> future, boolean seenRunning) {
        TaskWatch watch = worker.watch;
        if (seenRunning) {
            watch.observedTask = future.id();
        }
        worker.process.send(new Message.CancelTask(future.id(), true));
        if (watch.observedTask == future.id()) {
            watch.interruptedTask = future.id();
            watch.killAtNs = System.nanoTime() + config.get().interruptGrace().toNanos();
        }
    }

    /**
     * A starting worker missed its handshake deadline, or a leaving one its stop deadline: kill it. A worker the
     * pool stopped before its JVM was there is killed as soon as its JVM is, for the reason it was stopped.
     */
    private static void enforceDeadline(WorkerHandle worker, PoolConfig settings, long now) {
        WorkerStatus status = worker.status();
        if (status.is(Phase.EXITED)) {
            return;
        }
        if (status.leaving() == Leaving.STOPPED && status.isStarting()) {
            worker.process.kill();
        } else if (status.isLeaving()) {
            worker.kill(Leaving.KILLED, "it did not stop within its grace period");
        } else if (status.isStarting()) {
            worker.kill(Leaving.KILLED, "it did not complete its handshake within "
                    + settings.startTimeout().toMillis() + " ms");
        } else {
            return;
        }
        worker.deadlineNs = now + settings.interruptGrace().toNanos();
    }
}
