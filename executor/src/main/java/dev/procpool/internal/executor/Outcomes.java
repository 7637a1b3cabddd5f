package dev.procpool.internal.executor;

import dev.procpool.TaskOutput;
import dev.procpool.TaskOutputException;
import dev.procpool.TaskSerializationException;
import dev.procpool.internal.ipc.CapturedOutput;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.codec.DeserializationLimitException;
import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.TaskCodec;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;

import java.io.IOException;
import java.nio.file.Files;

/** Reads a worker's answer into a task's future. Scheduler thread; releases the payload. */
final class Outcomes {
    private Outcomes() {
    }

    /**
     * Completes the future with the result. Bytes in memory are read only by the first {@code get()}, on the
     * caller's thread, so that a slow {@code readObject} stalls that caller, never the scheduler (and every
     * other worker's results). A result in its own file is read now: the file goes with its worker's folder. One
     * that went to a file only because the queue's inline budget for the minute was spent (at most
     * {@link Queues#INLINE_LIMIT}) is copied into memory and left unread like an inline one: decoded here, the
     * chunks of a long batch came to its consumer boxed, and could not stay encoded until delivered
     * (10 million x+1 three times in a -Xmx64m parent: 1,650 -> 1,400 MB allocated, GC pauses 51 -> 43).
     */
    static void complete(TaskFuture<?> future, Payload result) {
        if (!result.isInFile()) {
            future.completeUnread(result);
            return;
        }
        if (result.length() <= Queues.INLINE_LIMIT) {
            byte[] bytes;
            try {
                long size = Files.size(result.file()); // checked first: the length came from the other process
                bytes = size == result.length() ? Files.readAllBytes(result.file()) : null;
                if (bytes == null || bytes.length != size) {
                    throw new IOException(result + " holds " + size + " bytes");
                }
            } catch (IOException | RuntimeException e) {
                future.fail(new TaskSerializationException("the result of " + future + " could not be read in the"
                        + " parent: " + e, e));
                return;
            } finally {
                result.release();
            }
            future.completeUnread(Payload.of(bytes));
            return;
        }
        try {
            future.complete(TaskCodec.decode(result, future.loader(), ParentLoaders.INSTANCE, future.readLimits()));
        } catch (Exception | Error e) { // any Error too (StackOverflowError on a deep graph): the future must end
            future.fail(new TaskSerializationException("the result of " + future
                    + " could not be read in the parent: " + e, e));
        } finally {
            result.release();
        }
    }

    /** Keeps what the task printed, if it was captured, before its future completes. */
    static void output(TaskFuture<?> future, CapturedOutput captured) {
        if (captured != null) {
            future.output(new TaskOutput(captured.stdout(), captured.stderr(), captured.omittedBytes()));
        }
    }

    /** Fails the future with the task's exception; captured output goes along as a suppressed exception. */
    static void fail(TaskFuture<?> future, Payload error) {
        Throwable thrown = readThrowable(future, error);
        if (thrown instanceof DeserializationLimitException refused) { // the worker refused to read the task
            thrown = new TaskSerializationException(future + " could not be read in its worker: " + refused.getMessage(),
                    refused);
        }
        TaskOutput output = future.output();
        if (output != null) { // a type made without suppression ignores it; outputOf still has the output
            thrown.addSuppressed(new TaskOutputException(future.toString(), output));
        }
        future.fail(thrown);
    }

    /** The task ended, but the worker could not serialize what it returned or threw. */
    static void notSerialized(TaskFuture<?> future, OutcomeNotSerialized event) {
        TaskSerializationException e = new TaskSerializationException(future + ": " + event.description(), null);
        e.setStackTrace(event.stack().toArray(StackTraceElement[]::new));
        future.fail(e);
    }

    /** The exception a task threw, or what stands for it when it cannot be read. */
    static Throwable readThrowable(TaskFuture<?> future, Payload error) {
        try {
            return (Throwable) TaskCodec.decode(error, future == null ? Outcomes.class.getClassLoader() : future.loader(),
                    ParentLoaders.INSTANCE, future == null ? DeserializationLimits.DEFAULT : future.readLimits());
        } catch (Exception | Error e) { // as in complete()
            return new TaskSerializationException("the exception thrown by " + (future == null ? "a task" : future)
                    + " could not be read in the parent: " + e, e);
        } finally {
            error.release();
        }
    }
}
