package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswersTest {
    /** Serializable by its type, but it holds what is not. */
    static final class Unshippable extends RuntimeException {
        @SuppressWarnings("unused")
        private final Object context = new Object();

        Unshippable(String message) {
            super(message);
        }
    }

    /** Cannot be serialized, and every method the worker could use to describe it throws. */
    static final class Hostile extends RuntimeException {
        @SuppressWarnings("unused")
        private final Object context = new Object();

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage() refuses");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString() refuses");
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            throw new IllegalStateException("getStackTrace() refuses");
        }

        @Override
        public synchronized Throwable getCause() {
            throw new IllegalStateException("getCause() refuses");
        }
    }

    @Test
    void completed_serializableResult_taskCompletedWithIt() throws Exception {
        Message answer = Answers.completed(5, "done");

        TaskCompleted completed = assertInstanceOf(TaskCompleted.class, answer);
        assertEquals(5, completed.taskId());
        assertEquals("done", decodeAndRelease(completed.result()));
    }

    @Test
    void completed_unserializableResult_outcomeNotSerializedSayingHowToFixIt() throws Exception {
        Message answer = Answers.completed(6, new Object());

        OutcomeNotSerialized notSerialized = assertInstanceOf(OutcomeNotSerialized.class, answer);
        assertEquals(6, notSerialized.taskId());
        assertTrue(notSerialized.description().startsWith("the task's result, a java.lang.Object, could not be "
                + "serialized: java.io.NotSerializableException: java.lang.Object; return a Serializable value"),
                notSerialized.description());
        assertTrue(!notSerialized.stack().isEmpty(), "the serialization failure's frames");
    }

    @Test
    void failed_unserializableException_outcomeNotSerializedWithOriginalFrames() throws Exception {
        Unshippable thrown = new Unshippable("boom");

        OutcomeNotSerialized notSerialized = assertInstanceOf(OutcomeNotSerialized.class, Answers.failed(7, thrown));

        assertTrue(notSerialized.description().startsWith("the task threw " + thrown + ", which could not be serialized ("),
                notSerialized.description());
        assertTrue(notSerialized.description().endsWith("); the stack trace below is the original exception's"));
        assertEquals(List.of(thrown.getStackTrace()), notSerialized.stack());
    }

    @Test
    void failed_serializableException_taskFailedWithIt() throws Exception {
        TaskFailed failed = assertInstanceOf(TaskFailed.class, Answers.failed(8, new IllegalStateException("no")));

        IllegalStateException decoded = assertInstanceOf(IllegalStateException.class, decodeAndRelease(failed.error()));
        assertEquals("no", decoded.getMessage());
    }

    @Test
    void initializerThrew_unserializableException_standInDescribesItWithOriginalFrames() throws Exception {
        Unshippable thrown = new Unshippable("init");

        RuntimeException standIn = assertInstanceOf(RuntimeException.class,
                decodeAndRelease(Answers.initializerThrew(thrown)));

        assertTrue(standIn.getMessage().startsWith("the initializer threw " + thrown), standIn.getMessage());
        assertEquals(List.of(thrown.getStackTrace()), List.of(standIn.getStackTrace()));
    }

    @Test
    void failed_unserializableExceptionWhoseMethodsAllThrow_outcomeNotSerializedDescribingItByClass() throws Exception {
        Message answer = Answers.failed(9, new Hostile());

        OutcomeNotSerialized notSerialized = assertInstanceOf(OutcomeNotSerialized.class, answer);
        assertEquals(9, notSerialized.taskId());
        assertEquals("the task threw " + Hostile.class.getName() + " (its toString() threw "
                + IllegalStateException.class.getName() + "), which could not be serialized ("
                + "java.io.NotSerializableException: java.lang.Object); the stack trace below is the original"
                + " exception's", notSerialized.description());
        assertEquals(List.of(), notSerialized.stack());
    }

    @Test
    void failed_unserializableExceptionWithCause_describesTheCauseToo() throws Exception {
        Unshippable thrown = new Unshippable("outer");
        thrown.initCause(new IllegalArgumentException("inner"));

        OutcomeNotSerialized notSerialized = assertInstanceOf(OutcomeNotSerialized.class, Answers.failed(10, thrown));

        assertEquals("the task threw " + thrown + ", which could not be serialized ("
                + "java.io.NotSerializableException: java.lang.Object), caused by java.lang.IllegalArgumentException:"
                + " inner; the stack trace below is the original exception's", notSerialized.description());
    }

    @Test
    void initializerThrew_exceptionWhoseMethodsAllThrow_standInDescribesItByClass() throws Exception {
        RuntimeException standIn = assertInstanceOf(RuntimeException.class,
                decodeAndRelease(Answers.initializerThrew(new Hostile())));

        assertTrue(standIn.getMessage().startsWith("the initializer threw " + Hostile.class.getName()
                + " (its toString() threw "), standIn.getMessage());
    }

    @Test
    void call_neitherCallableNorRunnable_throwsNamingTheType() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> Answers.call("text"));

        assertEquals("not a task: java.lang.String is neither a Callable nor a Runnable", thrown.getMessage());
    }

    @Test
    void call_callable_returnsItsValue() throws Exception {
        assertEquals(42, Answers.call((Callable<Integer>) () -> 42));
    }

    private static Object decodeAndRelease(Payload payload) throws Exception {
        try {
            return TaskCodec.decode(payload, AnswersTest.class.getClassLoader());
        } finally {
            payload.release();
        }
    }
}
