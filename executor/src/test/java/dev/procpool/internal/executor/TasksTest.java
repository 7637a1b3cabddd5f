package dev.procpool.internal.executor;

import dev.procpool.SerializableCallable;
import dev.procpool.TaskNotSerializableException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A task that cannot be serialized is refused with the pool's own exception, never with a raw {@link Error}. */
class TasksTest {
    private final Tasks tasks = new Tasks(new TaskLimits(0, 0));

    @Test
    void graphTooDeep_create_refusedSayingTooDeepWithStackOverflowAsCause() throws Exception {
        DeepTask task = new DeepTask(Node.chain(100_000));

        // a small stack of its own, so that the overflow does not depend on the test runner's thread
        Throwable thrown = onThreadWithStack(256 * 1024, () -> tasks.create(task, "the deep task", false, null));

        TaskNotSerializableException refused = assertInstanceOf(TaskNotSerializableException.class, thrown);
        assertEquals(Tasks.tooDeep("the deep task"), refused.getMessage());
        assertTrue(refused.getMessage().contains("its object graph is too deep"), refused::getMessage);
        assertInstanceOf(StackOverflowError.class, refused.getCause());
    }

    @Test
    void serializationRunsOutOfMemory_create_refusedSayingTooLarge() {
        TaskNotSerializableException refused = assertThrows(TaskNotSerializableException.class,
                () -> tasks.create(new HugeTask(), "the huge task", false, null));

        assertEquals("the huge task cannot be serialized: it is too large, its serialized form did not fit in the"
                + " parent's heap (Java heap space). Pass a smaller argument, split the work into smaller tasks, or"
                + " pass the path of a file the worker reads instead of the data itself.", refused.getMessage());
        assertInstanceOf(OutOfMemoryError.class, refused.getCause());
    }

    @Test
    void shallowTask_create_serialized() {
        TaskFuture<Integer> before = tasks.create(new DeepTask(Node.chain(1)), null, false, null);
        TaskFuture<Integer> future = tasks.create(new DeepTask(Node.chain(10)), null, false, null);

        // ids come from one counter per JVM, which other test classes use too: only their order is known
        assertEquals(before.id() + 1, future.id());
        assertFalse(future.isDone(), "created, waiting to be sent");
    }

    private static Throwable onThreadWithStack(long stackBytes, Runnable action) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread thread = new Thread(null, () -> {
            try {
                action.run();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }, "small-stack", stackBytes);
        thread.start();
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    record DeepTask(Node head) implements SerializableCallable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        final Node next;

        Node(Node next) {
            this.next = next;
        }

        static Node chain(int length) {
            Node head = null;
            for (int i = 0; i < length; i++) {
                head = new Node(head);
            }
            return head;
        }
    }

    /** Stands in for a multi-gigabyte argument: its serialization runs out of heap. */
    static final class HugeTask implements SerializableCallable<Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer call() {
            return 0;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            throw new OutOfMemoryError("Java heap space");
        }
    }
}
