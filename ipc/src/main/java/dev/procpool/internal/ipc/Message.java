package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.Payload;

import java.util.List;

/**
 * Everything that crosses the process boundary. Parent-to-worker messages are {@link Command}s, worker-to-parent
 * messages are {@link Event}s (named in the past tense); {@link FrameDescriptor} owns their byte layout on the
 * queues and the control pipe, {@link LaneCodec} on the start-up lane.
 */
public sealed interface Message permits Message.Command, Message.Event {

    /** Bump whenever the layout of any message changes; the handshake refuses a mismatch. */
    int PROTOCOL_VERSION = 7;

    /**
     * The serialized value {@code message} carries (a task, an initializer, a result, an error or a shipped
     * resource), or null when it carries none: what the channels write out of band when it is too long to travel
     * inline.
     */
    static Payload payloadOf(Message message) {
        if (message instanceof RunTask m) {
            return m.task();
        } else if (message instanceof TaskCompleted m) {
            return m.result();
        } else if (message instanceof TaskFailed m) {
            return m.error();
        } else if (message instanceof RunInitializer m) {
            return m.initializer();
        } else if (message instanceof InitializerFailed m) {
            return m.error();
        } else if (message instanceof ShipResource m) {
            return m.bytes();
        }
        return null;
    }

    /**
     * {@code message} with {@code payload} in place of the one {@link #payloadOf} gives.
     *
     * @throws IllegalArgumentException if {@code message} carries no payload
     */
    static Message withPayload(Message message, Payload payload) {
        if (message instanceof RunTask m) {
            return new RunTask(m.taskId(), payload, m.captureOutput());
        } else if (message instanceof TaskCompleted m) {
            return new TaskCompleted(m.taskId(), payload, m.output());
        } else if (message instanceof TaskFailed m) {
            return new TaskFailed(m.taskId(), payload, m.output());
        } else if (message instanceof RunInitializer) {
            return new RunInitializer(payload);
        } else if (message instanceof InitializerFailed) {
            return new InitializerFailed(payload);
        } else if (message instanceof ShipResource m && m.bytes() != null) {
            return new ShipResource(m.loaderId(), m.name(), payload, null);
        }
        throw new IllegalArgumentException(message.getClass().getSimpleName() + " carries no payload");
    }

    /** Parent to worker. */
    sealed interface Command extends Message
            permits ConfigureWorker, RunInitializer, RunTask, CancelTask, Shutdown, StopNow, Wake, ShipResource,
            OpenQueues, SwitchChannels {
    }

    /** Worker to parent. */
    sealed interface Event extends Message permits WorkerReady, InitializerCompleted, InitializerFailed,
            TaskCompleted, TaskFailed, OutcomeNotSerialized, TaskCancelled, WorkerRetired, ResourceRequested,
            QueuesOpened, ChannelsSwitched, Ring {
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
     *
     * @param captureOutput capture what the task prints and send it back with its answer
     */
    record RunTask(long taskId, Payload task, boolean captureOutput) implements Command {
        /** A task whose output is not captured. */
        public RunTask(long taskId, Payload task) {
            this(taskId, task, false);
        }
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

    /**
     * The answer to a {@link ResourceRequested}: the bytes of resource {@code name} (a class is its
     * {@code .class} file) as the parent's class loader {@code loaderId} serves them, or, when it serves none,
     * {@code bytes} is null and {@code missing} says why. Sent on the task queue, out of turn: the worker takes
     * it whenever it comes, and keeps the other commands in order.
     */
    record ShipResource(long loaderId, String name, Payload bytes, String missing) implements Command {
        public ShipResource {
            if ((bytes == null) == (missing == null)) {
                throw new IllegalArgumentException("exactly one of bytes and missing, for " + name);
            }
        }
    }

    /**
     * On the start-up {@link Lane}: the worker may open its queues now (on a thread of its own) and say
     * {@link QueuesOpened} when they are. The parent sends it once the pool's workers are up, so that Chronicle's
     * start, in the worker and then in the parent, does not take the processors from workers still booting.
     */
    record OpenQueues() implements Command {
    }

    /**
     * The last command on the start-up {@link Lane}, sent once both sides' queues are open ({@link QueuesOpened}):
     * every command after this one comes on the task queue. The worker answers {@link ChannelsSwitched}.
     */
    record SwitchChannels() implements Command {
    }

    /** The handshake: the worker has created its activity file, and waits for commands. */
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

    /**
     * The task returned; the payload is its serialized result.
     *
     * @param output what it printed, when it was sent with {@code captureOutput}; else null
     */
    record TaskCompleted(long taskId, Payload result, CapturedOutput output) implements Event {
        /** A result without captured output. */
        public TaskCompleted(long taskId, Payload result) {
            this(taskId, result, null);
        }
    }

    /**
     * The task threw; the payload is the serialized {@link Throwable}.
     *
     * @param output what it printed, when it was sent with {@code captureOutput}; else null
     */
    record TaskFailed(long taskId, Payload error, CapturedOutput output) implements Event {
        /** A failure without captured output. */
        public TaskFailed(long taskId, Payload error) {
            this(taskId, error, null);
        }
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

    /**
     * The worker cannot find resource {@code name} (a class is its {@code .class} file) in the loader it keeps
     * for the parent's class loader {@code loaderId}, and asks the parent for it; answered by
     * {@link ShipResource}.
     */
    record ResourceRequested(long loaderId, String name) implements Event {
    }

    /** On the start-up {@link Lane}: the worker's queues are open; the parent ends the lane once its own are too. */
    record QueuesOpened() implements Event {
    }

    /**
     * The last event on the start-up {@link Lane}, the answer to {@link SwitchChannels}: every event after this
     * one comes on the results queue.
     */
    record ChannelsSwitched() implements Event {
    }

    /**
     * On the start-up {@link Lane} after {@link ChannelsSwitched}, its only message from then on: the worker wrote
     * to its results queue while the parent waited for a ring ({@link WorkerActivityFile#wantRing}). Not kept
     * by the reading side: it only wakes the parent.
     */
    record Ring() implements Event {
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
