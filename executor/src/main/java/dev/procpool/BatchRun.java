package dev.procpool;

import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.TaskFuture;
import dev.procpool.internal.executor.TaskLimits;
import dev.procpool.internal.executor.Tasks;

import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
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
 * end. A chunk that ends with a crash, a timeout or an unreadable answer is split ({@link #pieces}) and the
 * pieces run again, down to the single input that causes it, which alone fails with it; only single inputs get
 * the pool's retries. All state is owned by the consuming thread, except {@link #finished}, which the scheduler thread
 * feeds, and the progress counters.
 */
final class BatchRun<T, R> implements Spliterator<Outcome<T, R>> {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessPoolExecutor.class);
    /** A failed chunk this small is narrowed by running each of its inputs alone. */
    static final int SINGLES_UP_TO = 64;

    /** One input, its position, and the digest of its serialized form (0 without a journal). */
    private record Item<T>(long index, T input, long digest) {
    }

    /** Inputs sent together as one task. */
    private static final class Chunk<T> {
        final List<Item<T>> items;
        final long sentNs = System.nanoTime();
        TaskFuture<List<Object>> future;

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
    /** Null without {@link Batch#journal}. */
    private BatchJournal journal;
    private boolean warnedChangedInput;
    private final Set<Chunk<T>> running = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Chunk<T>> finished = new LinkedBlockingQueue<>();
    private final InOrder<Outcome<T, R>> readyByIndex = new InOrder<>();
    private final ArrayDeque<Outcome<T, R>> readyAsCompleted = new ArrayDeque<>();
    private final int workers;
    private long lastDoneNs = System.nanoTime();
    private long pulled;
    private long delivered;
    private boolean exhausted;
    /** Whether {@link #checkEnd} has seen every outcome known. */
    private boolean ended;
    /** What the inputs' iterator threw (a RuntimeException or an Error), rethrown once the rest is delivered. */
    private Throwable iteratorFailure;
    private volatile boolean closed;
    /** Set once, before the first chunk is sent. */
    private boolean captureOutput;

    @SuppressWarnings("unchecked")
    BatchRun(Tasks tasks, PoolLoop loop, int workers, SerializableFunction<? super T, ? extends R> function,
             Iterator<? extends T> inputs, boolean ordered, int maxInFlight, ChunkSizer sizer, ProgressReporter progress) {
        this.tasks = tasks;
        this.workers = Math.max(1, workers);
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
        tasks.create(BatchChunk.of(function, new ArrayList<>()), "the function of a batch, " + functionName,
                false, null);
    }

    /** Whether each input's output is captured in the worker and kept with its outcome. */
    void captureOutput(boolean captureOutput) {
        this.captureOutput = captureOutput;
    }

    @Override
    public boolean tryAdvance(Consumer<? super Outcome<T, R>> action) {
        return advance(action, 1);
    }

    /**
     * Delivers the outcomes in runs: each call of {@link #advance} hands over up to a chunk's worth of outcomes
     * that are ready, instead of refilling the window and polling for finished chunks before every outcome,
     * which cost a trivial batch about a third of its consuming thread.
     */
    @Override
    public void forEachRemaining(Consumer<? super Outcome<T, R>> action) {
        while (advance(action, Math.max(1, sizer.next()))) {
            // each call delivers at least one outcome
        }
    }

    /** Delivers between 1 and {@code most} ready outcomes, waiting for the first; false at the end. */
    private boolean advance(Consumer<? super Outcome<T, R>> action, int most) {
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
            Outcome<T, R> next = takeReady();
            if (next != null) {
                if (journal != null) {
                    flushJournal(); // recorded before delivered: a resumed batch does not run it again
                }
                int run = 0;
                do {
                    delivered++;
                    action.accept(next);
                } while (++run < most && !closed && (next = takeReady()) != null);
                return true;
            }
            if (running.isEmpty() && exhausted) {
                progress.finish();
                if (journal != null) {
                    journal.close();
                }
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
        if (journal != null) {
            journal.close();
        }
    }

    /** Records each outcome in {@code journal} before delivering it, and replays those it holds. */
    void useJournal(BatchJournal journal) {
        this.journal = journal;
    }

    private void flushJournal() {
        try {
            journal.flush();
        } catch (UncheckedIOException e) {
            close();
            throw e;
        }
    }

    /**
     * Pulls and sends inputs while the window allows a full chunk (or any chunk, when nothing runs). With automatic
     * chunks the window opens as chunks grow, so that a batch of slow inputs does not start with hundreds of
     * one-input tasks queued.
     */
    private void fill() {
        while (!exhausted) {
            int size = sizer.next();
            // automatic chunks start small: hold no more than a few chunks per worker of the current size
            long limit = sizer.isFixed() ? maxInFlight
                    : Math.min(maxInFlight, (long) Batch.CHUNKS_PER_WORKER * workers * size);
            long room = limit - (pulled - delivered);
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
        for (int taken = 0; taken < count && !exhausted; taken++) { // replayed inputs take room in the window too
            T input;
            try {
                if (!inputs.hasNext()) {
                    exhausted = true;
                    break;
                }
                input = inputs.next();
            } catch (RuntimeException | Error e) {
                iteratorFailure = e;
                exhausted = true;
                break;
            }
            long index = pulled++;
            if (journal == null) {
                items.add(new Item<>(index, input, 0));
            } else {
                long digest = journal.digest(input);
                if (!replayed(index, input, digest)) {
                    items.add(new Item<>(index, input, digest));
                }
            }
        }
        try {
            if (!exhausted && !inputs.hasNext()) {
                exhausted = true;
            }
        } catch (RuntimeException | Error e) {
            iteratorFailure = e;
            exhausted = true;
        }
        return items;
    }

    /** Delivers input {@code index}'s recorded outcome if the journal has one for this very input. */
    private boolean replayed(long index, T input, long digest) {
        BatchJournal.Entry entry = journal.take(index);
        if (entry == null) {
            return false;
        }
        if (entry.inputDigest() != digest) {
            warnOnce("input " + index + " differs from the input whose outcome the journal recorded (the digests of"
                    + " their serialized forms differ); it runs again, and its new outcome supersedes the old one");
            return false;
        }
        Object value;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            value = TaskCodec.decode(Payload.of(entry.payload()),
                    loader != null ? loader : function.getClass().getClassLoader());
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            warnOnce("the recorded outcome of input " + index + " cannot be read (" + e + "); it runs again");
            return false;
        }
        progress.submitted(1);
        @SuppressWarnings("unchecked")
        Outcome<T, R> outcome = entry.succeeded() ? Outcome.success(index, input, (R) value)
                : Outcome.failure(index, input, value instanceof Throwable t ? t
                        : new TaskSerializationException("the recorded failure of input " + index + " is not an"
                        + " exception but " + value, null));
        deliverLater(outcome);
        return true;
    }

    private void warnOnce(String message) {
        if (!warnedChangedInput) {
            warnedChangedInput = true;
            LOG.warn("procpool: batch journal: {} (further such notes are not logged)", message);
        }
    }

    private void send(List<Item<T>> items) {
        ArrayList<Object> values = new ArrayList<>(items.size());
        for (Item<T> item : items) {
            values.add(item.input());
        }
        TaskFuture<List<Object>> future;
        try {
            future = tasks.create(BatchChunk.of(function, values), describe(items), false, null, limits(items.size()));
        } catch (TaskNotSerializableException e) {
            if (items.size() == 1) {
                record(items.get(0), Outcome.failure(items.get(0).index(), items.get(0).input(), e));
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
        List<Object> results;
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
        observe(chunk);
        int failures = 0;
        for (int i = 0; i < items.size(); i++) {
            Item<T> item = items.get(i);
            Object result = BatchChunk.value(results, i);
            Outcome<T, R> outcome;
            if (result instanceof BatchChunk.Failed failed) {
                failures++;
                outcome = Outcome.failure(item.index(), item.input(), failed.failure());
            } else {
                @SuppressWarnings("unchecked")
                R value = (R) result;
                outcome = Outcome.success(item.index(), item.input(), value);
            }
            TaskOutput output = BatchChunk.output(results, i);
            if (output != null) {
                outcome = outcome.withOutput(output);
            }
            if (journal != null) {
                journal(item, outcome);
            }
            hold(outcome);
        }
        progress.completed(items.size(), failures); // once per chunk: the counters are shared with the listener
    }

    /**
     * Tells the sizer how long the chunk's inputs took in its worker, estimated in the parent: the time since the
     * previous chunk ended (or since this one was sent, if later) times the chunks that ran meanwhile, up to one
     * per worker. In a full pipeline, chunks end {@code workers} times as often as each takes; the estimate counts
     * the round trip too, which is the right share of a chunk's cost.
     */
    private void observe(Chunk<T> chunk) {
        long now = System.nanoTime();
        long since = now - Math.max(lastDoneNs, chunk.sentNs);
        lastDoneNs = now;
        sizer.observed(chunk.items.size(), since * Math.min(workers, running.size() + 1));
    }

    /** A whole chunk failed: narrow it down if the failure may be one input's doing, else every input fails. */
    private void failed(List<Item<T>> items, Throwable cause) {
        boolean narrowable = cause instanceof WorkerCrashedException || cause instanceof TaskTimeoutException
                || cause instanceof TaskSerializationException;
        if (items.size() > 1 && narrowable && !closed) {
            int pieces = pieces(items.size());
            for (int p = 0; p < pieces; p++) {
                resend(items.subList(items.size() * p / pieces, items.size() * (p + 1) / pieces), cause);
            }
            return;
        }
        for (Item<T> item : items) {
            record(item, Outcome.failure(item.index(), item.input(), cause));
        }
    }

    /**
     * How many pieces a failed chunk of {@code size} inputs is split into: each input alone up to
     * {@link #SINGLES_UP_TO}, else about the square root. Each round costs a crash, and a crash costs a worker
     * start (0.5-2 s); halving needed 10 rounds for a chunk of 1,000, this needs 2 (32 pieces of 31 or 32, then
     * 32 single inputs), for a few dozen more small tasks, which cost well under a millisecond each.
     */
    static int pieces(int size) {
        return size <= SINGLES_UP_TO ? size : (int) Math.ceil(Math.sqrt(size));
    }

    private void resend(List<Item<T>> items, Throwable cause) {
        try {
            send(new ArrayList<>(items));
        } catch (RejectedExecutionException e) { // the pool was shut down meanwhile: the chunk's failure stands
            cause.addSuppressed(e);
            for (Item<T> item : items) {
                record(item, Outcome.failure(item.index(), item.input(), cause));
            }
        }
    }

    private void record(Item<T> item, Outcome<T, R> outcome) {
        if (journal != null) {
            journal(item, outcome);
        }
        deliverLater(outcome);
    }

    /**
     * Appends the outcome to the journal, unless it says nothing about its input: cancelled, or failed with a
     * crash of a chunk that could not be narrowed because the pool was shut down. Such inputs run again.
     */
    private void journal(Item<T> item, Outcome<T, R> outcome) {
        byte[] payload;
        if (outcome.succeeded()) {
            try {
                payload = TaskCodec.encodeToArray(outcome.result());
            } catch (IOException | RuntimeException | StackOverflowError e) {
                warnOnce("the result of input " + item.index() + " cannot be serialized again (" + e + "), so it"
                        + " is not recorded; a resumed batch runs that input again");
                return;
            }
        } else {
            Throwable failure = outcome.failure();
            if (failure instanceof CancellationException || failure instanceof RejectedExecutionException
                    || Arrays.stream(failure.getSuppressed()).anyMatch(RejectedExecutionException.class::isInstance)) {
                return;
            }
            payload = failurePayload(failure);
        }
        try {
            journal.append(item.index(), item.digest(), outcome.succeeded(), payload);
        } catch (UncheckedIOException e) {
            close();
            throw e;
        }
    }

    /** The exception's bytes or, if it cannot be serialized, those of a stand-in with its class, message and frames. */
    private static byte[] failurePayload(Throwable failure) {
        try {
            return TaskCodec.encodeToArray(failure);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            TaskSerializationException standIn = new TaskSerializationException("the input failed with " + failure
                    + ", which cannot be recorded in the batch journal: " + e, null);
            standIn.setStackTrace(failure.getStackTrace());
            try {
                return TaskCodec.encodeToArray(standIn);
            } catch (IOException cannotHappen) {
                throw new UncheckedIOException(cannotHappen);
            }
        }
    }

    private void deliverLater(Outcome<T, R> outcome) {
        hold(outcome);
        progress.completed(1, outcome.succeeded() ? 0 : 1);
    }

    /** Keeps the outcome until its turn comes; the caller counts it in the progress. */
    private void hold(Outcome<T, R> outcome) {
        if (ordered) {
            readyByIndex.put(outcome.index(), outcome);
        } else {
            readyAsCompleted.add(outcome);
        }
    }

    /** The next outcome to deliver, or null if it is not known yet. */
    private Outcome<T, R> takeReady() {
        return ordered ? readyByIndex.takeNext() : readyAsCompleted.poll();
    }

    /**
     * Every input has its outcome, delivered or not: the progress listener gets its last report, once (finishing
     * again for each outcome still to deliver cost a contended compare-and-set per outcome).
     */
    private void checkEnd() {
        if (!ended && exhausted && running.isEmpty() && finished.isEmpty()) {
            ended = true;
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
