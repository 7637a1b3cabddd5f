package dev.procpool;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A snapshot of a running {@link Batch}, as given to {@link Batch#onProgress}. Immutable.
 */
public final class BatchProgress {
    private final long completed;
    private final long failed;
    private final long submitted;
    private final OptionalLong total;
    private final long elapsedNs;
    private final boolean last;

    BatchProgress(long completed, long failed, long submitted, OptionalLong total, long elapsedNs, boolean last) {
        this.completed = completed;
        this.failed = failed;
        this.submitted = submitted;
        this.total = total;
        this.elapsedNs = elapsedNs;
        this.last = last;
    }

    /**
     * A ready progress reporter for {@link Batch#onProgress}, writing to {@code System.err}. On a terminal
     * ({@code System.console() != null}) it redraws one line: a bar (when the total is known), the count, the
     * rate, the failures and the ETA. Otherwise (a log, a CI job) it writes a plain line every five seconds.
     * Both end with a final line when the batch ends. Each call returns a new reporter, for one batch.
     *
     * @return a new reporter, for one batch
     */
    public static Consumer<BatchProgress> console() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    /**
     * Inputs whose outcome is known, succeeded or failed. Equals the number of inputs in the last report of a batch that ran to its end.
     *
     * @return the inputs completed so far
     */
    public long completed() {
        return completed;
    }

    /**
     * Of the {@link #completed()} inputs, those that failed.
     *
     * @return the completed inputs that failed
     */
    public long failed() {
        return failed;
    }

    /**
     * Inputs taken from the {@code Iterable} and sent to the workers so far.
     *
     * @return the inputs sent to the workers so far
     */
    public long submitted() {
        return submitted;
    }

    /**
     * The number of inputs, when known in advance: when the batch's {@code Iterable} is a {@link java.util.Collection}.
     *
     * @return the number of inputs, or empty when not known
     */
    public OptionalLong total() {
        return total;
    }

    /**
     * Time since the batch's stream was started.
     *
     * @return the time since the stream started
     */
    public Duration elapsed() {
        return Duration.ofNanos(elapsedNs);
    }

    /**
     * Completed inputs per second, averaged since the start; 0 before the first second's worth of data.
     *
     * @return completed inputs per second
     */
    public double ratePerSecond() {
        return elapsedNs <= 0 ? 0 : completed * 1e9 / elapsedNs;
    }

    /**
     * The estimated time until every input is completed, at the average rate so far; empty while the total is
     * unknown or nothing has completed yet.
     *
     * @return the estimated time left, or empty
     */
    public Optional<Duration> eta() {
        double rate = ratePerSecond();
        if (total.isEmpty() || rate <= 0) {
            return Optional.empty();
        }
        long remaining = Math.max(0, total.getAsLong() - completed);
        return Optional.of(Duration.ofMillis((long) (remaining * 1000 / rate)));
    }

    /**
     * True for the batch's last report: it ran to its end, or its stream was closed before.
     *
     * @return whether this is the batch's last report
     */
    public boolean isLast() {
        return last;
    }

    @Override
    public String toString() {
        return "BatchProgress[completed=" + completed + (total.isPresent() ? "/" + total.getAsLong() : "")
                + ", failed=" + failed + ", submitted=" + submitted + ", rate=" + Math.round(ratePerSecond()) + "/s"
                + eta().map(d -> ", eta=" + d.toSeconds() + "s").orElse("") + (last ? ", last" : "") + "]";
    }
}
