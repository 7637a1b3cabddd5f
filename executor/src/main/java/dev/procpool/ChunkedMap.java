package dev.procpool;

import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.TaskFuture;
import dev.procpool.internal.executor.TaskLimits;
import dev.procpool.internal.executor.Tasks;
import dev.procpool.internal.ipc.codec.FunctionOverList;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * {@link ProcessPoolExecutor#map}: the inputs travel in chunks, one task per chunk, and the results come back in
 * input order. Called on the caller's thread; holds nothing between calls.
 */
final class ChunkedMap {
    /** Chunks per worker when the caller does not choose a size: enough to balance uneven inputs. */
    private static final int CHUNKS_PER_WORKER = 4;

    private ChunkedMap() {
    }

    /** The chunk size that gives each of {@code workers} about {@link #CHUNKS_PER_WORKER} chunks. */
    static int automaticChunkSize(int inputs, int workers) {
        return (int) Math.max(1, Math.ceil(inputs / ((double) CHUNKS_PER_WORKER * workers)));
    }

    static <T, R> List<R> map(Tasks tasks, PoolLoop loop, SerializableFunction<? super T, ? extends R> function,
                              Collection<? extends T> inputs, int chunkSize)
            throws InterruptedException, ExecutionException {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(inputs, "inputs");
        Checks.positive(chunkSize, "chunkSize");
        List<T> all = new ArrayList<>(inputs);
        int chunks = (all.size() + chunkSize - 1) / chunkSize;
        List<TaskFuture<List<R>>> futures = new ArrayList<>(chunks);
        @SuppressWarnings("unchecked")
        Function<Object, Object> untyped = (Function<Object, Object>) (Function<?, ?>) function;
        try {
            List<List<Object>> slices = new ArrayList<>(chunks);
            for (int c = 0; c < chunks; c++) {
                int from = c * chunkSize;
                ArrayList<Object> slice = new ArrayList<>(all.subList(from, Math.min(all.size(), from + chunkSize)));
                String description = "map chunk " + (c + 1) + " of " + chunks + ", inputs " + from + ".."
                        + (from + slice.size() - 1) + ", " + Tasks.describe(function);
                slices.add(slice);
                futures.add(submit(tasks, loop, untyped, slice, description));
            }
            List<R> results = new ArrayList<>(all.size());
            for (int c = 0; c < chunks; c++) {
                results.addAll(resultsOf(tasks, loop, untyped, futures.get(c), slices.get(c), c * chunkSize, futures));
            }
            return results;
        } finally {
            for (TaskFuture<List<R>> future : futures) {
                future.cancel(true);
            }
        }
    }

    /**
     * A chunk's results. When its worker died during it, the crash is narrowed down: the chunk is split as a
     * batch splits one ({@link BatchRun#pieces}: single inputs up to 64, else about the square root of its size
     * pieces) and the pieces run again, until a single input crashes alone, so that inputs sharing a chunk with a
     * crashing one are not blamed for it; two rounds of crashes instead of halving's ten for a chunk of 1,000.
     * Only single inputs get the pool's retries. The pieces' futures join {@code futures}, to be cancelled with
     * the rest.
     */
    private static <R> List<R> resultsOf(Tasks tasks, PoolLoop loop, Function<Object, Object> function,
                                         TaskFuture<List<R>> future, List<Object> slice, int from,
                                         List<TaskFuture<List<R>>> futures)
            throws InterruptedException, ExecutionException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (slice.size() == 1 || !(e.getCause() instanceof WorkerCrashedException)) {
                throw e;
            }
        }
        int pieces = BatchRun.pieces(slice.size());
        List<TaskFuture<List<R>>> pieceFutures = new ArrayList<>(pieces);
        for (int p = 0; p < pieces; p++) { // all submitted before any is awaited: they run side by side
            int start = slice.size() * p / pieces;
            List<Object> piece = slice.subList(start, slice.size() * (p + 1) / pieces);
            TaskFuture<List<R>> pieceFuture = submit(tasks, loop, function, piece,
                    describe(from + start, piece.size(), function));
            futures.add(pieceFuture);
            pieceFutures.add(pieceFuture);
        }
        List<R> results = new ArrayList<>(slice.size());
        for (int p = 0; p < pieces; p++) {
            int start = slice.size() * p / pieces;
            List<Object> piece = slice.subList(start, slice.size() * (p + 1) / pieces);
            results.addAll(resultsOf(tasks, loop, function, pieceFutures.get(p), piece, from + start, futures));
        }
        return results;
    }

    private static String describe(int from, int size, Function<Object, Object> function) {
        return "map " + (size == 1 ? "input " + from : "inputs " + from + ".." + (from + size - 1)) + ", "
                + Tasks.describe(function) + " (narrowing down a crash)";
    }

    /** A chunk of several inputs is not retried as a whole after a crash: it is narrowed down instead. */
    private static <R> TaskFuture<List<R>> submit(Tasks tasks, PoolLoop loop, Function<Object, Object> function,
                                                  List<Object> slice, String description) {
        TaskLimits pool = tasks.defaultLimits();
        TaskLimits limits = slice.size() == 1 ? pool : new TaskLimits(pool.timeLimitNs(), 0);
        TaskFuture<List<R>> future = tasks.create(new FunctionOverList(function,
                slice instanceof ArrayList<Object> list ? list : new ArrayList<>(slice)), description, false,
                null, limits);
        loop.submit(future);
        return future;
    }
}
