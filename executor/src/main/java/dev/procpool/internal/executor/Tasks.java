package dev.procpool.internal.executor;

import dev.procpool.SerializableCallable;
import dev.procpool.SerializableRunnable;
import dev.procpool.TaskNotSerializableException;
import dev.procpool.internal.ipc.codec.ClassLoaderTable;
import dev.procpool.internal.ipc.codec.TaskCodec;
import dev.procpool.internal.ipc.codec.Payload;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a task object into a {@link TaskFuture}: serializes it on the submitting thread, so that a task that
 * cannot be shipped is refused at {@code submit} with a message that says how to fix it, never with a raw
 * {@link StackOverflowError} (too deep) or {@link OutOfMemoryError} (too large). Thread-safe.
 */
public final class Tasks {
    /** Task ids are unique in the JVM: a replaced shared pool forwards its tasks to its successor. */
    private static final AtomicLong LAST_ID = new AtomicLong();
    private final TaskLimits defaultLimits;

    /** {@code defaultLimits}: the limits of tasks created without their own. */
    public Tasks(TaskLimits defaultLimits) {
        this.defaultLimits = Objects.requireNonNull(defaultLimits, "defaultLimits");
    }

    /** The limits of tasks created without their own: the pool's. */
    public TaskLimits defaultLimits() {
        return defaultLimits;
    }

    /** A task with the pool's limits; see {@link #create(Object, String, boolean, Object, TaskLimits)}. */
    public <T> TaskFuture<T> create(Object task, String description, boolean runnable, T runnableResult) {
        return create(task, description, runnable, runnableResult, defaultLimits);
    }

    /**
     * Serializes {@code task} into a new future; {@code description} names it in messages (null: its class or
     * lambda method); a {@code runnable} task's future yields {@code runnableResult}.
     *
     * @throws dev.procpool.TaskNotSerializableException if the task cannot be serialized
     */
    public <T> TaskFuture<T> create(Object task, String description, boolean runnable, T runnableResult,
                                    TaskLimits limits) {
        Objects.requireNonNull(task, "task");
        String what = description != null ? description : describe(task);
        if (!(task instanceof Serializable)) {
            throw new TaskNotSerializableException(what + " is not Serializable, so it cannot be shipped to a worker"
                    + " JVM. Pass a lambda where a " + SerializableCallable.class.getSimpleName() + " or "
                    + SerializableRunnable.class.getSimpleName() + " is expected (for example"
                    + " pool.submit((SerializableCallable<Integer>) () -> 42)), or make the class implement"
                    + " java.io.Serializable.", null);
        }
        Payload payload;
        try {
            payload = TaskCodec.encode(task, ParentLoaders.INSTANCE);
        } catch (NotSerializableException e) {
            throw new TaskNotSerializableException(what + " cannot be serialized: it refers to an object of class "
                    + e.getMessage() + ", which is not Serializable. Make that class implement java.io.Serializable,"
                    + " mark the field transient, or stop capturing it in the lambda (copy what the task needs into"
                    + " a local variable first).", e);
        } catch (IOException | RuntimeException e) {
            throw new TaskNotSerializableException(what + " cannot be serialized: " + e, e);
        } catch (StackOverflowError e) {
            throw new TaskNotSerializableException(tooDeep(what), e);
        } catch (OutOfMemoryError e) {
            throw new TaskNotSerializableException(tooLarge(what, e), e);
        }
        return new TaskFuture<>(this, LAST_ID.incrementAndGet(), what, payload,
                Thread.currentThread().getContextClassLoader(), runnable, runnableResult, limits);
    }

    /** Java serialization recurses once per reference it follows, on the submitting thread. */
    static String tooDeep(String what) {
        return what + " cannot be serialized: its object graph is too deep (StackOverflowError while writing it)."
                + " Java serialization recurses once per object it follows, so a linked chain or tree many thousands"
                + " of levels deep overflows the submitting thread's stack, and would overflow the worker's too. Make"
                + " the structure shallower (an array or ArrayList instead of linked nodes), or give its class a"
                + " writeObject/readObject that writes the elements in a loop.";
    }

    static String tooLarge(String what, OutOfMemoryError e) {
        return what + " cannot be serialized: it is too large, its serialized form did not fit in the parent's heap"
                + " (" + e.getMessage() + "). Pass a smaller argument, split the work into smaller tasks, or pass the"
                + " path of a file the worker reads instead of the data itself.";
    }

    /** The parent's numbers for the loaders that tasks' classes come from, for encoding what workers run. */
    public static ClassLoaderTable classLoaders() {
        return ParentLoaders.INSTANCE;
    }

    public boolean owns(TaskFuture<?> future) {
        return future.owner() == this;
    }

    /** How a task is named in messages: its class, or for a lambda the method it compiles to. */
    public static String describe(Object task) {
        Class<?> type = task.getClass();
        String name = NAMES.get(type);
        if (name == null) {
            name = computeName(type, task);
            NAMES.putIfAbsent(type, name);
        }
        return name;
    }

    /** One entry per task class; lambda classes are few (one per lambda expression in the code). */
    private static final java.util.concurrent.ConcurrentHashMap<Class<?>, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    private static String computeName(Class<?> type, Object task) {
        String name = type.getName();
        int hidden = name.indexOf('/');
        String plain = hidden < 0 ? name : name.substring(0, hidden);
        if (!type.isSynthetic() || !(task instanceof Serializable)) {
            return plain;
        }
        try { // a serializable lambda describes itself: "com.acme.Job.lambda$run$2", as in stack traces
            java.lang.reflect.Method writeReplace = type.getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            java.lang.invoke.SerializedLambda lambda = (java.lang.invoke.SerializedLambda) writeReplace.invoke(task);
            return lambda.getImplClass().replace('/', '.') + "." + lambda.getImplMethodName();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return plain;
        }
    }
}
