package dev.procpool;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a task printed to {@code System.out} and {@code System.err} in its worker while it ran, captured because it
 * was submitted with {@link TaskOptions#captureOutput(boolean) captureOutput(true)} (or its batch with
 * {@link Batch#captureOutput(boolean)}). Reach it through {@link ProcessPoolExecutor#outputOf(java.util.concurrent.Future)},
 * {@link Outcome#output()}, or, when the task failed, the {@link TaskOutputException} suppressed by its exception.
 *
 * <p>Bounded: the first {@link #MAX_BYTES_PER_STREAM} bytes of each stream are kept (decoded with the worker's
 * console encoding); {@link #omittedBytes()} counts those past the bound, and {@link #truncated()} tells whether
 * there were any. The output also reaches the worker's own stream, as uncaptured output does, so nothing is lost.
 * Every thread of the worker counts while the task runs, threads the task started included; what they print after
 * the task ended is not captured. Immutable; equal when all three parts are.
 */
public final class TaskOutput implements Serializable {
    /** The most bytes kept of each stream for one task (one input, in a batch): 64 KiB. */
    public static final int MAX_BYTES_PER_STREAM = 64 * 1024;
    private static final long serialVersionUID = 1L;

    /** What the task wrote to {@code System.out}, possibly cut at the bound. */
    private final String stdout;
    /** What the task wrote to {@code System.err}, possibly cut at the bound. */
    private final String stderr;
    /** How many bytes past the bound were not kept, both streams together. */
    private final long omittedBytes;

    /**
     * An output, as the pool makes it from what the worker captured.
     *
     * @param stdout       what the task wrote to {@code System.out}
     * @param stderr       what the task wrote to {@code System.err}
     * @param omittedBytes how many bytes past the bound were not kept
     * @throws NullPointerException     if {@code stdout} or {@code stderr} is null
     * @throws IllegalArgumentException if {@code omittedBytes} is negative
     */
    public TaskOutput(String stdout, String stderr, long omittedBytes) {
        this.stdout = Objects.requireNonNull(stdout, "stdout");
        this.stderr = Objects.requireNonNull(stderr, "stderr");
        if (omittedBytes < 0) {
            throw new IllegalArgumentException("omittedBytes must be >= 0, was " + omittedBytes);
        }
        this.omittedBytes = omittedBytes;
    }

    /**
     * What the task wrote to {@code System.out}, cut at {@link #MAX_BYTES_PER_STREAM} bytes.
     *
     * @return the text of the task's standard output
     */
    public String stdout() {
        return stdout;
    }

    /**
     * What the task wrote to {@code System.err}, cut at {@link #MAX_BYTES_PER_STREAM} bytes.
     *
     * @return the text of the task's standard error
     */
    public String stderr() {
        return stderr;
    }

    /**
     * How many bytes the task printed past the bound, both streams together; they reached only the worker's own
     * output.
     *
     * @return the number of bytes not kept, 0 if none
     */
    public long omittedBytes() {
        return omittedBytes;
    }

    /**
     * True if the task printed more than {@link #MAX_BYTES_PER_STREAM} bytes to a stream, so that its end is
     * missing here.
     *
     * @return whether some output was not kept
     */
    public boolean truncated() {
        return omittedBytes > 0;
    }

    /**
     * True if the task printed nothing.
     *
     * @return whether both streams are empty and nothing was omitted
     */
    public boolean isEmpty() {
        return stdout.isEmpty() && stderr.isEmpty() && omittedBytes == 0;
    }

    /**
     * Equal when both texts and the omitted count are.
     *
     * @param other the object to compare with
     * @return whether {@code other} is a {@code TaskOutput} with the same parts
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof TaskOutput that && stdout.equals(that.stdout) && stderr.equals(that.stderr)
                && omittedBytes == that.omittedBytes;
    }

    /**
     * A hash of the three parts.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(stdout, stderr, omittedBytes);
    }

    /**
     * Both streams, each under its own heading, and a last line saying how much was cut off, if anything was.
     *
     * @return the output as text for a log or a stack trace
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (!stdout.isEmpty()) {
            text.append("--- stdout ---\n").append(stdout);
            if (!stdout.endsWith("\n")) {
                text.append('\n');
            }
        }
        if (!stderr.isEmpty()) {
            text.append("--- stderr ---\n").append(stderr);
            if (!stderr.endsWith("\n")) {
                text.append('\n');
            }
        }
        if (truncated()) {
            text.append("[").append(omittedBytes).append(" more bytes not kept: each stream keeps its first ")
                    .append(MAX_BYTES_PER_STREAM).append(" bytes; the worker's own output has them all]\n");
        }
        return text.length() == 0 ? "(nothing printed)" : text.toString();
    }
}
