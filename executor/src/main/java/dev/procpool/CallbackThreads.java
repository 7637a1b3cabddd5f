package dev.procpool;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads on which user code called back by the pool runs (batch progress listeners, the stages of
 * {@link ProcessPoolExecutor#submitAsync} futures), so that it never runs on a pool's scheduler thread. Daemon
 * threads, started on demand and ended after 30 idle seconds; shared by all pools. Thread-safe.
 */
final class CallbackThreads {
    private static final AtomicInteger COUNT = new AtomicInteger();
    static final ExecutorService EXECUTOR = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "procpool-callback-" + COUNT.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });

    private CallbackThreads() {
    }
}
