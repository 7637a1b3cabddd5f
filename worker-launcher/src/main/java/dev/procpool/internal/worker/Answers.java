package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.CapturedOutput;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.codec.ClassLoaderTable;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * Runs what the parent sent and turns what it returned or threw into the event that answers it. What cannot be
 * serialized is answered with {@link OutcomeNotSerialized}, a failure of the hand-over rather than of the task.
 * Every call into the user's throwable goes through {@link Guarded}: describing a failure must not kill the worker.
 * Pure functions of their arguments; the task thread calls them.
 */
final class Answers {
    private Answers() {
    }

    /** Runs a decoded task or initializer: a {@link Callable} or a {@link Runnable}. */
    static Object call(Object task) throws Exception {
        if (task instanceof Callable<?> callable) {
            return callable.call();
        }
        if (task instanceof Runnable runnable) {
            runnable.run();
            return null;
        }
        throw new IllegalArgumentException("not a task: " + task.getClass().getName()
                + " is neither a Callable nor a Runnable");
    }

    static Message completed(long taskId, Object result) throws IOException {
        return completed(taskId, result, ClassLoaderTable.NONE);
    }

    /** {@code loaders} numbers the shipped loaders, so a result of a shipped class is read in the parent with its loader. */
    static Message completed(long taskId, Object result, ClassLoaderTable loaders) throws IOException {
        try {
            return new TaskCompleted(taskId, TaskCodec.encode(result, loaders));
        } catch (Exception | StackOverflowError e) {
            String type = result.getClass().getName();
            return new OutcomeNotSerialized(taskId, "the task's result, a " + type + ", could not be serialized: "
                    + Guarded.describe(e) + "; return a Serializable value (or make " + type
                    + " implement java.io.Serializable)", Guarded.stackOf(e));
        }
    }

    static Message failed(long taskId, Throwable thrown) throws IOException {
        return failed(taskId, thrown, ClassLoaderTable.NONE);
    }

    static Message failed(long taskId, Throwable thrown, ClassLoaderTable loaders) throws IOException {
        try {
            return new TaskFailed(taskId, TaskCodec.encode(thrown, loaders));
        } catch (Exception | StackOverflowError e) {
            return new OutcomeNotSerialized(taskId, thrownNotSerializable("the task", thrown, e),
                    Guarded.stackOf(thrown));
        }
    }

    /**
     * The answer with the task's captured output attached, when there is some and the answer can carry it. An
     * {@link OutcomeNotSerialized} cannot: that output reached the worker's stream anyway.
     */
    static Message withOutput(Message reply, CapturedOutput output) {
        if (output == null) {
            return reply;
        }
        if (reply instanceof TaskCompleted done) {
            return new TaskCompleted(done.taskId(), done.result(), output);
        }
        if (reply instanceof TaskFailed failed) {
            return new TaskFailed(failed.taskId(), failed.error(), output);
        }
        return reply;
    }

    /**
     * What the initializer threw or, when that cannot be serialized, a {@link RuntimeException} that describes it
     * and carries its stack frames: a failed initializer fails the worker's start either way.
     */
    static Payload initializerThrew(Throwable thrown) throws IOException {
        try {
            return TaskCodec.encode(thrown);
        } catch (Exception | StackOverflowError e) {
            RuntimeException standIn = new RuntimeException(thrownNotSerializable("the initializer", thrown, e));
            standIn.setStackTrace(Guarded.stackOf(thrown).toArray(StackTraceElement[]::new));
            return TaskCodec.encode(standIn);
        }
    }

    private static String thrownNotSerializable(String who, Throwable thrown, Throwable why) {
        Throwable cause = Guarded.causeOf(thrown);
        return who + " threw " + Guarded.describe(thrown) + ", which could not be serialized (" + Guarded.describe(why)
                + ")" + (cause == null ? "" : ", caused by " + Guarded.describe(cause))
                + "; the stack trace below is the original exception's";
    }
}
