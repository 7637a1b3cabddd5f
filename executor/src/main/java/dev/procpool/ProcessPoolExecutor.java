package dev.procpool;

import dev.procpool.internal.executor.PoolConfig;
import dev.procpool.internal.executor.PoolLoop;
import dev.procpool.internal.executor.SharedFiles;
import dev.procpool.internal.executor.TaskFuture;
import dev.procpool.internal.executor.Tasks;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link java.util.concurrent.ExecutorService} that runs each task in one of a fixed number of reusable
 * worker JVMs. Tasks and results travel between the JVMs as serialized objects over memory-mapped queues.
 * A worker that dies (killed, {@code System.exit}, {@link OutOfMemoryError}, a native crash) fails only the
 * task it was running, with {@link WorkerCrashedException}; tasks waiting behind it run elsewhere, and a
 * replacement worker starts.
 *
 * <pre>{@code
 * try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(4).build()) {
 *     Future<Integer> answer = pool.submit(() -> 6 * 7);
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }</pre>
 *
 * <h2>Departures from {@code ExecutorService}</h2>
 * <ul>
 *   <li>Tasks, their results and their exceptions must be serializable. The {@code submit} overloads taking
 *       {@link SerializableCallable} and {@link SerializableRunnable} make lambdas serializable; a task given as
 *       a plain {@link Callable} or {@link Runnable} is accepted if its object is {@link Serializable}. A task
 *       that cannot be serialized is refused at once with {@link TaskNotSerializableException} (a
 *       {@link RejectedExecutionException}); the pool is unaffected.</li>
 *   <li>A task runs on a copy of its captured state in another JVM: side effects on parent objects are not
 *       seen by the parent. {@code submit(Runnable, result)} returns the parent's {@code result} object.</li>
 *   <li>A task's exception reaches {@link Future#get()} as the cause of an {@link ExecutionException}, with its
 *       own type and the worker's stack frames. A result or exception that cannot be serialized fails that
 *       future with {@link TaskSerializationException}.</li>
 *   <li>{@code Future.cancel(true)} interrupts the task's thread in its worker. {@code cancel(false)} on a task
 *       already running lets it finish and discards its result.</li>
 *   <li>{@link #shutdownNow()} cancels the futures of running tasks at once, interrupts those tasks, and kills
 *       any worker that has not stopped a second later. The tasks it returns have cancelled futures; running
 *       them does nothing.</li>
 *   <li>{@link java.util.concurrent.ExecutorCompletionService} works over this pool although its wrapper future
 *       is not serializable: {@code execute} recognises the wrapper of the future {@code newTaskFor} has just made
 *       on the same thread, runs that future in a worker, and runs the wrapper in the parent when it ends.</li>
 *   <li>{@code execute(Runnable)}: a task that throws has nobody to tell, so the failure is logged (SLF4J,
 *       {@code dev.procpool.ProcessPoolExecutor}, WARN) instead of reaching an uncaught-exception handler.</li>
 *   <li>The pool's threads are daemon threads: a forgotten pool does not keep the JVM alive, and its workers
 *       exit by themselves when this JVM ends, however it ends.</li>
 *   <li>Processes a task starts (with {@link ProcessBuilder}, say) end when their worker ends, however it ends.
 *       For a worker that dies without a word ({@code kill -9}, {@code Runtime.halt}, a native crash) the pool
 *       ends the processes it has seen below it; it looks four times a second while tasks run (every two
 *       seconds when all workers are idle), so one started in the last quarter second before such a death can
 *       outlive it.</li>
 * </ul>
 *
 * <p>The JVM creating a pool needs three flags for the queue library; {@link ProcessPoolBuilder#build()} checks them and
 * names any that are missing. Workers get them automatically.
 */
public final class ProcessPoolExecutor extends AbstractExecutorService implements AutoCloseable {
    private final PoolLoop loop;
    private final Tasks tasks;
    private final Intake intake;
    private final SharedFiles sharedFiles;

    ProcessPoolExecutor(PoolLoop loop) {
        this.loop = loop;
        this.tasks = new Tasks(loop.config().taskLimits());
        this.intake = new Intake(tasks, loop);
        this.sharedFiles = new SharedFiles(loop.poolFolder(), loop::isTerminated);
    }

    /**
     * A process-wide pool to reuse instead of building one per job, like loky's
     * {@code get_reusable_executor}. Calls with an equal configuration return the same pool; when only the
     * number of workers differs, the pool is resized in place (healthy workers are kept, running tasks are not
     * disturbed); when anything else differs, the old pool is shut down (its tasks still finish) and a new one
     * is built; after the shared pool is closed, the next call builds a new one. A thread that still holds a
     * replaced pool may go on submitting to it, as with loky: its tasks are forwarded to the pool that replaced
     * it (and run with that pool's settings), so no caller sees a {@link RejectedExecutionException} because
     * another thread changed the shared pool's configuration. Closing or shutting down a shared pool yourself
     * rejects further tasks as usual. Unless the builder sets
     * {@link ProcessPoolBuilder#idleTimeout idleTimeout}, the shared pool's workers exit after 5 idle minutes and
     * start again on demand. Safe to call from many threads.
     *
     * @param builder the configuration wanted; the builder is only read
     * @return the shared pool, open for tasks
     * @throws IllegalStateException if this JVM lacks the flags the queues need (see {@link ProcessPoolBuilder#build()})
     */
    public static ProcessPoolExecutor shared(ProcessPoolBuilder builder) {
        return SharedPool.get(builder);
    }

    /**
     * {@link #shared(ProcessPoolBuilder)} with default settings: one worker per available processor.
     *
     * @return the shared pool, open for tasks
     */
    public static ProcessPoolExecutor shared() {
        return shared(builder());
    }

    /**
     * A builder with defaults that need no thought: one worker per available processor, the parent's JVM.
     *
     * @return a new builder
     */
    public static ProcessPoolBuilder builder() {
        return new ProcessPoolBuilder();
    }

    /**
     * The number of worker JVMs this pool keeps running.
     *
     * @return the largest number of workers
     */
    public int workers() {
        return loop.config().workers();
    }

    /**
     * A snapshot of the pool's workers, tasks and counters; the same figures its JMX MXBean shows. Cheap; any
     * thread.
     *
     * @return the figures now
     */
    public PoolStats stats() {
        return loop.stats();
    }

    PoolConfig config() {
        return loop.config();
    }

    void resize(int workers) {
        loop.resize(workers);
    }

    /** This shared pool is replaced by {@code next}; see {@link #shared(ProcessPoolBuilder)}. */
    void replaceWith(ProcessPoolExecutor next) {
        loop.replaceWith(next.loop);
    }

    // ------------------------------------------------------------ submission

    /**
     * Submits a value-returning task; a lambda given here is serializable. See {@link #submit(Callable)}.
     *
     * @param <T>  the type of the task's result
     * @param task the task
     * @return the task's future
     * @throws TaskNotSerializableException if the task cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    public <T> Future<T> submit(SerializableCallable<T> task) {
        return super.submit(task);
    }

    /**
     * Submits a value-returning task and returns its future as a {@link CompletableFuture}. It completes with the
     * task's result or exception as {@link #submit(Callable)}'s future would, on one of the pool's callback
     * threads, so stages added to it never run on the pool's scheduler thread. Cancelling it cancels the task and
     * interrupts it in its worker if it runs, whatever the argument to {@code cancel}; cancelling a dependent
     * stage does not. Completing it by hand ({@code complete}, {@code obtrudeValue}) does not stop the task.
     *
     * @param task the task
     * @param <T>  the result type
     * @return the task's future as a CompletableFuture
     * @throws TaskNotSerializableException if the task cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    public <T> CompletableFuture<T> submitAsync(SerializableCallable<T> task) {
        TaskFuture<T> future = tasks.create(task, null, false, null);
        CompletableFuture<T> async = AsyncTaskFuture.following(future);
        loop.submit(future);
        return async;
    }

    /**
     * Submits a value-returning task with its own time limit, retries or output capture, and returns its future
     * as a {@link CompletableFuture}: {@link #submitAsync(SerializableCallable)} with the {@code options} of
     * {@link #submit(SerializableCallable, TaskOptions)}.
     *
     * @param task    the task
     * @param options its time limit, retries and output capture
     * @param <T>     the result type
     * @return the task's future as a CompletableFuture
     * @throws NullPointerException         if {@code options} is null
     * @throws TaskNotSerializableException if the task cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    public <T> CompletableFuture<T> submitAsync(SerializableCallable<T> task, TaskOptions options) {
        Objects.requireNonNull(options, "options");
        TaskFuture<T> future = tasks.create(task, null, false, null, options.over(tasks.defaultLimits()));
        CompletableFuture<T> async = AsyncTaskFuture.following(future);
        loop.submit(future);
        return async;
    }

    /**
     * Submits an action; a lambda given here is serializable. See {@link #submit(Runnable)}.
     *
     * @param task the action
     * @return the task's future, which yields null
     * @throws TaskNotSerializableException if the action cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    public Future<?> submit(SerializableRunnable task) {
        return super.submit(task);
    }

    /**
     * Submits a value-returning task with its own time limit or retries.
     *
     * @param <T>     the type of the task's result
     * @param task    the task
     * @param options its time limit and retries
     * @return the task's future
     * @throws TaskNotSerializableException if the task cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    public <T> Future<T> submit(SerializableCallable<T> task, TaskOptions options) {
        Objects.requireNonNull(options, "options");
        TaskFuture<T> future = tasks.create(task, null, false, null, options.over(tasks.defaultLimits()));
        loop.submit(future);
        return future;
    }

    /**
     * What a task submitted with {@link TaskOptions#captureOutput(boolean) captureOutput(true)} printed in its
     * worker. A method here rather than a richer future type, so that every future this pool returns
     * ({@code submit}, {@code invokeAll}, {@code submitAsync}) keeps its plain JDK type and code written against
     * {@code ExecutorService} is unchanged.
     *
     * @param future a future returned by this pool
     * @return the output, once the task has ended with a result or an exception of its own; empty while it runs,
     *         when its output was not captured, or when it ended without an answer from its worker (cancelled,
     *         crashed, killed over its time limit)
     * @throws NullPointerException     if {@code future} is null
     * @throws IllegalArgumentException if {@code future} was not returned by a {@code ProcessPoolExecutor}
     */
    public Optional<TaskOutput> outputOf(Future<?> future) {
        Objects.requireNonNull(future, "future");
        if (future instanceof TaskFuture<?> task) {
            return Optional.ofNullable(task.output());
        }
        if (future instanceof AsyncTaskFuture<?> async) {
            return Optional.ofNullable(async.task().output());
        }
        throw new IllegalArgumentException("not a future of a process pool: " + future.getClass().getName()
                + "; pass the future that submit, invokeAll or submitAsync returned");
    }

    /**
     * Submits an action with its own time limit or retries.
     *
     * @param task    the action
     * @param options its time limit and retries
     * @return the task's future, which yields null
     * @throws TaskNotSerializableException if the action cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    public Future<?> submit(SerializableRunnable task, TaskOptions options) {
        Objects.requireNonNull(options, "options");
        TaskFuture<Object> future = tasks.create(task, null, true, null, options.over(tasks.defaultLimits()));
        loop.submit(future);
        return future;
    }

    /**
     * Submits an action whose future yields {@code result} (the parent's object).
     *
     * @param <T>    the type of the result
     * @param task   the action
     * @param result what the future yields once the action has run
     * @return the task's future
     * @throws TaskNotSerializableException if the action cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    public <T> Future<T> submit(SerializableRunnable task, T result) {
        return super.submit(task, result);
    }

    /**
     * Runs {@code command} in a worker. Nobody waits for it, so if it throws, the failure is logged.
     *
     * @throws TaskNotSerializableException if the task cannot be serialized
     * @throws RejectedExecutionException   if the pool is shut down
     */
    @Override
    public void execute(Runnable command) {
        intake.execute(command);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return intake.made(tasks.create(callable, null, false, null));
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return intake.made(tasks.create(runnable, null, true, value));
    }

    /**
     * Runs {@code function} on every input in the workers and returns the results in input order, waiting for
     * all of them. Inputs travel in chunks (about four per worker) to keep the per-task cost low. If any input
     * fails, the chunks not yet finished are cancelled and the first failure in input order is thrown. A chunk
     * whose worker died is split and run again until the input that crashes runs alone, so only that input's
     * {@link WorkerCrashedException} is thrown; the pool's retries apply to that input. For large or lazy inputs,
     * or to keep the results of the inputs that succeeded, use {@link #batch}.
     *
     * @param <T>      the type of the inputs
     * @param <R>      the type of the results
     * @param function the function, run in the workers
     * @param inputs   the inputs, in the order of the results
     * @return the results, one per input, in input order
     * @throws InterruptedException         if interrupted while waiting; the unfinished chunks are cancelled
     * @throws ExecutionException           whose cause is the function's exception, or a pool exception
     * @throws TaskNotSerializableException if the function or an input cannot be serialized
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> function, Collection<? extends T> inputs)
            throws InterruptedException, ExecutionException {
        int chunk = ChunkedMap.automaticChunkSize(inputs.size(), workers());
        return map(function, inputs, chunk);
    }

    /**
     * Like {@link #map(SerializableFunction, Collection)}, with {@code chunkSize} inputs per task.
     *
     * @param <T>       the type of the inputs
     * @param <R>       the type of the results
     * @param function  the function, run in the workers
     * @param inputs    the inputs, in the order of the results
     * @param chunkSize how many inputs each task takes
     * @return the results, one per input, in input order
     * @throws InterruptedException     if interrupted while waiting; the unfinished chunks are cancelled
     * @throws ExecutionException       whose cause is the function's exception, or a pool exception
     * @throws IllegalArgumentException if {@code chunkSize} is not positive
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> function, Collection<? extends T> inputs,
                              int chunkSize) throws InterruptedException, ExecutionException {
        return ChunkedMap.map(tasks, loop, function, inputs, chunkSize);
    }

    /**
     * A batch job: {@code function} applied in the workers to every input of {@code inputs}, read lazily, with
     * one {@link Outcome} per input; configure it, then run it with {@link Batch#stream()}. Unlike {@link #map},
     * a failing or crashing input fails only itself, outcomes arrive while the batch runs, and memory is bounded
     * by {@link Batch#maxInFlight}, not by the number of inputs.
     *
     * @param function the function to apply to each input
     * @param inputs the inputs, read lazily
     * @param <T> the input type
     * @param <R> the result type
     * @return the batch, to configure and then run with {@link Batch#stream()}
     * @throws NullPointerException if {@code function} or {@code inputs} is null
     */
    public <T, R> Batch<T, R> batch(SerializableFunction<? super T, ? extends R> function, Iterable<? extends T> inputs) {
        return new Batch<>(tasks, loop, workers(), function, inputs);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return InvokeAny.invoke(this.tasks, loop, tasks, false, 0);
        } catch (TimeoutException cannotHappen) {
            throw new AssertionError(cannotHappen);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return InvokeAny.invoke(this.tasks, loop, tasks, true, unit.toNanos(timeout));
    }

    // ------------------------------------------------------------ shared data

    /**
     * Shares a copy of {@code data} with tasks: the bytes are written once to a file in the pool's folder, and
     * tasks that capture the returned handle read them with {@link SharedData#buffer()} from a read-only mapping
     * that each worker makes once, instead of receiving a copy with every task. Later changes to {@code data} are
     * not seen. The file is deleted when the handle is closed or the pool terminates.
     *
     * @param data the bytes to share
     * @return the handle for tasks to capture; close it when no task needs the data any more
     * @throws RejectedExecutionException if the pool is shut down
     * @throws java.io.UncheckedIOException if the file cannot be written (the temp file system is full, say)
     */
    public SharedData share(byte[] data) {
        Objects.requireNonNull(data, "data");
        return share(ByteBuffer.wrap(data));
    }

    /**
     * Shares a copy of the bytes of {@code data} from its position to its limit; see {@link #share(byte[])}. The
     * buffer's position is not changed.
     *
     * @param data the bytes to share, from its position to its limit
     * @return the handle for tasks to capture; close it when no task needs the data any more
     * @throws RejectedExecutionException if the pool is shut down
     * @throws java.io.UncheckedIOException if the file cannot be written (the temp file system is full, say)
     */
    public SharedData share(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        refuseIfShutDown();
        return new SharedData(sharedFiles.write(data), true, sharedFiles);
    }

    /**
     * Shares the file {@code file} where it is, without copying it: each worker maps it read-only once, and tasks
     * that capture the returned handle read it with {@link SharedData#buffer()} or, for a file over 2 GiB,
     * {@link SharedData#buffer(long, int)}. The file must not change while it is shared; closing the handle or
     * terminating the pool ends the sharing but does not delete the file.
     *
     * @param file a regular file this JVM and the workers can read
     * @return the handle for tasks to capture; close it when no task needs the data any more
     * @throws IllegalArgumentException   if {@code file} does not exist or is not a regular file
     * @throws java.io.UncheckedIOException if it cannot be opened for reading
     * @throws RejectedExecutionException if the pool is shut down
     */
    public SharedData share(Path file) {
        Objects.requireNonNull(file, "file");
        refuseIfShutDown();
        return new SharedData(sharedFiles.inPlace(file), false, sharedFiles);
    }

    private void refuseIfShutDown() {
        if (isShutdown()) {
            throw new RejectedExecutionException("cannot share data with a pool that is shut down: " + this);
        }
    }

    // ------------------------------------------------------------ life cycle

    /**
     * Accepts no new tasks; tasks already submitted still run. Workers are stopped cleanly once all of them
     * are done. Does not wait: use {@link #awaitTermination} or {@link #close()}.
     */
    @Override
    public void shutdown() {
        loop.shutdown();
    }

    /**
     * Accepts no new tasks, cancels the futures of all tasks not yet finished, interrupts the running ones in
     * their workers, and kills any worker that has not exited one second later. Returns the tasks that had not
     * been handed to a worker, as their (cancelled) futures. Does not wait for the workers to exit.
     */
    @Override
    public List<Runnable> shutdownNow() {
        return loop.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return loop.isShutdown();
    }

    /** True once every worker has exited and the pool's files are removed. */
    @Override
    public boolean isTerminated() {
        return loop.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return loop.awaitTermination(timeout, unit);
    }

    /**
     * Shuts down and waits for every task to finish and every worker to exit, as
     * {@code ExecutorService.close()} does from JDK 19: if interrupted while waiting, it calls
     * {@link #shutdownNow()}, keeps waiting, and restores the interrupt status.
     */
    @Override
    public void close() {
        loop.close();
    }

    @Override
    public String toString() {
        return "ProcessPoolExecutor[workers=" + workers() + (isTerminated() ? ", terminated" : isShutdown() ? ", shut down" : "") + "]";
    }
}
