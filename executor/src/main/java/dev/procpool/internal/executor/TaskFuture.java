package dev.procpool.internal.executor;

import dev.procpool.TaskOutput;
import dev.procpool.TaskSerializationException;
import dev.procpool.internal.ipc.codec.EncodedList;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.TaskCodec;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The future of one task, and the task's serialized bytes until it ends. Completed by the scheduler thread;
 * {@link #cancel} may be called from any thread and tells the scheduler. {@link #run()} does nothing: the task
 * runs in a worker, never here (so a task returned by {@code shutdownNow} cannot be run by hand either).
 *
 * @param <V> the result type
 */
public final class TaskFuture<V> implements RunnableFuture<V> {
    /** Receives cancellations; the scheduler. */
    interface Canceller {
        void cancelled(TaskFuture<?> future, boolean mayInterruptIfRunning);
    }

    private final Object owner;
    private final long id;
    private final String description;
    private final ClassLoader loader;
    /** Set by {@link #attach} before the future is visible to the scheduler. */
    private volatile DeserializationLimits readLimits = DeserializationLimits.DEFAULT;
    private final boolean runnable;
    private final Object runnableResult;
    private final CompletableFuture<Object> outcome = new CompletableFuture<>();
    private volatile Canceller canceller;
    private volatile PoolEvents events;
    /** This attempt's flight-recorder event, or null; scheduler thread only. */
    JfrEvents.TaskExecution jfr;
    private Payload task; // owned by the scheduler once submitted
    /** The result read from its bytes by the first get(), or why it could not be; guarded by this. */
    private boolean read;
    private Object readResult;
    private TaskSerializationException readFailure;

    private final TaskLimits limits;
    private volatile TaskOutput output;
    /** Asked back from a worker that had not started it, to run on an idle one; scheduler thread only. */
    boolean stealing;
    /** The crashes this task has suffered so far; scheduler thread only. */
    final java.util.List<dev.procpool.WorkerCrashedException> crashes = new java.util.ArrayList<>(0);

    TaskFuture(Object owner, long id, String description, Payload task, ClassLoader loader, boolean runnable,
               Object runnableResult, TaskLimits limits) {
        this.owner = owner;
        this.limits = limits;
        this.id = id;
        this.description = description;
        this.task = task;
        this.loader = loader;
        this.runnable = runnable;
        this.runnableResult = runnableResult;
    }

    Object owner() {
        return owner;
    }

    long id() {
        return id;
    }

    String description() {
        return description;
    }

    ClassLoader loader() {
        return loader;
    }

    Payload task() {
        return task;
    }

    /** The soft time limit in nanoseconds, 0 for none. */
    long timeLimitNs() {
        return limits.timeLimitNs();
    }

    /** How many times the task runs again after its worker crashed. */
    int retries() {
        return limits.retries();
    }

    /** Whether the worker captures what the task prints. */
    boolean capturesOutput() {
        return limits.captureOutput();
    }

    /**
     * What the task printed, when it was captured and the task ran to an answer; else null. Set by the scheduler
     * before the future completes, so anyone who saw it done sees it.
     */
    public TaskOutput output() {
        return output;
    }

    void output(TaskOutput output) {
        this.output = output;
    }

    void attach(Canceller canceller, PoolEvents events, DeserializationLimits readLimits) {
        this.canceller = canceller;
        this.events = events;
        this.readLimits = readLimits;
    }

    /** What reading this task's result or exception is held to; the pool's, once attached. */
    DeserializationLimits readLimits() {
        return readLimits;
    }

    /** Frees the task's bytes once no worker will need them again. Scheduler thread. */
    void releaseTask() {
        if (task != null) {
            task.release();
            task = null;
        }
    }

    // The counters move before the future completes, so that stats() already counts a task whose get() returned.

    boolean complete(Object result) {
        PoolEvents e = events;
        if (e != null) {
            e.countCompleted(1);
        }
        boolean completed = outcome.complete(runnable ? runnableResult : result);
        if (completed) {
            endJfr("completed");
            if (e != null) {
                e.taskCompleted(this);
            }
        } else if (e != null) {
            e.countCompleted(-1); // cancelled meanwhile
        }
        return completed;
    }

    boolean fail(Throwable error) {
        PoolEvents e = events;
        if (e != null) {
            e.countFailed(1);
        }
        boolean failed = outcome.completeExceptionally(error);
        if (failed) {
            endJfr(error instanceof dev.procpool.WorkerCrashedException ? "crashed"
                    : error instanceof dev.procpool.TaskTimeoutException ? "timed out" : "failed");
            if (e != null) {
                e.taskFailed(this, error);
            }
        } else if (e != null) {
            e.countFailed(-1); // cancelled or timed out meanwhile
        }
        return failed;
    }

    /** A result in memory, read by the first {@code get()}; see {@link Outcomes#complete}. */
    private record Unread(Payload bytes) {
    }

    /** Completes with a result that {@code get()} reads from {@code bytes} on first use (a Runnable's is dropped). */
    boolean completeUnread(Payload bytes) {
        if (runnable) {
            bytes.release();
            return complete(null);
        }
        boolean completed = complete(new Unread(bytes));
        if (!completed) {
            bytes.release();
        }
        return completed;
    }

    /** The value to return for {@code outcome}'s value: read the result's bytes the first time. */
    @SuppressWarnings("unchecked")
    private V value(Object outcomeValue) throws ExecutionException {
        if (!(outcomeValue instanceof Unread unread)) {
            return (V) outcomeValue;
        }
        synchronized (this) {
            if (!read) {
                read = true;
                try {
                    readResult = TaskCodec.decode(unread.bytes(), loader, ParentLoaders.INSTANCE, readLimits);
                } catch (Exception | Error e) { // any Error too (StackOverflowError on a deep graph)
                    readFailure = new TaskSerializationException("the result of " + this
                            + " could not be read in the parent: " + e, e);
                } finally {
                    unread.bytes().release();
                }
            }
            if (readFailure != null) {
                throw new ExecutionException(readFailure);
            }
            return (V) readResult;
        }
    }

    /**
     * The result still in its bytes, when it completed normally as a list of simple values that no {@code get()}
     * has read yet (a batch chunk's plain results); else null, and {@code get()} reads the result. The bytes stay
     * with this future too: a later {@code get()} still reads them whole.
     */
    public EncodedList encodedList() {
        if (!outcome.isDone() || outcome.isCompletedExceptionally()
                || !(outcome.getNow(null) instanceof Unread unread)) {
            return null;
        }
        synchronized (this) {
            return read ? null : EncodedList.of(unread.bytes());
        }
    }

    /** Ends this attempt's flight-recorder event, if a recording began one. Scheduler thread. */
    void endJfr(String how) {
        JfrEvents.TaskExecution event = jfr;
        if (event != null) {
            jfr = null;
            event.end(how);
        }
    }

    /** Cancels without telling the scheduler; used by the scheduler itself. */
    boolean cancelQuietly() {
        boolean cancelled = outcome.cancel(false);
        if (cancelled) {
            countCancel();
        }
        return cancelled;
    }

    private void countCancel() {
        PoolEvents e = events;
        if (e != null) {
            e.taskCancelled(this);
        }
    }

    public void whenDone(Consumer<TaskFuture<V>> action) {
        outcome.whenComplete((value, error) -> action.accept(this));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = outcome.cancel(false);
        if (cancelled) {
            countCancel();
        }
        Canceller c = canceller;
        if (cancelled && c != null) {
            c.cancelled(this, mayInterruptIfRunning);
        }
        return cancelled;
    }

    @Override
    public boolean isCancelled() {
        return outcome.isCancelled();
    }

    @Override
    public boolean isDone() {
        return outcome.isDone();
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        try {
            return value(outcome.get());
        } catch (CancellationException e) {
            throw cancelled();
        }
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return value(outcome.get(timeout, unit));
        } catch (CancellationException e) {
            throw cancelled();
        } catch (TimeoutException e) {
            TimeoutException t = new TimeoutException(this + " did not end within " + timeout + " "
                    + unit.toString().toLowerCase(java.util.Locale.ROOT));
            t.initCause(e.getCause());
            throw t;
        }
    }

    private CancellationException cancelled() {
        return new CancellationException(this + " was cancelled");
    }

    /** Does nothing: the task runs in a worker JVM. */
    @Override
    public void run() {
    }

    @Override
    public String toString() {
        return "task " + id + " (" + description + ")";
    }
}
