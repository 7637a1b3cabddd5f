package dev.procpool;

import dev.procpool.internal.executor.TaskFuture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Some positions of a {@link BatchSegment}: a range, or a list when the journal replayed inputs in between. It is
 * the unit sent to a worker as one task (a chunk), and, for an unordered stream, the unit of outcomes handed over
 * together once answered. Used by the batch's consuming thread; {@link #future} is completed by the scheduler.
 *
 * @param <T> the input type
 */
final class BatchSpan<T> {
    final BatchSegment<T> segment;
    private final int from;
    private final int to;
    /** The positions, when they are not the range {@code from..to-1}. */
    private final int[] positions;
    long sentNs;
    TaskFuture<List<Object>> future;
    /** The next of its outcomes to deliver, for an unordered stream. */
    int cursor;

    private BatchSpan(BatchSegment<T> segment, int from, int to, int[] positions) {
        this.segment = segment;
        this.from = from;
        this.to = to;
        this.positions = positions;
    }

    /** Positions {@code from} to {@code to - 1} of {@code segment}. */
    static <T> BatchSpan<T> range(BatchSegment<T> segment, int from, int to) {
        return new BatchSpan<>(segment, from, to, null);
    }

    /** The given positions of {@code segment}, in increasing order. */
    static <T> BatchSpan<T> of(BatchSegment<T> segment, int[] positions) {
        return new BatchSpan<>(segment, 0, positions.length, positions);
    }

    int size() {
        return to - from;
    }

    /** The segment position of this span's {@code k}-th input. */
    int position(int k) {
        return positions == null ? from + k : positions[k];
    }

    /** The input index of this span's {@code k}-th input. */
    long index(int k) {
        return segment.first + position(k);
    }

    /** Whether it covers its whole segment, in order. */
    boolean isWhole() {
        return positions == null && from == 0 && to == segment.size();
    }

    /** Its inputs {@code a} to {@code b - 1} as a span of their own. */
    BatchSpan<T> slice(int a, int b) {
        return positions == null ? range(segment, from + a, from + b)
                : of(segment, Arrays.copyOfRange(positions, a, b));
    }

    /** Its inputs, to send: the segment's own list when it covers it whole. */
    ArrayList<Object> inputs() {
        if (isWhole()) {
            return segment.inputs;
        }
        ArrayList<Object> inputs = new ArrayList<>(size());
        for (int k = 0; k < size(); k++) {
            inputs.add(segment.inputs.get(position(k)));
        }
        return inputs;
    }
}
