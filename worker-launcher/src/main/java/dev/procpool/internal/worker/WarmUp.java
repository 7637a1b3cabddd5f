package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Runs a task's decode, call and encode once, on a thread of its own while the worker shakes hands and waits for
 * its first task, so that the first real task does not pay for loading and initialising the serialization
 * classes (tens of milliseconds in a fresh JVM). Failures are ignored: the real task would meet them again and report
 * them properly.
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

    static void run() {
        try {
            Callable<Object> task = (Callable<Object> & Serializable) () -> new Object[] {42, "warm", 4.2};
            Payload encoded = TaskCodec.encode(task);
            Object decoded = TaskCodec.decode(encoded, WarmUp.class.getClassLoader());
            encoded.release();
            Object result = ((Callable<?>) decoded).call();
            TaskCodec.encode(result).release();
            TaskCodec.encode(new IllegalStateException("warm-up")).release();
        } catch (Exception | LinkageError ignored) {
            // see the class comment
        }
    }
}
