package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.TaskNotSerializableException;
import dev.procpool.TaskSerializationException;
import dev.procpool.it.fixtures.DeepArgumentTask;
import dev.procpool.it.fixtures.DeepChainTask;
import dev.procpool.it.fixtures.DeliberateException;
import dev.procpool.it.fixtures.HostileExceptionTask;
import dev.procpool.it.fixtures.PidTask;
import dev.procpool.it.fixtures.RecursingTask;
import dev.procpool.it.fixtures.ThrowingTask;
import dev.procpool.it.fixtures.UnserializableExceptionTask;
import dev.procpool.it.fixtures.UnserializableResultTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import static dev.procpool.it.Pools.failureOf;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks that fail without killing their worker: they throw, overflow their stack, or produce something that cannot
 * be shipped. Each fails only its own future, with an exact cause, and the same worker JVM (same pid) serves the
 * next task. One single-worker pool serves the whole class, so "same worker" is checkable by pid.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class TaskFailureTest {
    private static ProcessPoolExecutor pool;
    private static long workerPid;

    @BeforeAll
    static void startPool() throws Exception {
        // spareWorkers(0): a pool shared by the class's tests must start no process between them, or the per-test
        // leak check (NoLeakedWorkers) counts the spare it starts once idle as the running test's
        pool = quietPool(1).spareWorkers(0).build();
        workerPid = valueOf(pool.submit(new PidTask()));
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @BeforeEach
    void sameWorkerAsBefore() throws Exception {
        assertEquals(workerPid, valueOf(pool.submit(new PidTask())), "an earlier test replaced the worker");
    }

    @Test
    void taskThrows_causeHasItsOwnTypeMessageAndWorkerFrames() throws Exception {
        Throwable cause = failureOf(pool.submit(new ThrowingTask("no luck this time", 7)));

        DeliberateException thrown = assertInstanceOf(DeliberateException.class, cause);
        assertEquals("no luck this time", thrown.getMessage());
        assertEquals(7, thrown.code());
        assertTrue(Arrays.stream(thrown.getStackTrace()).anyMatch(f -> f.getClassName().equals(ThrowingTask.class.getName())
                        && f.getMethodName().equals("call")),
                () -> "the task's own frame: " + Arrays.toString(thrown.getStackTrace()));
        assertTrue(Arrays.stream(thrown.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("dev.procpool.internal.worker.")),
                () -> "the worker's frames: " + Arrays.toString(thrown.getStackTrace()));
        assertEquals(workerPid, valueOf(pool.submit(new PidTask())));
    }

    @Test
    void taskThrowsExceptionLargerThanOneMebibyte_arrivesIntact() throws Exception {
        String message = "x".repeat(3 << 20);

        Throwable cause = failureOf(pool.submit(new ThrowingTask(message, 3)));

        DeliberateException thrown = assertInstanceOf(DeliberateException.class, cause);
        assertEquals(message, thrown.getMessage());
    }

    @Test
    void taskOverflowsItsStack_futureFailsWithStackOverflowErrorAndWorkerSurvives() throws Exception {
        Throwable cause = failureOf(pool.submit(new RecursingTask()));

        assertInstanceOf(StackOverflowError.class, cause);
        assertTrue(cause.getStackTrace().length > 0);
        assertEquals(RecursingTask.class.getName(), cause.getStackTrace()[0].getClassName());
        assertEquals(workerPid, valueOf(pool.submit(new PidTask())));
    }

    @Test
    void unserializableTask_submitThrowsAtOnceNamingTheClass_poolUnaffected() throws Exception {
        Object notSerializable = new Object();
        SerializableCallable<Integer> capturing = () -> notSerializable.hashCode();
        Callable<Integer> plain = new Callable<>() {
            @Override
            public Integer call() {
                return 1;
            }
        };

        TaskNotSerializableException capturingFailure = assertThrows(TaskNotSerializableException.class,
                () -> pool.submit(capturing));
        TaskNotSerializableException plainFailure = assertThrows(TaskNotSerializableException.class,
                () -> pool.submit(plain));
        TaskNotSerializableException runnableFailure = assertThrows(TaskNotSerializableException.class,
                () -> pool.execute(() -> { }));

        assertAll(
                () -> assertTrue(capturingFailure.getMessage().contains("java.lang.Object, which is not Serializable"),
                        capturingFailure::getMessage),
                () -> assertTrue(capturingFailure.getMessage().contains("Make that class implement java.io.Serializable"),
                        capturingFailure::getMessage),
                () -> assertTrue(plainFailure.getMessage().contains(TaskFailureTest.class.getName() + "$1 is not Serializable"),
                        plainFailure::getMessage),
                () -> assertTrue(plainFailure.getMessage().contains("SerializableCallable"), plainFailure::getMessage),
                () -> assertTrue(runnableFailure.getMessage().contains("is not Serializable"), runnableFailure::getMessage));
        assertFalse(pool.isShutdown());
        assertEquals(workerPid, valueOf(pool.submit(new PidTask())));
    }

    @Test
    void resultTooDeepToReadInTheParent_futureFailsInsteadOfHanging() throws Exception {
        // A worker with a big stack can write a chain the parent's scheduler thread cannot read back.
        try (ProcessPoolExecutor bigStacks = quietPool(1).jvmOptions(List.of("-Xss512m")).build()) {
            Future<DeepChainTask.Link> future = bigStacks.submit(new DeepChainTask(200_000));

            TaskSerializationException failure = assertInstanceOf(TaskSerializationException.class, failureOf(future));

            assertTrue(failure.getMessage().contains("could not be read in the parent"), failure::getMessage);
            // refused by the pool's deserialization depth limit, or, on a thread whose stack is smaller than that
            // limit needs, by a StackOverflowError: either way the future fails
            assertTrue(failure.getMessage().contains("nests deeper than the limit of 1000 levels")
                    || failure.getCause() instanceof StackOverflowError, failure::getMessage);
            assertEquals(3, valueOf(bigStacks.submit(new DeepChainTask(3))).length(), "the pool still works");
        }
    }

    @Test
    void resultNotSerializable_futureFailsNamingTheClass_workerSurvives() throws Exception {
        Future<Object> future = pool.submit(new UnserializableResultTask());

        TaskSerializationException failure = assertInstanceOf(TaskSerializationException.class, failureOf(future));
        assertTrue(failure.getMessage().contains(UnserializableResultTask.PlainResult.class.getName()), failure::getMessage);
        assertTrue(failure.getMessage().contains("could not be serialized"), failure::getMessage);
        assertEquals(workerPid, valueOf(pool.submit(new PidTask())));
    }

    @Test
    void exceptionNotSerializable_futureFailsNamingTheClassWithOriginalFrames_workerSurvives() throws Exception {
        Future<Object> future = pool.submit(new UnserializableExceptionTask());

        TaskSerializationException failure = assertInstanceOf(TaskSerializationException.class, failureOf(future));
        assertTrue(failure.getMessage().contains(UnserializableExceptionTask.UnshippableException.class.getName()),
                failure::getMessage);
        assertTrue(failure.getMessage().contains("thrown with an unserializable context"), failure::getMessage);
        assertTrue(Arrays.stream(failure.getStackTrace()).anyMatch(f -> f.getClassName().equals(UnserializableExceptionTask.class.getName())),
                () -> "the original exception's frames: " + Arrays.toString(failure.getStackTrace()));
        assertEquals(workerPid, valueOf(pool.submit(new PidTask())));
    }

    @Test
    void argumentGraphTooDeep_submitThrowsTaskNotSerializableSayingSo_poolUnaffected() throws Exception {
        DeepArgumentTask deep = DeepArgumentTask.ofLength(100_000);

        TaskNotSerializableException refused = assertThrows(TaskNotSerializableException.class, () -> pool.submit(deep));

        assertTrue(refused.getMessage().contains("its object graph is too deep"), refused::getMessage);
        assertTrue(refused.getMessage().contains("Make the structure shallower"), refused::getMessage);
        assertInstanceOf(StackOverflowError.class, refused.getCause());
        assertEquals(3, valueOf(pool.submit(DeepArgumentTask.ofLength(3))), "the pool still works");
        assertEquals(workerPid, valueOf(pool.submit(new PidTask())));
    }

    @Test
    void exceptionNotSerializableWhoseGetMessageThrows_futureFailsWithTaskSerializationException_workerSurvives()
            throws Exception {
        Future<Object> future = pool.submit(new HostileExceptionTask());

        TaskSerializationException failure = assertInstanceOf(TaskSerializationException.class, failureOf(future));
        assertTrue(failure.getMessage().contains(HostileExceptionTask.HostileException.class.getName()
                + " (its toString() threw java.lang.IllegalStateException)"), failure::getMessage);
        assertTrue(Arrays.stream(failure.getStackTrace()).anyMatch(f -> f.getClassName().equals(HostileExceptionTask.class.getName())),
                () -> "the original exception's frames: " + Arrays.toString(failure.getStackTrace()));
        assertEquals(workerPid, valueOf(pool.submit(new PidTask())), "the same worker serves the next task");
    }
}
