package dev.procpool.it;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/** Kills this JVM's worker processes at random, starting ones included, as the OOM killer might. */
final class Chaos {
    static final long KILL_PERIOD_MS = 200;

    private Chaos() {
    }

    /**
     * Starts a thread that, every {@link #KILL_PERIOD_MS} ms until {@code stop}, kills (kill -9) one worker JVM
     * chosen at random among those alive, whether it is starting or serving; counts kills in {@code kills}. A
     * kill waits until {@code progress} (tasks ended) has moved since the previous one: on a busy machine a
     * worker takes longer than a period to start, and kills faster than the pool can replace workers would
     * test nothing but patience.
     */
    static Thread killer(Random random, AtomicBoolean stop, AtomicInteger kills, LongSupplier progress) {
        Thread thread = new Thread(() -> {
            long progressAtLastKill = -1;
            while (!stop.get()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(KILL_PERIOD_MS));
                long now = progress.getAsLong();
                List<ProcessHandle> workers = workerProcesses();
                if (!workers.isEmpty() && !stop.get() && now > progressAtLastKill) {
                    if (workers.get(random.nextInt(workers.size())).destroyForcibly()) {
                        kills.incrementAndGet();
                        progressAtLastKill = now;
                    }
                }
            }
        }, "chaos-killer");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** This JVM's worker JVMs alive now. */
    static List<ProcessHandle> workerProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("dev.procpool.internal.worker.WorkerMain"))
                .toList();
    }
}
