package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.concurrent.Callable;

import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tasks written as {@code Callable} classes, as code written for {@code ExecutorService} has them: plain ones travel
 * as their field values, those that customise serialization through JDK serialization; both arrive intact.
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

    @Test
    void callableClassWithReadResolve_runsInAWorker_afterItsReadResolve() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            assertEquals("word resolved", valueOf(pool.submit(new Resolving("word"))));
        }
    }
}
