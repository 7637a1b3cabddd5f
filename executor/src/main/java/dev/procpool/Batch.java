package dev.procpool;

import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.Tasks;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A batch job to configure, then run with {@link #stream()}: a function applied in the workers to every input of
 * an {@code Iterable}, read lazily, each input ending in exactly one {@link Outcome}. Made by
 * {@link ProcessPoolExecutor#batch}.
 *
 * <pre>{@code
 * try (Stream<Outcome<Path, Report>> outcomes = pool.batch(path -> analyse(path), paths)
 *         .ordered(false)
 *         .onProgress(BatchProgress.console())
 *         .journal(Path.of("scan.journal"))   // optional: resumable after a crash of this JVM
 *         .stream()) {
 *     outcomes.forEach(o -> { if (o.succeeded()) save(o.input(), o.result()); else report(o.index(), o.failure()); });
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>One input, one outcome.</b> An input whose function throws fails alone. When a worker dies (or a time
 *       limit passes, or an answer cannot be read) during a chunk of inputs, the chunk is split (into single
 *       inputs when small, else into about the square root of its size pieces) and the pieces run again until
 *       the input that causes it is found: that input alone fails with
 *       {@link WorkerCrashedException} (or {@link TaskTimeoutException}, {@link TaskSerializationException}),
 *       and the others succeed. The pool's {@link ProcessPoolBuilder#retries retries} and
 *       {@link ProcessPoolBuilder#timeLimit time limit} apply to each input.</li>
 *   <li><b>Bounded memory.</b> At most {@link #maxInFlight} inputs are taken from the {@code Iterable} and not
 *       yet delivered, counting running inputs and outcomes waiting for their turn in an ordered stream: an
 *       ordered stream waiting on a slow input stops pulling new inputs.</li>
 *   <li><b>Bad input.</b> An input that cannot be serialized fails alone with
 *       {@link TaskNotSerializableException}. If the {@code Iterable}'s iterator throws, no more inputs are
 *       taken, and the stream ends with that exception after delivering the outcomes of the inputs taken
 *       before.</li>
 * </ul>
 *
 * <p>Not thread-safe: configure it on one thread. Each call of {@link #stream()} runs the batch anew over a new
 * iterator of the inputs.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
public final class Batch<T, R> {
    /** The least default window: enough inputs ahead to keep a few workers busy with small chunks. */
    private static final int MIN_DEFAULT_IN_FLIGHT = 256;
    /**
     * The most chunks per worker that the default window leaves room for: one running and three queued behind it.
     * An ordered stream frees room only when the oldest chunk is delivered, and the parent answers a chunk by
     * decoding it, delivering it and encoding the next one, all on the consuming thread; with two per worker, a
     * worker often finished its queued chunk before the next arrived and polled an empty queue (2,000,000 x+1 on
     * 2 workers, chunks of 65,536: at 11 of 28 sends the two workers had at most one chunk between them; with
     * four per worker, at 0-5 of 28).
     */
    static final int MAX_CHUNKS_PER_WORKER = 4;
    /**
     * The fewest: where the heap limits the window, larger chunks beat more of them (10 million x+1 in a
     * -Xmx64m parent, window 131,072: two chunks of 32,768 per worker 9.5-9.8 M/s, three of 21,845 8.7-9.3,
     * four of 16,384 6.7-8.7; medians of three runs, three JVMs each, interleaved).
     */
    static final int MIN_CHUNKS_PER_WORKER = 2;
    /**
     * The largest automatic chunk. Trivial inputs need chunks of tens of thousands to amortize a chunk's fixed
     * costs (2,000,000 x+1 on 2 workers: chunks of 8,192 reached about half of map's rate, of 65,536 two thirds
     * and more); larger ones only add memory.
     */
    static final int AUTOMATIC_CHUNK_CAP = 65_536;
    /**
     * Heap bytes per input of the default window: the window of automatic chunks is at most the parent's maximum
     * heap divided by this (131,072 inputs in a -Xmx64m parent: 10 million x+1 then peaked at 47-54 of 64 MiB
     * with as many collections as the window of 65,536 it had before, about 50 per three runs; 174,762 there
     * made 400-530, and 262,144 680-930).
     */
    static final long HEAP_BYTES_PER_INPUT = 512;

    /**
     * Chunks per worker in the default window for a parent with {@code maxHeapBytes} of heap: as many as the heap
     * allows of {@link #AUTOMATIC_CHUNK_CAP}, between {@link #MIN_CHUNKS_PER_WORKER} and
     * {@link #MAX_CHUNKS_PER_WORKER}.
     */
    static int chunksPerWorker(long maxHeapBytes, int workers) {
        long fits = maxHeapBytes / HEAP_BYTES_PER_INPUT / ((long) AUTOMATIC_CHUNK_CAP * Math.max(1, workers));
        return (int) Math.max(MIN_CHUNKS_PER_WORKER, Math.min(MAX_CHUNKS_PER_WORKER, fits));
    }

    /**
     * The largest automatic chunk for a parent with {@code maxHeapBytes} of heap and {@code workers} workers:
     * {@link #AUTOMATIC_CHUNK_CAP}, or less when the heap allows no window of {@link #chunksPerWorker} such
     * chunks per worker at {@link #HEAP_BYTES_PER_INPUT}; at least {@link #MIN_DEFAULT_IN_FLIGHT}.
     */
    static int automaticChunkCap(long maxHeapBytes, int workers) {
        long fits = maxHeapBytes / HEAP_BYTES_PER_INPUT
                / ((long) chunksPerWorker(maxHeapBytes, workers) * Math.max(1, workers));
        return (int) Math.max(MIN_DEFAULT_IN_FLIGHT, Math.min(AUTOMATIC_CHUNK_CAP, fits));
    }

    private final Tasks tasks;
    private final PoolLoop loop;
    private final int workers;
    private final SerializableFunction<? super T, ? extends R> function;
    private final Iterable<? extends T> inputs;
    private boolean ordered = true;
    private int maxInFlight;
    private int chunkSize;
    private Consumer<BatchProgress> onProgress;
    private Path journal;
    private boolean captureOutput;

    Batch(Tasks tasks, PoolLoop loop, int workers, SerializableFunction<? super T, ? extends R> function,
          Iterable<? extends T> inputs) {
        this.tasks = tasks;
        this.loop = loop;
        this.workers = workers;
        this.function = Objects.requireNonNull(function, "function");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
    }

    /**
     * True (the default): outcomes come in input order, each waiting for those before it. False: each comes as
     * soon as it is known, which keeps the workers busier when inputs take uneven times.
     *
     * @param ordered true for input order, false for completion order
     * @return this batch
     */
    public Batch<T, R> ordered(boolean ordered) {
        this.ordered = ordered;
        return this;
    }

    /**
     * The most inputs taken from the {@code Iterable} and not yet delivered by the stream, counting inputs
     * queued, running, and done but waiting for their turn in an ordered stream. The default is
     * {@code max(256, c × workers × chunk size)}, where c, the chunks per worker, is 4 when the parent's maximum heap
     * divided by 512 bytes allows 4 chunks of 65,536 per worker, else 3 or 2; when chunks are chosen
     * automatically, the chunk size is at most 65,536, and less when that heap share is smaller than the window
     * (524,288 inputs for 2 workers in a large heap; 131,072 in a {@code -Xmx64m} parent, in chunks of 32,768).
     * Automatic chunks grow up to 1/c of a window per worker, and while they are small, fewer inputs are taken
     * (c chunks per worker of the current size). Set it lower when each input is large in memory. A chunk never holds more inputs than this.
     *
     * @param maxInFlight the most inputs taken ahead of the consumer
     * @return this batch
     * @throws IllegalArgumentException if {@code maxInFlight} is not positive
     */
    public Batch<T, R> maxInFlight(int maxInFlight) {
        this.maxInFlight = Checks.positive(maxInFlight, "maxInFlight");
        return this;
    }

    /**
     * Sends inputs in chunks of exactly {@code chunkSize} (fewer at the end, or when {@link #maxInFlight} leaves
     * no room for more). Without it, chunks start at one input and adapt to the observed durations, aiming at
     * about 200 ms of work per chunk.
     *
     * @param chunkSize inputs per task
     * @return this batch
     * @throws IllegalArgumentException if {@code chunkSize} is not positive
     */
    public Batch<T, R> chunkSize(int chunkSize) {
        this.chunkSize = Checks.positive(chunkSize, "chunkSize");
        return this;
    }

    /**
     * Whether what the function prints to {@code System.out} and {@code System.err} in the worker is captured
     * for each input and returned with its {@link Outcome#output()}, bounded as {@link TaskOutput} says. The
     * output also reaches the worker's own stream, as without capture. Off by default.
     *
     * @param captureOutput true to capture each input's output
     * @return this batch
     */
    public Batch<T, R> captureOutput(boolean captureOutput) {
        this.captureOutput = captureOutput;
        return this;
    }

    /**
     * Calls {@code listener} with the batch's progress about ten times a second while it runs, and once more at
     * the end (its {@link BatchProgress#isLast()} is true; when the batch ran to its end, its
     * {@link BatchProgress#completed()} equals the number of inputs). The listener runs on a thread of the pool,
     * one call at a time; if it throws, the failure is logged once and the batch goes on.
     * {@link BatchProgress#console()} is a ready listener.
     *
     * @param listener called with each progress report
     * @return this batch
     * @throws NullPointerException if {@code listener} is null
     */
    public Batch<T, R> onProgress(Consumer<BatchProgress> listener) {
        this.onProgress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Makes the batch durable and resumable: each outcome is appended to the file {@code journal} before the
     * stream delivers it, and a batch started again with the same function, inputs and journal (after its stream
     * was closed half-way, or its JVM died, even by {@code kill -9}) replays the outcomes recorded there instead
     * of running their inputs again, and runs only the rest. The journal is created if it does not exist.
     *
     * <ul>
     *   <li><b>Replay.</b> As each input is taken from the {@code Iterable}, its recorded outcome, if any, is
     *       delivered in its turn (input order for an ordered stream; at once for an unordered one) with the new
     *       run's input object. Inputs that were running when the previous run stopped run again. Outcomes whose
     *       inputs were recorded but not yet delivered when the JVM died are replayed too.</li>
     *   <li><b>Same batch.</b> The journal's header holds the number of inputs (when the {@code Iterable} is a
     *       {@link java.util.Collection}) and a SHA-256 digest of the serialized function. A journal with another
     *       count, another function (another lambda or class, other captured values, a changed class) or another
     *       format version is refused with {@link IllegalStateException} before anything runs, never mixed.</li>
     *   <li><b>Same inputs.</b> Each record holds a 64-bit digest of its input's serialized form. An input that
     *       differs from the one recorded at its position is run again, and its new outcome supersedes the old
     *       one in the journal (a note is logged once): the outcomes always describe the inputs given now. An
     *       input whose serialized form is not stable (e.g. a {@code HashMap} of objects without their own
     *       {@code hashCode}) therefore runs again on every resume.</li>
     *   <li><b>What is recorded.</b> Results and failures alike, a failure as its exception (or, if that cannot
     *       be serialized, a {@link TaskSerializationException} with its class, message and stack frames). Not
     *       recorded: inputs cancelled by closing the stream or by {@link ProcessPoolExecutor#shutdownNow()};
     *       they run again.</li>
     *   <li><b>Durability.</b> Records are written to the operating system before the outcome is delivered, so
     *       they survive the death of the JVM; the file is synced to the disk when the batch ends or its stream is
     *       closed. A record cut short by a JVM killed mid-write (or by a power loss) is detected by its checksum
     *       and cut off when the journal is opened again; its input runs again.</li>
     *   <li><b>Disk and memory.</b> Each outcome takes 25 bytes plus its serialized result or exception (for
     *       example 30 bytes for an {@code Integer} result); a changed input adds a second record. Resuming holds
     *       one bit per input in memory, plus an entry per outcome recorded far out of input order. The journal is
     *       one file that the batch holds open and locked while it runs, and closes when its stream is closed or
     *       has delivered every outcome; nothing else is written. Once a batch is complete, the user may delete
     *       the journal: it is only needed to resume.</li>
     * </ul>
     *
     * @param journal the journal file; its folder must exist
     * @return this batch
     * @throws NullPointerException if {@code journal} is null
     */
    public Batch<T, R> journal(Path journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
        return this;
    }

    /**
     * Starts the batch and returns its outcomes as a lazy stream: inputs are taken from the {@code Iterable} as
     * the stream is read, one outcome per input. Read it on one thread. Closing the stream (use
     * try-with-resources) cancels the inputs still queued or running and ends progress reports; the pool stays
     * usable. A stream abandoned without being closed leaves at most {@link #maxInFlight} inputs to finish in
     * the workers.
     *
     * @return the outcomes, one per input, produced as the stream is read
     * @throws TaskNotSerializableException if the function cannot be serialized
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down (also from the stream,
     *         if it is shut down while the batch runs)
     * @throws IllegalArgumentException if the {@link #journal} cannot be created, read or written
     * @throws IllegalStateException if the {@link #journal} belongs to another batch, or another batch is using it
     * @throws java.io.UncheckedIOException from the stream, if the {@link #journal} cannot be written while the
     *         batch runs; the batch then stops, and what it delivered stays recorded
     */
    public Stream<Outcome<T, R>> stream() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        int chunksPerWorker = chunksPerWorker(maxHeap, workers);
        int window = maxInFlight > 0 ? maxInFlight
                : Math.max(MIN_DEFAULT_IN_FLIGHT, chunksPerWorker * workers
                        * (chunkSize > 0 ? chunkSize : automaticChunkCap(maxHeap, workers)));
        ChunkSizer sizer = chunkSize > 0 ? ChunkSizer.fixed(Math.min(chunkSize, window))
                : ChunkSizer.automatic(window / (chunksPerWorker * Math.max(1, workers)));
        OptionalLong total = inputs instanceof Collection<?> c ? OptionalLong.of(c.size()) : OptionalLong.empty();
        ProgressReporter progress = new ProgressReporter(onProgress, total);
        BatchRun<T, R> run = new BatchRun<>(tasks, loop, workers, chunksPerWorker, function, inputs.iterator(),
                ordered, window, sizer, progress);
        run.checkFunction();
        run.captureOutput(captureOutput);
        if (loop.isShutdown()) {
            throw new java.util.concurrent.RejectedExecutionException("the pool is shut down; the batch was not started");
        }
        if (journal != null) {
            run.useJournal(BatchJournal.open(journal, total.orElse(-1), BatchJournal.functionDigest(function)));
        }
        progress.start();
        return StreamSupport.stream(run, false).onClose(run::close);
    }
}
