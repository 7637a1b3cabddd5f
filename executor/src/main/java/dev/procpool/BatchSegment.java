package dev.procpool;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Inputs a batch took from its {@code Iterable} in one go: indices {@link #first} to {@code first + size() - 1}.
 * It keeps the inputs and, once their chunks are back, the workers' answers as they came (the decoded list of a
 * chunk that ran the whole segment, else one slot per position), and makes each input's {@link Outcome} only
 * when it is delivered. Nothing is held per input beyond the input and its answer: an {@code Outcome} per input
 * kept until its turn, and an index record per input, cost an ordered stream of trivial inputs a third of its
 * consuming thread. Used by the batch's consuming thread only.
 *
 * @param <T> the input type
 */
final class BatchSegment<T> {
    final long first;
    /** Every input of the range, replayed ones included. */
    final ArrayList<Object> inputs;
    /** The digest of each input's serialized form; null without a journal. */
    final long[] digests;
    /** The answers of a segment whose one chunk ran it whole; else null. */
    private List<Object> results;
    /**
     * Otherwise one slot per position: a worker's answer (a result, {@link BatchChunk.Failed} or
     * {@link BatchChunk.Printed}) or a finished {@link Outcome} (replayed, or failed without an answer). A worker's
     * answer is never an {@code Outcome}, which is not serializable.
     */
    private Object[] values;
    /** Chunks of this segment not yet answered; delivery in input order waits for none to be left. */
    int pending;
    /** The next position to deliver, in input order. */
    int cursor;

    BatchSegment(long first, ArrayList<Object> inputs, long[] digests) {
        this.first = first;
        this.inputs = inputs;
        this.digests = digests;
    }

    int size() {
        return inputs.size();
    }

    /** Keeps the answers of a chunk of {@code span}'s positions, in their order. */
    void answered(BatchSpan<T> span, List<Object> answers) {
        if (values == null && span.isWhole()) {
            results = answers;
            return;
        }
        for (int k = 0; k < answers.size(); k++) {
            set(span.position(k), answers.get(k));
        }
    }

    /** Keeps a finished outcome for {@code position}. */
    void set(int position, Object valueOrOutcome) {
        if (values == null) {
            values = new Object[inputs.size()];
        }
        values[position] = valueOrOutcome;
    }

    /**
     * Hands the outcome of {@code position}, made now, to {@code action}. A plain result's outcome is made in the
     * call that hands it over, and nowhere else, so that the compiler can leave it out where the consumer does not
     * keep it (a stream's {@code mapToLong(Outcome::result)}): it was half of what a trivial batch allocated.
     */
    @SuppressWarnings("unchecked")
    <R> void deliver(int position, Consumer<? super Outcome<T, R>> action) {
        Object value = results != null ? results.get(position) : values[position];
        if (value instanceof Outcome<?, ?> || value instanceof BatchChunk.Printed
                || value instanceof BatchChunk.Failed) {
            action.accept(outcome(position));
        } else {
            action.accept(Outcome.success(first + position, (T) inputs.get(position), (R) value));
        }
    }

    /** The outcome of {@code position}, made now from the input and its answer. */
    @SuppressWarnings("unchecked")
    <R> Outcome<T, R> outcome(int position) {
        Object value = results != null ? results.get(position) : values[position];
        if (value instanceof Outcome<?, ?> done) {
            return (Outcome<T, R>) done;
        }
        long index = first + position;
        T input = (T) inputs.get(position);
        TaskOutput output = null;
        if (value instanceof BatchChunk.Printed printed) {
            value = printed.value();
            output = printed.output();
        }
        Outcome<T, R> outcome = value instanceof BatchChunk.Failed failed
                ? Outcome.failure(index, input, failed.failure())
                : Outcome.success(index, input, (R) value);
        return output == null ? outcome : outcome.withOutput(output);
    }

    /** Whether every position has been delivered. */
    boolean delivered() {
        return cursor == inputs.size();
    }
}
