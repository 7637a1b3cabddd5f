package dev.procpool;

import dev.procpool.internal.ipc.CapturedOutput;
import dev.procpool.internal.worker.OutputCapture;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * One chunk of a {@link Batch}, run in a worker: applies the function to each input and keeps each input's
 * result or exception apart, so that a throwing input fails only itself. An exception that could not travel
 * back to the parent is replaced here, in the worker, by a {@link TaskSerializationException} carrying its
 * class, message and stack frames; otherwise it would make the whole chunk's answer unreadable.
 *
 * <p>A separate class from {@code map}'s chunk task, whose contract is different (it stops at the first
 * exception).
 *
 * @param function the batch's function
 * @param inputs   this chunk's inputs, in order
 */
record BatchChunk(Function<Object, Object> function, ArrayList<Object> inputs)
        implements Callable<BatchChunk.Results>, Serializable {

    /**
     * What a chunk produced: for input {@code i}, {@code results[i]} or, if {@code failures} is not null and
     * {@code failures[i]} is not null, that exception; and how long the inputs took in the worker.
     *
     * @param results  each input's result
     * @param failures each input's exception, or null when none failed
     * @param workerNs how long the chunk's inputs took in the worker
     * @param outputs  what each input printed, or null when the chunk's output was not captured
     */
    record Results(Object[] results, Throwable[] failures, long workerNs, TaskOutput[] outputs) implements Serializable {
        Throwable failure(int i) {
            return failures == null ? null : failures[i];
        }

        TaskOutput output(int i) {
            return outputs == null ? null : outputs[i];
        }
    }

    @Override
    public Results call() throws InterruptedException {
        long start = System.nanoTime();
        Object[] results = new Object[inputs.size()];
        Throwable[] failures = null;
        // In the worker, a chunk sent with output capture cuts the capture after each input; what was printed
        // while the chunk was read is nobody's.
        TaskOutput[] outputs = OutputCapture.cut() == null ? null : new TaskOutput[results.length];
        for (int i = 0; i < results.length; i++) {
            if (Thread.currentThread().isInterrupted()) { // cancelled or over its time limit: nobody wants the rest
                throw new InterruptedException("batch chunk interrupted before input " + i + " of " + results.length);
            }
            try {
                results[i] = function.apply(inputs.get(i));
            } catch (VirtualMachineError e) {
                throw e; // the worker's own handling (exit on OutOfMemoryError) applies
            } catch (Throwable e) {
                if (failures == null) {
                    failures = new Throwable[results.length];
                }
                failures[i] = shippable(e);
            }
            if (outputs != null) {
                CapturedOutput printed = OutputCapture.cut();
                outputs[i] = printed == null ? null
                        : new TaskOutput(printed.stdout(), printed.stderr(), printed.omittedBytes());
            }
        }
        return new Results(results, failures, System.nanoTime() - start, outputs);
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
