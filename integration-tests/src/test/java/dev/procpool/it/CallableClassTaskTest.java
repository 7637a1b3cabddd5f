package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Tasks written as {@code Callable} classes, as code written for {@code ExecutorService} has them, or as records:
 * plain ones travel as their field values, those that customise serialization through JDK serialization; all
 * arrive intact.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class CallableClassTaskTest {
    /** Plain: primitive, String and boxed fields only. Its result is a plain class too. */
    static final class Describe implements Callable<Description>, Serializable {
        private final int count;
        private final long id;
        private final double weight;
        private final char grade;
        private final String name;
        private final Integer optional;

        Describe(int count, long id, double weight, char grade, String name, Integer optional) {
            this.count = count;
            this.id = id;
            this.weight = weight;
            this.grade = grade;
            this.name = name;
            this.optional = optional;
        }

        @Override
        public Description call() {
            return new Description(name + "/" + count + "/" + id + "/" + weight + "/" + grade + "/" + optional,
                    ProcessHandle.current().pid());
        }
    }

    static final class Description implements Serializable {
        final String text;
        final long pid;

        Description(String text, long pid) {
            this.text = text;
            this.pid = pid;
        }
    }

    /** Customises serialization: readResolve must run in the worker, so this class keeps JDK serialization. */
    static final class Resolving implements Callable<String>, Serializable {
        private final String word;
        private transient boolean resolved;

        Resolving(String word) {
            this.word = word;
        }

        private Object readResolve() throws ObjectStreamException {
            Resolving copy = new Resolving(word);
            copy.resolved = true;
            return copy;
        }

        @Override
        public String call() {
            return word + (resolved ? " resolved" : " not resolved");
        }
    }

    @Test
    void plainCallableClass_runsInAWorker_withEveryFieldValue_andAPlainResult() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            Description d = valueOf(pool.submit(new Describe(3, 1L << 40, 2.5, 'é', "näme", null)));
            assertEquals("näme/3/1099511627776/2.5/é/null", d.text);
            Description again = valueOf(pool.submit(new Describe(4, -1, -0.0, 'x', null, 7)));
            assertEquals("null/4/-1/-0.0/x/7", again.text);
            assertEquals(d.pid, again.pid, "the same worker");
        }
    }

    /**
     * A record, as newer code writes tasks: it travels as its components and is made again in the worker by its
     * canonical constructor, as JDK serialization makes records. {@link #MADE} counts the constructions in the
     * JVM the constructor runs in.
     */
    record Scale(String name, int factor, Double weight) implements Callable<Scaled>, Serializable {
        static final AtomicInteger MADE = new AtomicInteger();

        Scale {
            MADE.incrementAndGet();
        }

        @Override
        public Scaled call() {
            return new Scaled(name + " x" + factor + " / " + weight, MADE.get(), ProcessHandle.current().pid());
        }
    }

    record Scaled(String text, int madeInWorker, long pid) implements Serializable {
    }

    @Test
    void recordTask_isMadeInTheWorkerByItsCanonicalConstructor_andItsRecordResultArrivesIntact() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            Scaled first = valueOf(pool.submit(new Scale("näme", 3, null)));
            Scaled second = valueOf(pool.submit(new Scale("b", -1, -0.0)));

            assertEquals("näme x3 / null", first.text());
            assertEquals("b x-1 / -0.0", second.text());
            assertEquals(first.pid(), second.pid(), "the same worker");
            assertNotEquals(ProcessHandle.current().pid(), first.pid());
            assertEquals(List.of(1, 2), List.of(first.madeInWorker(), second.madeInWorker()),
                    "each task was made once in the worker, by its canonical constructor");
        }
    }

    @Test
    void callableClassWithReadResolve_runsInAWorker_afterItsReadResolve() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            assertEquals("word resolved", valueOf(pool.submit(new Resolving("word"))));
        }
    }
}
