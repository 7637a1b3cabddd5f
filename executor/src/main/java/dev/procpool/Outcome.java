package dev.procpool;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one input of a {@link Batch}: its result, or the exception it failed with. Every input of a batch
 * has exactly one outcome. Immutable; safe to hand to other threads.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
public final class Outcome<T, R> {
    private final long index;
    private final T input;
    private final R result;
    private final Throwable failure;
    /** Null unless the batch captured output and the input's chunk came back from its worker. */
    private final TaskOutput output;

    private Outcome(long index, T input, R result, Throwable failure, TaskOutput output) {
        this.index = index;
        this.input = input;
        this.result = result;
        this.failure = failure;
        this.output = output;
    }

    static <T, R> Outcome<T, R> success(long index, T input, R result) {
        return new Outcome<>(index, input, result, null, null);
    }

    static <T, R> Outcome<T, R> failure(long index, T input, Throwable failure) {
        return new Outcome<>(index, input, null, Objects.requireNonNull(failure, "failure"), null);
    }

    /** This outcome with what the input's function printed, if it was captured. */
    Outcome<T, R> withOutput(TaskOutput output) {
        return output == null ? this : new Outcome<>(index, input, result, failure, output);
    }

    /**
     * The input's position in the batch's {@code Iterable}, counting from 0.
     *
     * @return the position, from 0
     */
    public long index() {
        return index;
    }

    /**
     * The input itself: the parent's object, not the copy the worker saw.
     *
     * @return the input
     */
    public T input() {
        return input;
    }

    /**
     * True if the function returned for this input (possibly {@code null}); false if it failed.
     *
     * @return whether the function returned
     */
    public boolean succeeded() {
        return failure == null;
    }

    /**
     * What the function returned for this input (may be {@code null}).
     *
     * @return what the function returned
     * @throws IllegalStateException if the input failed; its cause is {@link #failure()}
     */
    public R result() {
        if (failure != null) {
            throw new IllegalStateException("input " + index + " has no result: it failed with " + failure, failure);
        }
        return result;
    }

    /**
     * Why this input failed: the exception the function threw, with its own type and the worker's stack frames;
     * {@link WorkerCrashedException} if the input's worker died while running it (after the pool's retries);
     * {@link TaskTimeoutException} if it ran past the pool's time limit; {@link TaskNotSerializableException} if
     * the input could not be sent to a worker; {@link TaskSerializationException} if its result or exception
     * could not be sent back; {@link java.util.concurrent.CancellationException} if the pool was shut down with
     * {@link ProcessPoolExecutor#shutdownNow()} while it ran.
     *
     * @return why the input failed
     * @throws IllegalStateException if the input succeeded
     */
    public Throwable failure() {
        if (failure == null) {
            throw new IllegalStateException("input " + index + " succeeded: it has no failure");
        }
        return failure;
    }

    /**
     * What the function printed in its worker while it ran on this input, when the batch was started with
     * {@link Batch#captureOutput(boolean) captureOutput(true)}: each input's output is kept apart, even within a
     * chunk, and bounded as {@link TaskOutput} says.
     *
     * @return the output; empty if the batch did not capture output, or if the input has no answer from its
     *         worker (its worker crashed, it timed out, it could not be sent, or the pool was shut down)
     */
    public Optional<TaskOutput> output() {
        return Optional.ofNullable(output);
    }

    @Override
    public String toString() {
        return "Outcome[" + index + ": " + (failure == null ? "result " + result : "failed with " + failure) + "]";
    }
}
