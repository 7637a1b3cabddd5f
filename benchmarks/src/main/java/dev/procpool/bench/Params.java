package dev.procpool.bench;

import java.util.List;

/**
 * How much each section measures. The full counts are loky_bench.py's, so both sides average over the same
 * number of samples; {@link #quickRun()} is a smoke run that finishes in well under a minute.
 *
 * @param quick        whether this is the smoke run
 * @param coldReps     cold-start trials per variant
 * @param latWarmup    round trips before measuring. The JIT needs far more than loky's 300: with 2,000, C2
 *                     compilations (after ~10 k calls) fell into the measured blocks and, on 2 cores, stalled
 *                     round trips for 1.5-3.5 ms, which made the p99.
 * @param latN         round trips per block
 * @param latBlocks    blocks
 * @param thrN         tasks per throughput run
 * @param thrReps      throughput runs per mode
 * @param chunks       explicit {@code map} chunk sizes
 * @param payReps      100 MB transfers each way
 * @param crashReps    kill -9 trials
 * @param idleSeconds  how long idle CPU is measured
 * @param scaleReps    CPU-bound runs per worker count
 * @param scaleTasks   tasks per CPU-bound run
 */
record Params(boolean quick, int coldReps, int latWarmup, int latN, int latBlocks, int thrN, int thrReps,
              List<Integer> chunks, int payReps, int crashReps, double idleSeconds, int scaleReps, int scaleTasks) {

    static final int WORKERS = 2;
    static final int PAYLOAD_BYTES = 100_000_000;
    /** The busy loop's length per task; loky_bench.py calibrated to 50 ms and measured 46.8 ms. */
    static final double SCALE_TASK_SECONDS = 0.047;

    static Params fullRun() {
        return new Params(false, 11, 20_000, 1000, 6, 100_000, 3, List.of(1, 10, 100, 1000, 12_500), 7, 7, 10.0, 5, 40);
    }

    static Params quickRun() {
        return new Params(true, 1, 300, 200, 1, 2_000, 1, List.of(1, 100), 1, 1, 1.0, 1, 8);
    }
}
