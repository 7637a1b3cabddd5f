package dev.procpool;

import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.TaskFuture;
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
            for (int c = 0; c < chunks; c++) {
                int from = c * chunkSize;
                ArrayList<Object> slice = new ArrayList<>(all.subList(from, Math.min(all.size(), from + chunkSize)));
                String description = "map chunk " + (c + 1) + " of " + chunks + ", inputs " + from + ".."
                        + (from + slice.size() - 1) + ", " + Tasks.describe(function);
                TaskFuture<List<R>> future = tasks.create(new FunctionOverList(untyped, slice), description, false, null);
                futures.add(future);
                loop.submit(future);
            }
            List<R> results = new ArrayList<>(all.size());
            for (TaskFuture<List<R>> future : futures) {
                results.addAll(future.get());
            }
            return results;
        } finally {
            for (TaskFuture<List<R>> future : futures) {
                future.cancel(true);
            }
        }
    }
}
