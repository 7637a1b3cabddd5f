package dev.procpool.internal.executor;

import dev.procpool.SerializableCallable;
import dev.procpool.SerializableRunnable;
import dev.procpool.TaskNotSerializableException;
import dev.procpool.internal.ipc.JavaSerializer;
import dev.procpool.internal.ipc.Payload;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a task object into a {@link TaskFuture}: serializes it on the submitting thread, so that a task that
 * cannot be shipped is refused at {@code submit} with a message that says how to fix it. Thread-safe.
 */
public final class Tasks {
    private final AtomicLong lastId = new AtomicLong();

    public <T> TaskFuture<T> create(Object task, String description, boolean runnable, T runnableResult) {
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
            payload = JavaSerializer.serialize(task);
        } catch (NotSerializableException e) {
            throw new TaskNotSerializableException(what + " cannot be serialized: it refers to an object of class "
                    + e.getMessage() + ", which is not Serializable. Make that class implement java.io.Serializable,"
                    + " mark the field transient, or stop capturing it in the lambda (copy what the task needs into"
                    + " a local variable first).", e);
        } catch (IOException | RuntimeException e) {
            throw new TaskNotSerializableException(what + " cannot be serialized: " + e, e);
        }
        return new TaskFuture<>(this, lastId.incrementAndGet(), what, payload,
                Thread.currentThread().getContextClassLoader(), runnable, runnableResult);
    }

    public boolean owns(TaskFuture<?> future) {
        return future.owner() == this;
    }

    /** A task's class name without the hidden-class suffix lambdas carry. */
    public static String describe(Object task) {
        String name = task.getClass().getName();
        int hidden = name.indexOf('/');
        return hidden < 0 ? name : name.substring(0, hidden);
    }
}
