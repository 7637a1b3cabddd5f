package dev.procpool;

import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.TaskFuture;
import dev.procpool.internal.executor.TaskLimits;
import dev.procpool.internal.executor.Tasks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One run of a {@link Batch}: the spliterator behind its stream. Each {@link #tryAdvance} pulls inputs while
 * fewer than {@code maxInFlight} are taken and not yet delivered, sends them in chunks, and waits for a chunk to
 * end. A chunk that ends with a crash, a timeout or an unreadable answer is split in two and both halves run
 * again, down to the single input that causes it, which alone fails with it; only single inputs get the pool's
 * retries. All state is owned by the consuming thread, except {@link #finished}, which the scheduler thread
 * feeds, and the progress counters.
 */
final class BatchRun<T, R> implements Spliterator<Outcome<T, R>> {
    /** One input and its position. */
    private record Item<T>(long index, T input) {
    }

    /** Inputs sent together as one task. */
    private static final class Chunk<T> {
        final List<Item<T>> items;
        TaskFuture<BatchChunk.Results> future;

        Chunk(List<Item<T>> items) {
            this.items = items;
        }
    }

    private final Tasks tasks;
    private final PoolLoop loop;
    private final Function<Object, Object> function;
    private final String functionName;
    private final Iterator<? extends T> inputs;
    private final boolean ordered;
    private final int maxInFlight;
    private final ChunkSizer sizer;
    private final ProgressReporter progress;
    private final TaskLimits perInput;
    private final Set<Chunk<T>> running = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Chunk<T>> finished = new LinkedBlockingQueue<>();
    private final Map<Long, Outcome<T, R>> readyByIndex = new HashMap<>();
    private final ArrayDeque<Outcome<T, R>> readyAsCompleted = new ArrayDeque<>();
    private long pulled;
    private long delivered;
    private boolean exhausted;
    /** What the inputs' iterator threw (a RuntimeException or an Error), rethrown once the rest is delivered. */
    private Throwable iteratorFailure;
    private volatile boolean closed;
    /** Set once, before the first chunk is sent. */
    private boolean captureOutput;

    @SuppressWarnings("unchecked")
    BatchRun(Tasks tasks, PoolLoop loop, SerializableFunction<? super T, ? extends R> function,
             Iterator<? extends T> inputs, boolean ordered, int maxInFlight, ChunkSizer sizer, ProgressReporter progress) {
        this.tasks = tasks;
        this.loop = loop;
        this.function = (Function<Object, Object>) (Function<?, ?>) function;
        this.functionName = Tasks.describe(function);
        this.inputs = inputs;
        this.ordered = ordered;
        this.maxInFlight = maxInFlight;
        this.sizer = sizer;
        this.progress = progress;
        this.perInput = tasks.defaultLimits();
    }

    /**
     * Checks that the function can be shipped, so that a batch whose every input would fail for it fails at once.
     *
     * @throws TaskNotSerializableException if it cannot
     */
    void checkFunction() {
        tasks.create(new BatchChunk(function, new ArrayList<>()), "the function of a batch, " + functionName,
                false, null);
    }

    /** Whether each input's output is captured in the worker and kept with its outcome. */
    void captureOutput(boolean captureOutput) {
        this.captureOutput = captureOutput;
    }

    @Override
    public boolean tryAdvance(Consumer<? super Outcome<T, R>> action) {
        if (closed) {
            throw new IllegalStateException("the batch's stream is closed");
        }
        while (true) {
            fill();
            Chunk<T> done;
            while ((done = finished.poll()) != null) {
                handle(done);
            }
            checkEnd();
            Outcome<T, R> next = ordered ? readyByIndex.remove(delivered) : readyAsCompleted.poll();
            if (next != null) {
                delivered++;
                action.accept(next);
                return true;
            }
            if (running.isEmpty() && exhausted) {
                progress.finish();
                if (iteratorFailure != null) {
                    Throwable failure = iteratorFailure;
                    iteratorFailure = null;
                    if (failure instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) failure;
                }
                return false;
            }
            if (!running.isEmpty()) {
                try {
                    handle(finished.take());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new CancellationException("interrupted while waiting for the outcomes of a batch;"
                            + " the batch is cancelled");
                }
            }
        }
    }

    /** Cancels every chunk still queued or running; the pool stays usable. Idempotent; the consuming thread. */
    void close() {
        closed = true;
        for (Chunk<T> chunk : running) {
            chunk.future.cancel(true);
        }
        running.clear();
        readyByIndex.clear();
        readyAsCompleted.clear();
        progress.finish();
    }

    /** Pulls and sends inputs while the window allows a full chunk (or any chunk, when nothing runs). */
    private void fill() {
        while (!exhausted) {
            long room = maxInFlight - (pulled - delivered);
            int size = sizer.next();
            if (room <= 0 || (room < size && !running.isEmpty())) {
                return;
            }
            List<Item<T>> items = pull((int) Math.min(size, room));
            if (!items.isEmpty()) {
                progress.submitted(items.size());
                send(items);
            }
        }
    }

    private List<Item<T>> pull(int count) {
        List<Item<T>> items = new ArrayList<>(count);
        try {
            while (items.size() < count) {
                if (!inputs.hasNext()) {
                    exhausted = true;
                    break;
                }
                items.add(new Item<>(pulled, inputs.next()));
                pulled++;
            }
            if (!exhausted && !inputs.hasNext()) {
                exhausted = true;
            }
        } catch (RuntimeException | Error e) {
            iteratorFailure = e;
            exhausted = true;
        }
        return items;
    }

    private void send(List<Item<T>> items) {
        ArrayList<Object> values = new ArrayList<>(items.size());
        for (Item<T> item : items) {
            values.add(item.input());
        }
        TaskFuture<BatchChunk.Results> future;
        try {
            future = tasks.create(new BatchChunk(function, values), describe(items), false, null, limits(items.size()));
        } catch (TaskNotSerializableException e) {
            if (items.size() == 1) {
                record(Outcome.failure(items.get(0).index(), items.get(0).input(), e));
            } else { // find the inputs in the way: each alone
                for (Item<T> item : items) {
                    send(List.of(item));
                }
            }
            return;
        }
        Chunk<T> chunk = new Chunk<>(items);
        chunk.future = future;
        running.add(chunk);
        future.whenDone(f -> finished.add(chunk));
        try {
            loop.submit(future);
        } catch (RejectedExecutionException e) {
            running.remove(chunk);
            throw e;
        }
    }

    /** Chunks run with the per-input time limit times their size; only single inputs are retried after a crash. */
    private TaskLimits limits(int inputs) {
        long limit = perInput.timeLimitNs();
        long chunkLimit = limit == 0 ? 0 : limit > Long.MAX_VALUE / inputs ? Long.MAX_VALUE : limit * inputs;
        return new TaskLimits(chunkLimit, inputs == 1 ? perInput.retries() : 0, captureOutput);
    }

    private String describe(List<Item<T>> items) {
        long first = items.get(0).index();
        long last = items.get(items.size() - 1).index();
        String which = items.size() == 1 ? "input " + first
                : last - first + 1 == items.size() ? "inputs " + first + ".." + last
                : items.size() + " inputs from " + first + " to " + last;
        return "batch " + which + " of " + functionName;
    }

    private void handle(Chunk<T> chunk) {
        if (!running.remove(chunk)) {
            return; // closed meanwhile
        }
        List<Item<T>> items = chunk.items;
        BatchChunk.Results results;
        try {
            results = chunk.future.get();
        } catch (ExecutionException e) {
            failed(items, e.getCause());
            return;
        } catch (CancellationException e) { // shutdownNow
            failed(items, e);
            return;
        } catch (InterruptedException cannotHappen) { // the future is done
            Thread.currentThread().interrupt();
            failed(items, cannotHappen);
            return;
        }
        sizer.observed(items.size(), results.workerNs());
        for (int i = 0; i < items.size(); i++) {
            Item<T> item = items.get(i);
            Throwable failure = results.failure(i);
            @SuppressWarnings("unchecked")
            R result = (R) results.results()[i];
            record((failure == null ? Outcome.<T, R>success(item.index(), item.input(), result)
                    : Outcome.<T, R>failure(item.index(), item.input(), failure)).withOutput(results.output(i)));
        }
    }

    /** A whole chunk failed: narrow it down if the failure may be one input's doing, else every input fails. */
    private void failed(List<Item<T>> items, Throwable cause) {
        boolean narrowable = cause instanceof WorkerCrashedException || cause instanceof TaskTimeoutException
                || cause instanceof TaskSerializationException;
        if (items.size() > 1 && narrowable && !closed) {
            int half = items.size() / 2;
            resend(items.subList(0, half), cause);
            resend(items.subList(half, items.size()), cause);
            return;
        }
        for (Item<T> item : items) {
            record(Outcome.failure(item.index(), item.input(), cause));
        }
    }

    private void resend(List<Item<T>> items, Throwable cause) {
        try {
            send(new ArrayList<>(items));
        } catch (RejectedExecutionException e) { // the pool was shut down meanwhile: the chunk's failure stands
            cause.addSuppressed(e);
            for (Item<T> item : items) {
                record(Outcome.failure(item.index(), item.input(), cause));
            }
        }
    }

    private void record(Outcome<T, R> outcome) {
        if (ordered) {
            readyByIndex.put(outcome.index(), outcome);
        } else {
            readyAsCompleted.add(outcome);
        }
        progress.completed(outcome.succeeded());
    }

    /** Every input has its outcome, delivered or not: the progress listener gets its last report. */
    private void checkEnd() {
        if (exhausted && running.isEmpty() && finished.isEmpty()) {
            progress.finish();
        }
    }

    @Override
    public Spliterator<Outcome<T, R>> trySplit() {
        return null;
    }

    @Override
    public long estimateSize() {
        return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
        return (ordered ? ORDERED : 0) | NONNULL;
    }
}
