package dev.procpool.internal.executor;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The pool's Java Flight Recorder events, under {@code dev.procpool.*}. Each is kept only when a recording has it
 * enabled, so with JFR off they cost a check of a flag. That check comes in two steps: first
 * {@link FlightRecorder#isInitialized()} (no recording can have run in a JVM where JFR never started), then the
 * event's own {@link Event#isEnabled()}. Asking an event, or looking up its {@code EventType}, in a JVM where JFR
 * never started makes JFR start its machinery (180-230 ms on JDK 17 and 25 here), which had been on the pool's start
 * path before its first worker was launched. An event class loaded before any recording is instrumented by JFR when
 * one starts. Scheduler thread.
 */
final class JfrEvents {
    private JfrEvents() {
    }

    /** A task's event, begun as it is handed to a worker; null when no recording wants it. */
    static TaskExecution taskSent(TaskFuture<?> task, WorkerHandle worker) {
        if (!FlightRecorder.isInitialized()) {
            return null;
        }
        TaskExecution event = new TaskExecution();
        if (!event.isEnabled()) {
            return null;
        }
        event.begin();
        event.taskId = task.id();
        event.task = task.description();
        event.workerId = worker.id;
        event.workerPid = worker.pid();
        return event;
    }

    /** A worker's start event, begun at its launch; null when no recording wants it. */
    static WorkerStart workerLaunching(int workerId) {
        if (!FlightRecorder.isInitialized()) {
            return null;
        }
        WorkerStart event = new WorkerStart();
        if (!event.isEnabled()) {
            return null;
        }
        event.begin();
        event.workerId = workerId;
        return event;
    }

    static void workerExited(WorkerHandle worker, int exitCode, String kind, String reason) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        WorkerExit event = new WorkerExit();
        if (event.isEnabled()) {
            event.workerId = worker.id;
            event.workerPid = worker.pid();
            event.exitCode = exitCode;
            event.kind = kind;
            event.reason = reason;
            event.commit();
        }
    }

    @Name("dev.procpool.TaskExecution")
    @Label("Task Execution")
    @Category("procpool")
    @Description("A task from being handed to a worker to its outcome in the parent")
    @StackTrace(false)
    static final class TaskExecution extends Event {
        @Label("Task Id")
        long taskId;
        @Label("Task")
        String task;
        @Label("Worker Id")
        int workerId;
        @Label("Worker PID")
        long workerPid;
        @Label("Outcome")
        @Description("completed, failed, crashed, timed out, cancelled or requeued")
        String outcome;

        void end(String how) {
            outcome = how;
            commit();
        }
    }

    @Name("dev.procpool.WorkerStart")
    @Label("Worker Start")
    @Category("procpool")
    @Description("A worker JVM from launch to ready, split into its steps")
    @StackTrace(false)
    static final class WorkerStart extends Event {
        @Label("Worker Id")
        int workerId;
        @Label("Worker PID")
        long workerPid;
        @Label("Spawn")
        @Description("Launch until the process ran and the parent's queues were open")
        @Timespan(Timespan.NANOSECONDS)
        long spawnNs;
        @Label("Handshake")
        @Description("Until the worker had opened its queues and said hello")
        @Timespan(Timespan.NANOSECONDS)
        long handshakeNs;
        @Label("Ready")
        @Description("Until its initializer, if any, had run")
        @Timespan(Timespan.NANOSECONDS)
        long readyNs;
    }

    @Name("dev.procpool.WorkerExit")
    @Label("Worker Exit")
    @Category("procpool")
    @Description("A worker JVM's process exited")
    @StackTrace(false)
    static final class WorkerExit extends Event {
        @Label("Worker Id")
        int workerId;
        @Label("Worker PID")
        long workerPid;
        @Label("Exit Code")
        int exitCode;
        @Label("Kind")
        @Description("RETIRED, KILLED, CRASHED or START_FAILED")
        String kind;
        @Label("Reason")
        String reason;
    }
}
