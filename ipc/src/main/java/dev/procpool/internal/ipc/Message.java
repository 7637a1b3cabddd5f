package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.codec.Payload;

/**
 * Everything that crosses the process boundary. Parent-to-worker messages are {@link Command}s, worker-to-parent
 * messages are {@link Event}s; {@link MessageCodec} lays them out in bytes.
 */
public sealed interface Message permits Message.Command, Message.Event {

    /** Bump whenever the layout of any message changes; the handshake refuses a mismatch. */
    int PROTOCOL_VERSION = 1;

    /** Parent to worker. */
    sealed interface Command extends Message permits RunTask, CancelTask, Shutdown, StopNow, Wake {
    }

    /** Worker to parent. */
    sealed interface Event extends Message permits WorkerReady, TaskCompleted, TaskFailed, TaskCancelled, WorkerStopping {
    }

    /** Run the serialized task; answered by exactly one of completed, failed or cancelled. */
    record RunTask(long taskId, Payload task) implements Command {
    }

    /**
     * Skip the task if it has not started; if it is running, interrupt its thread when {@code interrupt} is set
     * (else let it finish). Sent on the control pipe, so it overtakes queued tasks.
     */
    record CancelTask(long taskId, boolean interrupt) implements Command {
    }

    /** Finish the tasks already sent, say goodbye, exit. Sent in order on the task queue. */
    record Shutdown() implements Command {
    }

    /** Interrupt the running task, say goodbye and exit at once. Sent on the control pipe. */
    record StopNow() implements Command {
    }

    /** A task is waiting in the queue of a worker that announced it sleeps. Sent on the control pipe. */
    record Wake() implements Command {
    }

    /** The handshake: the worker has opened its queues and waits for tasks. */
    record WorkerReady(int protocolVersion, long pid) implements Event {
    }

    /** The task returned; the payload is its serialized result. */
    record TaskCompleted(long taskId, Payload result) implements Event {
    }

    /** The task threw, or its result could not be serialized; the payload is a serialized {@link Throwable}. */
    record TaskFailed(long taskId, Payload error) implements Event {
    }

    /** The task was cancelled before it started. */
    record TaskCancelled(long taskId) implements Event {
    }

    /** The goodbye: the worker is exiting on purpose, so its exit is not a crash. */
    record WorkerStopping(String reason) implements Event {
    }
}
