package dev.procpool.it.batch;

import dev.procpool.Outcome;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableFunction;
import dev.procpool.TaskNotSerializableException;
import dev.procpool.TaskSerializationException;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.UnserializableExceptionTask.UnshippableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.procpool.it.batch.BatchOutcomeTest.quietPool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input fails the input it concerns, or the call, with a message that says what is wrong. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class BatchBadInputTest {

    /** An input the worker cannot receive: it holds a plain Object. */
    record Unshippable(Object payload) {
    }

    /** Returns the string form of its input; throws an unserializable exception for "bad". */
    record Describing() implements SerializableFunction<Object, String> {
        @Override
        public String apply(Object input) {
            if ("bad".equals(input)) {
                throw new UnshippableException("input bad, as planned");
            }
            return String.valueOf(input);
        }
    }

    @Test
    void nullFunctionOrInputs_throwNullPointerExceptionNamingIt() {
        try (ProcessPoolExecutor pool = quietPool(1)) {
            NullPointerException noFunction = assertThrows(NullPointerException.class, () -> pool.batch(null, List.of(1)));
            NullPointerException noInputs = assertThrows(NullPointerException.class,
                    () -> pool.batch(new Describing(), null));
            assertEquals("function", noFunction.getMessage());
            assertEquals("inputs", noInputs.getMessage());
        }
    }

    @Test
    void unserializableInput_failsAloneWithTaskNotSerializable_batchGoesOn() {
        List<Object> inputs = new ArrayList<>(List.of("a", "b", "c", "d"));
        inputs.add(2, new Unshippable(new Object()));
        try (ProcessPoolExecutor pool = quietPool(1);
             Stream<Outcome<Object, String>> stream = pool.batch(new Describing(), inputs).chunkSize(5).stream()) {
            List<Outcome<Object, String>> outcomes = stream.toList();

            assertEquals(List.of("a", "b"), List.of(outcomes.get(0).result(), outcomes.get(1).result()));
            TaskNotSerializableException e = assertInstanceOf(TaskNotSerializableException.class, outcomes.get(2).failure());
            assertTrue(e.getMessage().contains("batch input 2"), e::getMessage);
            assertTrue(e.getMessage().contains("BatchBadInputTest$Unshippable, which is not Serializable"), e::getMessage);
            assertEquals(List.of("c", "d"), List.of(outcomes.get(3).result(), outcomes.get(4).result()));
        }
    }

    @Test
    void inputThrowsUnserializableException_failsAloneWithTaskSerializationException() {
        try (ProcessPoolExecutor pool = quietPool(1);
             Stream<Outcome<Object, String>> stream = pool.batch(new Describing(), List.<Object>of("a", "bad", "c"))
                     .chunkSize(3).stream()) {
            List<Outcome<Object, String>> outcomes = stream.toList();

            assertEquals("a", outcomes.get(0).result());
            TaskSerializationException e = assertInstanceOf(TaskSerializationException.class, outcomes.get(1).failure());
            assertTrue(e.getMessage().contains("UnshippableException"), e::getMessage);
            assertTrue(e.getMessage().contains("input bad, as planned"), e::getMessage);
            assertEquals("c", outcomes.get(2).result());
        }
    }

    @Test
    void iterableThrows_streamEndsWithItsException_afterDeliveringWhatCompleted() {
        CountingInputs inputs = new CountingInputs(100, 40);
        List<Long> delivered = new ArrayList<>();
        try (ProcessPoolExecutor pool = quietPool(2);
             Stream<Outcome<Long, Long>> stream = pool.batch(new SlowFunction(-1, 0), inputs).chunkSize(7).stream()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> stream.forEach(o -> delivered.add(o.result())));

            assertEquals("the input source failed at 40, as planned", e.getMessage());
            assertEquals(java.util.stream.LongStream.range(0, 40).boxed().toList(), delivered);
        }
    }

    @Test
    void unserializableFunction_refusedAtStream() {
        Object captured = new Object();
        try (ProcessPoolExecutor pool = quietPool(1)) {
            TaskNotSerializableException e = assertThrows(TaskNotSerializableException.class,
                    () -> pool.batch((SerializableFunction<Integer, String>) i -> captured + "" + i, List.of(1)).stream());
            assertTrue(e.getMessage().contains("java.lang.Object"), e::getMessage);
        }
    }
}
