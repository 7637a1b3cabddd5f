package dev.procpool;

import dev.procpool.internal.ipc.codec.EncodedList;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Inputs a batch took from its {@code Iterable} in one go: indices {@link #first} to {@code first + size() - 1}.
 * It keeps the inputs and, once their chunks are back, the workers' answers as they came (the list of a chunk
 * that ran the whole segment, still encoded when it holds plain results only, else one slot per position), and
 * makes each input's {@link Outcome} only when it is delivered. Nothing is held per input beyond the input and
 * its answer: an {@code Outcome} per input kept until its turn, and an index record per input, cost an ordered
 * stream of trivial inputs a third of its consuming thread. Used by the batch's consuming thread only.
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
     * Or those answers still encoded, read as they are delivered (plain results only: no failure among them); a
     * boxed result per input, held from its chunk's answer to its delivery, was most of what a trivial batch kept
     * on the heap.
     */
    private EncodedList encoded;
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

    /**
     * Keeps the plain results of a chunk of {@code span}'s positions, encoded when the chunk ran the whole segment
     * (they are then read in order, as they are delivered), else read now into their positions.
     */
    void answered(BatchSpan<T> span, EncodedList answers) {
        if (values == null && span.isWhole()) {
            encoded = answers;
            return;
        }
        for (int k = 0; k < answers.size(); k++) {
            set(span.position(k), answers.next());
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
        if (encoded != null && encoded.isInts()) { // no dispatch per result: its Integer can be left out too
            checkInOrder(position);
            Integer result = encoded.nextInt();
            action.accept(Outcome.success(first + position, (T) inputs.get(position), (R) result));
            return;
        }
        Object value = answer(position);
        if (value instanceof Outcome<?, ?> || value instanceof BatchChunk.Printed
                || value instanceof BatchChunk.Failed) {
            action.accept(outcome(position, value));
        } else {
            action.accept(Outcome.success(first + position, (T) inputs.get(position), (R) value));
        }
    }

    /**
     * The outcome of {@code position}, made now from the input and its answer. Each position is asked for once;
     * with encoded answers, in input order.
     */
    <R> Outcome<T, R> outcome(int position) {
        return outcome(position, answer(position));
    }

    /** The worker's answer for {@code position}, or its finished outcome. */
    private Object answer(int position) {
        if (encoded != null) {
            checkInOrder(position);
            return encoded.next();
        }
        return results != null ? results.get(position) : values[position];
    }

    private void checkInOrder(int position) {
        if (encoded.position() != position) {
            throw new IllegalStateException("position " + position + " of a segment asked for out of order;"
                    + " its encoded answers are at " + encoded.position());
        }
    }

    @SuppressWarnings("unchecked")
    private <R> Outcome<T, R> outcome(int position, Object value) {
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
