package dev.procpool;

import java.util.concurrent.TimeUnit;

/**
 * How many inputs a batch puts in its next chunk. Fixed when the caller chose a size; otherwise it starts at one
 * input and aims, as joblib does, at chunks that take {@link #TARGET_NS} in a worker: long enough that the cost of
 * a round trip is small beside the work, short enough to balance the workers and lose little to a crash. It
 * grows at most twofold per observation (one slow first input must not make a huge chunk) and shrinks at once.
 * Called by the batch's consuming thread only.
 */
final class ChunkSizer {
    static final long TARGET_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Weight of the newest observation in the running average of the time per input. */
    private static final double WEIGHT = 0.3;

    private final boolean fixed;
    private final int max;
    private int size;
    private double nsPerInput = -1;

    private ChunkSizer(boolean fixed, int size, int max) {
        this.fixed = fixed;
        this.size = size;
        this.max = max;
    }

    /** Always {@code size}. */
    static ChunkSizer fixed(int size) {
        return new ChunkSizer(true, size, size);
    }

    /** Starting at 1, adapting to observed durations, never above {@code max}. */
    static ChunkSizer automatic(int max) {
        return new ChunkSizer(false, 1, Math.max(1, max));
    }

    int next() {
        return size;
    }

    /** Whether the caller chose the size. */
    boolean isFixed() {
        return fixed;
    }

    /** A chunk of {@code inputs} inputs took {@code workerNs} in its worker. */
    void observed(int inputs, long workerNs) {
        if (fixed || inputs <= 0) {
            return;
        }
        double perInput = Math.max(1, workerNs) / (double) inputs;
        nsPerInput = nsPerInput < 0 ? perInput : (1 - WEIGHT) * nsPerInput + WEIGHT * perInput;
        long ideal = Math.max(1, Math.min(max, (long) (TARGET_NS / nsPerInput)));
        size = (int) Math.min(ideal, 2L * size);
    }
}
