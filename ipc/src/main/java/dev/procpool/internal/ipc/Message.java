package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.Payload;

import java.util.List;

/**
 * Everything that crosses the process boundary. Parent-to-worker messages are {@link Command}s, worker-to-parent
 * messages are {@link Event}s (named in the past tense); {@link FrameDescriptor} owns their byte layout.
 */
public sealed interface Message permits Message.Command, Message.Event {

    /** Bump whenever the layout of any message changes; the handshake refuses a mismatch. */
    int PROTOCOL_VERSION = 3;

    /** Parent to worker. */
    sealed interface Command extends Message
            permits ConfigureWorker, RunInitializer, RunTask, CancelTask, Shutdown, StopNow, Wake {
    }

    /** Worker to parent. */
    sealed interface Event extends Message permits WorkerReady, InitializerCompleted, InitializerFailed,
            TaskCompleted, TaskFailed, OutcomeNotSerialized, TaskCancelled, WorkerRetired {
    }

    /**
     * The worker's settings: the first command on the task queue, so they hold from its first task on. A limit
     * of 0 or less means none.
     *
     * @param maxTasks             retire after this many tasks
     * @param maxMemoryGrowthBytes retire once heap (after a full collection) or resident memory grew by more
     * @param limits               what the worker's object streams are held to when it reads a task
     */
    record ConfigureWorker(long maxTasks, long maxMemoryGrowthBytes, DeserializationLimits limits) implements Command {
    }

    /**
     * Run the pool's initializer (a serialized task) before any task; answered by {@link InitializerCompleted}
     * or {@link InitializerFailed}. Sent on the task queue right after {@link ConfigureWorker}.
     */
    record RunInitializer(Payload initializer) implements Command {
    }

    /**
     * Run the serialized task; answered by exactly one of {@link TaskCompleted}, {@link TaskFailed},
     * {@link OutcomeNotSerialized} or {@link TaskCancelled}.
     */
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

    /** The handshake: the worker has opened its queues and its activity file, and waits for commands. */
    record WorkerReady(int protocolVersion, long pid) implements Event {
    }

    /** The initializer returned; the worker takes tasks. */
    record InitializerCompleted() implements Event {
    }

    /**
     * The initializer threw; the payload is the serialized {@link Throwable} (or, if that could not be
     * serialized, a {@link RuntimeException} that describes it and carries its stack frames).
     */
    record InitializerFailed(Payload error) implements Event {
    }

    /** The task returned; the payload is its serialized result. */
    record TaskCompleted(long taskId, Payload result) implements Event {
    }

    /** The task threw; the payload is the serialized {@link Throwable}. */
    record TaskFailed(long taskId, Payload error) implements Event {
    }

    /**
     * The task ended, but what it returned or threw could not be serialized: a failure of the hand-over, not
     * of the task, so it travels as text instead of as a serialized exception.
     *
     * @param description what could not be serialized, why, and how to fix it
     * @param stack       the frames that explain it: the serialization failure's for a result, the original
     *                    exception's for an exception
     */
    record OutcomeNotSerialized(long taskId, String description, List<StackTraceElement> stack) implements Event {
        public OutcomeNotSerialized {
            stack = List.copyOf(stack);
        }
    }

    /** The task was cancelled before it started. */
    record TaskCancelled(long taskId) implements Event {
    }

    /**
     * The goodbye: the worker has retired on purpose (shutdown, stop now, recycling) and is exiting, so its exit
     * is not a crash.
     */
    record WorkerRetired(String reason) implements Event {
    }
}
