package dev.procpool.internal.executor;

import java.util.Objects;

/**
 * Where one worker is in its life and, once it is on its way out, why. Immutable; {@link WorkerHandle} holds the
 * current value and replaces it on the scheduler thread.
 *
 * <p>The {@link Phase} only moves forward, and keeps the furthest point the worker reached while it leaves, so
 * that its exit can tell a start failure (never {@link Phase#READY}) from a crash. The {@link Leaving} reason
 * is updated in priority order, as Bazel's {@code WorkerProcessStatus} is: a later, stronger reason replaces a
 * weaker one, never the reverse, so a worker killed over a task stays "killed over a task" whatever the pool
 * does to it next.
 */
record WorkerStatus(Phase phase, Leaving leaving, String reason) {

    /** How far the worker got. */
    enum Phase {
        /** Its JVM is being started and its queues opened, on a starter thread. */
        LAUNCHING,
        /** Launched; the pool waits for its handshake (an initializer, if any, is already queued). */
        STARTING,
        /** Handshake done; the pool waits for its initializer to end. */
        INITIALIZING,
        /** Serving tasks (or, as a spare, waiting to). */
        READY,
        /** Its process has exited and the pool has dealt with that. */
        EXITED
    }

    /** Why a worker is on its way out, weakest first. */
    enum Leaving {
        /** Not leaving. */
        NO,
        /** Asked to finish what it was sent and exit: the pool shrank, shut down, or the worker was idle. */
        RETIRED,
        /** It said goodbye by itself (recycling after a number of tasks or memory growth). */
        SAID_GOODBYE,
        /** The pool was stopped ({@code shutdownNow}). */
        STOPPED,
        /** The pool killed it: no handshake in time, no stop in time, a broken channel. Not the task's fault. */
        KILLED,
        /** Killed because a task did not stop when interrupted (time limit, cancellation). */
        KILLED_OVER_TASK,
        /** Its start failed and the failure has been counted and reported already. */
        START_FAILED
    }

    static final WorkerStatus NEW = new WorkerStatus(Phase.LAUNCHING, Leaving.NO, null);

    WorkerStatus {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(leaving, "leaving");
    }

    /** Moves to {@code next} if it lies ahead; a phase never goes back. */
    WorkerStatus advance(Phase next) {
        return next.compareTo(phase) > 0 ? new WorkerStatus(next, leaving, reason) : this;
    }

    /** Records why the worker leaves, unless it already leaves for a stronger reason. */
    WorkerStatus leave(Leaving why, String because) {
        return why.compareTo(leaving) > 0 ? new WorkerStatus(phase, why, because) : this;
    }

    boolean isLeaving() {
        return leaving != Leaving.NO;
    }

    boolean is(Phase p) {
        return phase == p;
    }

    /**
     * Not yet ready: the start deadline applies, from the handle's creation on, so that a JVM that hangs before it
     * even connects to its start-up lane (a slow system class loader, a stuck agent) is killed in time too.
     */
    boolean isStarting() {
        return phase == Phase.LAUNCHING || phase == Phase.STARTING || phase == Phase.INITIALIZING;
    }

    /** Starting or serving, and not on its way out. */
    boolean isAlive() {
        return phase != Phase.EXITED && leaving == Leaving.NO;
    }

    /** Ready and not leaving: may be given tasks (unless it is a spare). */
    boolean isServing() {
        return phase == Phase.READY && leaving == Leaving.NO;
    }

    /** Its exit is expected: the pool or the worker itself ended it on purpose, so it is no crash. */
    boolean exitExpected() {
        return leaving != Leaving.NO;
    }

    @Override
    public String toString() {
        return leaving == Leaving.NO ? phase.name() : phase + "/" + leaving + (reason == null ? "" : " (" + reason + ")");
    }
}
