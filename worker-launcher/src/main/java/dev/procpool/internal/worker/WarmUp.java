package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Runs a task's decode, call and encode once (a lambda, and a {@code Callable} class of plain fields), on a thread
 * of its own while the worker shakes hands and waits for its first task, so that the first real task does not pay
 * for loading and initialising the serialization classes (tens of milliseconds in a fresh JVM). Failures are
 * ignored: the real task would meet them again and report them properly.
 */
final class WarmUp {
    private WarmUp() {
    }

    static void start() {
        Thread thread = new Thread(WarmUp::run, "procpool-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Like a {@code Callable} class as users write them: serializable, plain fields, nothing custom. */
    static final class PlainTask implements Callable<Object>, Serializable {
        private static final long serialVersionUID = 1L;
        private int number;
        private String text;

        PlainTask(int number, String text) {
            this.number = number;
            this.text = text;
        }

        @Override
        public Object call() {
            return number + text.length();
        }
    }

    static void run() {
        try {
            Callable<Object> task = (Callable<Object> & Serializable) () -> new Object[] {42, "warm", 4.2};
            Payload encoded = TaskCodec.encode(task);
            Object decoded = TaskCodec.decode(encoded, WarmUp.class.getClassLoader());
            encoded.release();
            Object result = ((Callable<?>) decoded).call();
            TaskCodec.encode(result).release();
            TaskCodec.encode(new IllegalStateException("warm-up")).release();
            // a Callable class of plain fields travels as its field values, a path of its own (reflection)
            Payload plain = TaskCodec.encode(new PlainTask(42, "warm"));
            Object plainTask = TaskCodec.decode(plain, WarmUp.class.getClassLoader());
            plain.release();
            TaskCodec.encode(((Callable<?>) plainTask).call()).release();
        } catch (Exception | LinkageError ignored) {
            // see the class comment
        }
    }
}
