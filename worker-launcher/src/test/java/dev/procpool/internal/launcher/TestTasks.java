package dev.procpool.internal.launcher;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** Tasks the tests send to real worker JVMs; the worker finds them on its class path, which is this JVM's. */
final class TestTasks {
    private TestTasks() {
    }

    record AddTask(int a, int b) implements Callable<Integer>, Serializable {
        @Override
        public Integer call() {
            return a + b;
        }
    }

    record ThrowingTask(String message) implements Callable<Object>, Serializable {
        @Override
        public Object call() {
            throw new IllegalStateException(message);
        }
    }

    /** Prints numbered lines to stdout and stderr, so tests can watch the worker's output. */
    record PrintingTask(int lines) implements Callable<Integer>, Serializable {
        @Override
        public Integer call() {
            for (int i = 1; i <= lines; i++) {
                System.out.println("out " + i);
                System.err.println("err " + i);
            }
            System.out.flush();
            System.err.flush();
            return lines;
        }
    }

    /** Starts {@code sleep 60} (a grandchild of the test JVM) and returns its pid. */
    record StartsSleepTask() implements Callable<Long>, Serializable {
        @Override
        public Long call() throws Exception {
            return new ProcessBuilder("sleep", "60").start().pid();
        }
    }

    /** Sleeps until interrupted. */
    record HangingTask() implements Callable<Object>, Serializable {
        @Override
        public Object call() throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
            return null;
        }
    }

    record ExitingTask(int status) implements Callable<Object>, Serializable {
        @Override
        public Object call() {
            System.exit(status);
            return null;
        }
    }
}
