package dev.procpool;

import dev.procpool.internal.ipc.CapturedOutput;
import dev.procpool.internal.ipc.codec.FunctionOverList;
import dev.procpool.internal.worker.OutputCapture;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How a chunk of a {@link Batch} travels: as the same compact {@link FunctionOverList} task that {@code map}
 * sends (inputs and results of simple types are written without JDK serialization, which cost a batch 5-10x
 * of its throughput), over the batch's function wrapped so that a throwing input fails only itself. The wrapper
 * runs in the worker: it turns an input's exception into a {@link Failed} in the results (replaced, if the
 * exception could not travel back to the parent, by a {@link TaskSerializationException} carrying its class,
 * message and stack frames; otherwise it would make the whole chunk's answer unreadable), and stops the chunk
 * once the worker's thread is interrupted (cancelled, or over its time limit), since nobody wants the rest.
 * When the chunk was sent with output capture, the wrapper also cuts the capture after each input, so that
 * each input's result comes back {@link Printed} with what that input printed.
 */
final class BatchChunk {
    /**
     * An input's exception, in place of its result.
     *
     * @param failure what the function threw for the input, or its stand-in
     */
    record Failed(Throwable failure) implements Serializable {
    }

    /**
     * An input's result or {@link Failed}, with what the input printed, when the chunk captures its output.
     *
     * @param value  the result or a {@link Failed}
     * @param output what the input printed
     */
    record Printed(Object value, TaskOutput output) implements Serializable {
    }

    private BatchChunk() {
    }

    /** The task that applies {@code function} to each of {@code inputs}, keeping each input's exception apart. */
    static FunctionOverList of(Function<Object, Object> function, ArrayList<Object> inputs) {
        return new FunctionOverList(capturing(function), inputs);
    }

    /** The exception of result {@code i} of a chunk, or null if that input succeeded. */
    static Throwable failure(List<?> results, int i) {
        return value(results, i) instanceof Failed failed ? failed.failure() : null;
    }

    /** Result {@code i} of a chunk (a {@link Failed} if that input failed). */
    static Object value(List<?> results, int i) {
        Object value = results.get(i);
        return value instanceof Printed printed ? printed.value() : value;
    }

    /** What input {@code i} of a chunk printed, or null when the chunk's output was not captured. */
    static TaskOutput output(List<?> results, int i) {
        return results.get(i) instanceof Printed printed ? printed.output() : null;
    }

    private static SerializableFunction<Object, Object> capturing(Function<Object, Object> function) {
        return input -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("batch chunk interrupted: it was cancelled or ran past its time limit");
            }
            // What was printed before this input (while the chunk was read, or between inputs) is nobody's;
            // null when the chunk does not capture its output.
            boolean capturing = OutputCapture.cut() != null;
            Object value;
            try {
                value = function.apply(input);
            } catch (VirtualMachineError e) {
                throw e; // the worker's own handling (exit on OutOfMemoryError) applies
            } catch (Throwable e) {
                value = new Failed(shippable(e));
            }
            if (!capturing) {
                return value;
            }
            CapturedOutput printed = OutputCapture.cut();
            return new Printed(value, printed == null ? null
                    : new TaskOutput(printed.stdout(), printed.stderr(), printed.omittedBytes()));
        };
    }

    /** {@code thrown} if it can be serialized, else a stand-in that says what it was. */
    static Throwable shippable(Throwable thrown) {
        try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            out.writeObject(thrown);
            return thrown;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            TaskSerializationException standIn = new TaskSerializationException("the input's function threw "
                    + thrown + ", which cannot be sent to the parent: " + e, null);
            standIn.setStackTrace(thrown.getStackTrace());
            return standIn;
        }
    }
}
