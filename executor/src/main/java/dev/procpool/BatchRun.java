package dev.procpool;

import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.TaskFuture;
import dev.procpool.internal.executor.TaskLimits;
import dev.procpool.internal.executor.Tasks;

import dev.procpool.internal.ipc.codec.EncodedList;
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
    private final Set<BatchSpan<T>> running = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<BatchSpan<T>> finished = new LinkedBlockingQueue<>();
    /** Ordered: every segment taken and not yet delivered, in input order. */
    private final ArrayDeque<BatchSegment<T>> segments = new ArrayDeque<>();
    /** Unordered: spans whose outcomes are known, in the order they became known. */
    private final ArrayDeque<BatchSpan<T>> readyAsCompleted = new ArrayDeque<>();
    private final int workers;
    /** Automatic chunks: the window holds this many chunks of the current size per worker. */
    private final int chunksPerWorker;
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
    BatchRun(Tasks tasks, PoolLoop loop, int workers, int chunksPerWorker,
             SerializableFunction<? super T, ? extends R> function, Iterator<? extends T> inputs, boolean ordered,
             int maxInFlight, ChunkSizer sizer, ProgressReporter progress) {
        this.tasks = tasks;
        this.workers = Math.max(1, workers);
        this.chunksPerWorker = chunksPerWorker;
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
            BatchSpan<T> done;
            while ((done = finished.poll()) != null) {
                handle(done);
            }
            checkEnd();
            if (hasReady()) {
                if (journal != null) {
                    flushJournal(); // recorded before delivered: a resumed batch does not run it again
                }
                int run = 0;
                do {
                    run += deliverReady(action, most - run);
                } while (run < most && !closed && hasReady());
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
        for (BatchSpan<T> chunk : running) {
            chunk.future.cancel(true);
        }
        running.clear();
        segments.clear();
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
                    : Math.min(maxInFlight, (long) chunksPerWorker * workers * size);
            long room = limit - (pulled - delivered);
            if (room <= 0 || (room < size && !running.isEmpty())) {
                return;
            }
            pull((int) Math.min(size, room));
        }
    }

    /**
     * Takes up to {@code count} inputs as one segment and sends those the journal does not replay as one chunk.
     * Replayed inputs take room in the window too.
     */
    private void pull(int count) {
        long first = pulled;
        ArrayList<Object> taken = new ArrayList<>(count);
        while (taken.size() < count && !exhausted) {
            try {
                if (!inputs.hasNext()) {
                    exhausted = true;
                    break;
                }
                taken.add(inputs.next());
            } catch (RuntimeException | Error e) {
                iteratorFailure = e;
                exhausted = true;
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
        if (taken.isEmpty()) {
            return;
        }
        pulled += taken.size();
        progress.submitted(taken.size());
        BatchSegment<T> segment = new BatchSegment<>(first, taken, journal == null ? null : new long[taken.size()]);
        if (ordered) {
            segments.add(segment);
        }
        if (journal == null) {
            send(BatchSpan.range(segment, 0, taken.size()));
            return;
        }
        int[] toRun = new int[taken.size()];
        int runs = 0;
        for (int position = 0; position < taken.size(); position++) {
            segment.digests[position] = journal.digest(taken.get(position));
            if (!replayed(segment, position)) {
                toRun[runs++] = position;
            }
        }
        if (runs == taken.size()) {
            send(BatchSpan.range(segment, 0, runs));
        } else if (runs > 0) {
            send(BatchSpan.of(segment, Arrays.copyOf(toRun, runs)));
        }
    }

    /** Delivers a position's recorded outcome if the journal has one for this very input. */
    private boolean replayed(BatchSegment<T> segment, int position) {
        long index = segment.first + position;
        BatchJournal.Entry entry = journal.take(index);
        if (entry == null) {
            return false;
        }
        if (entry.inputDigest() != segment.digests[position]) {
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
        @SuppressWarnings("unchecked")
        T input = (T) segment.inputs.get(position);
        @SuppressWarnings("unchecked")
        Outcome<T, R> outcome = entry.succeeded() ? Outcome.success(index, input, (R) value)
                : Outcome.failure(index, input, value instanceof Throwable t ? t
                        : new TaskSerializationException("the recorded failure of input " + index + " is not an"
                        + " exception but " + value, null));
        segment.set(position, outcome);
        progress.completed(1, outcome.succeeded() ? 0 : 1);
        if (!ordered) {
            readyAsCompleted.add(BatchSpan.range(segment, position, position + 1));
        }
        return true;
    }

    private void warnOnce(String message) {
        if (!warnedChangedInput) {
            warnedChangedInput = true;
            LOG.warn("procpool: batch journal: {} (further such notes are not logged)", message);
        }
    }

    /** Sends {@code chunk} as one task; the caller has counted it in its segment's {@code pending}, unless new. */
    private void send(BatchSpan<T> chunk) {
        sendCounted(chunk, true);
    }

    private void sendCounted(BatchSpan<T> chunk, boolean isNew) {
        if (isNew) {
            chunk.segment.pending++;
        }
        TaskFuture<List<Object>> future;
        try {
            future = tasks.create(BatchChunk.of(function, chunk.inputs()), describe(chunk), false, null,
                    limits(chunk.size()));
        } catch (TaskNotSerializableException e) {
            if (chunk.size() == 1) {
                failedFinally(chunk, e);
            } else { // find the inputs in the way: each alone
                chunk.segment.pending += chunk.size() - 1;
                for (int k = 0; k < chunk.size(); k++) {
                    sendCounted(chunk.slice(k, k + 1), false);
                }
            }
            return;
        }
        chunk.future = future;
        chunk.sentNs = System.nanoTime();
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

    private String describe(BatchSpan<T> chunk) {
        long first = chunk.index(0);
        long last = chunk.index(chunk.size() - 1);
        String which = chunk.size() == 1 ? "input " + first
                : last - first + 1 == chunk.size() ? "inputs " + first + ".." + last
                : chunk.size() + " inputs from " + first + " to " + last;
        return "batch " + which + " of " + functionName;
    }

    private void handle(BatchSpan<T> chunk) {
        if (!running.remove(chunk)) {
            return; // closed meanwhile
        }
        // Plain results (no failure among them: a chunk with one comes back as a JDK stream) stay encoded until
        // delivered; the journal records each outcome before delivery, so it reads them now.
        EncodedList encoded = journal == null ? chunk.future.encodedList() : null;
        if (encoded != null) {
            observe(chunk);
            chunk.segment.answered(chunk, encoded);
            progress.completed(encoded.size(), 0);
            answered(chunk);
            return;
        }
        List<Object> results;
        try {
            results = chunk.future.get();
        } catch (ExecutionException e) {
            failed(chunk, e.getCause());
            return;
        } catch (CancellationException e) { // shutdownNow
            failed(chunk, e);
            return;
        } catch (InterruptedException cannotHappen) { // the future is done
            Thread.currentThread().interrupt();
            failed(chunk, cannotHappen);
            return;
        }
        observe(chunk);
        int failures = 0;
        for (int k = 0; k < results.size(); k++) {
            Object value = BatchChunk.value(results, k);
            boolean succeeded = !(value instanceof BatchChunk.Failed);
            if (!succeeded) {
                failures++;
            }
            if (journal != null) {
                journal(chunk, k, succeeded, succeeded ? value : ((BatchChunk.Failed) value).failure());
            }
        }
        chunk.segment.answered(chunk, results);
        progress.completed(results.size(), failures); // once per chunk: the counters are shared with the listener
        answered(chunk);
    }

    /** The chunk's outcomes are all known. */
    private void answered(BatchSpan<T> chunk) {
        chunk.segment.pending--;
        if (!ordered) {
            readyAsCompleted.add(chunk);
        }
    }

    /**
     * Tells the sizer how long the chunk's inputs took in its worker, estimated in the parent: the time since the
     * previous chunk ended (or since this one was sent, if later) times the chunks that ran meanwhile, up to one
     * per worker. In a full pipeline, chunks end {@code workers} times as often as each takes; the estimate counts
     * the round trip too, which is the right share of a chunk's cost.
     */
    private void observe(BatchSpan<T> chunk) {
        long now = System.nanoTime();
        long since = now - Math.max(lastDoneNs, chunk.sentNs);
        lastDoneNs = now;
        sizer.observed(chunk.size(), since * Math.min(workers, running.size() + 1));
    }

    /** A whole chunk failed: narrow it down if the failure may be one input's doing, else every input fails. */
    private void failed(BatchSpan<T> chunk, Throwable cause) {
        boolean narrowable = cause instanceof WorkerCrashedException || cause instanceof TaskTimeoutException
                || cause instanceof TaskSerializationException;
        if (chunk.size() > 1 && narrowable && !closed) {
            int pieces = pieces(chunk.size());
            chunk.segment.pending += pieces - 1;
            for (int p = 0; p < pieces; p++) {
                resend(chunk.slice(chunk.size() * p / pieces, chunk.size() * (p + 1) / pieces), cause);
            }
            return;
        }
        failedFinally(chunk, cause);
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

    /** Sends a piece of a failed chunk, counted in its segment already. */
    private void resend(BatchSpan<T> piece, Throwable cause) {
        try {
            sendCounted(piece, false);
        } catch (RejectedExecutionException e) { // the pool was shut down meanwhile: the chunk's failure stands
            cause.addSuppressed(e);
            failedFinally(piece, cause);
        }
    }

    /** Every input of {@code chunk} fails with {@code cause}. */
    private void failedFinally(BatchSpan<T> chunk, Throwable cause) {
        for (int k = 0; k < chunk.size(); k++) {
            int position = chunk.position(k);
            @SuppressWarnings("unchecked")
            T input = (T) chunk.segment.inputs.get(position);
            chunk.segment.set(position, Outcome.failure(chunk.index(k), input, cause));
            if (journal != null) {
                journal(chunk, k, false, cause);
            }
        }
        progress.completed(chunk.size(), chunk.size());
        answered(chunk);
    }

    /**
     * Appends input {@code k} of {@code chunk}'s outcome to the journal, unless it says nothing about its input:
     * cancelled, or failed with a crash of a chunk that could not be narrowed because the pool was shut down.
     * Such inputs run again.
     */
    private void journal(BatchSpan<T> chunk, int k, boolean succeeded, Object resultOrFailure) {
        long index = chunk.index(k);
        byte[] payload;
        if (succeeded) {
            try {
                payload = TaskCodec.encodeToArray(resultOrFailure);
            } catch (IOException | RuntimeException | StackOverflowError e) {
                warnOnce("the result of input " + index + " cannot be serialized again (" + e + "), so it"
                        + " is not recorded; a resumed batch runs that input again");
                return;
            }
        } else {
            Throwable failure = (Throwable) resultOrFailure;
            if (failure instanceof CancellationException || failure instanceof RejectedExecutionException
                    || Arrays.stream(failure.getSuppressed()).anyMatch(RejectedExecutionException.class::isInstance)) {
                return;
            }
            payload = failurePayload(failure);
        }
        try {
            journal.append(index, chunk.segment.digests[chunk.position(k)], succeeded, payload);
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

    /**
     * Whether an outcome can be delivered now. In input order, a segment's outcomes wait until all of its chunks
     * are answered (pieces of a narrowed chunk included).
     */
    private boolean hasReady() {
        if (ordered) {
            BatchSegment<T> head = segments.peek();
            return head != null && head.pending == 0;
        }
        return !readyAsCompleted.isEmpty();
    }

    /**
     * Hands up to {@code most} ready outcomes of one segment (ordered) or one answered chunk (unordered) to
     * {@code action}, each made as it is handed over; {@link #hasReady} is true. Returns how many.
     */
    private int deliverReady(Consumer<? super Outcome<T, R>> action, int most) {
        int run = 0;
        if (ordered) {
            BatchSegment<T> head = segments.peek();
            while (run < most && !head.delivered() && !closed) {
                delivered++;
                run++;
                head.deliver(head.cursor++, action);
            }
            if (head.delivered() && !closed) {
                segments.poll();
            }
            return run;
        }
        BatchSpan<T> span = readyAsCompleted.peek();
        while (run < most && span.cursor < span.size() && !closed) {
            delivered++;
            run++;
            span.segment.deliver(span.position(span.cursor++), action);
        }
        if (span.cursor == span.size() && !closed) {
            readyAsCompleted.poll();
        }
        return run;
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
