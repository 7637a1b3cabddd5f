package dev.procpool;

import org.slf4j.Logger;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A batch's counters, and the thread that reports them to its listener: every {@link #PERIOD_NS} while the batch
 * runs, then once more, marked last, when it ends. The counters are bumped by the batch's consuming thread; the
 * listener runs on a {@link CallbackThreads} thread, never on the scheduler's or the consumer's.
 */
final class ProgressReporter {
    private static final Logger LOG = dev.procpool.internal.executor.PoolLog.LOG;
    static final long PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Consumer<BatchProgress> listener;
    private final OptionalLong total;
    private final long startNs = System.nanoTime();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Thread thread;
    private boolean listenerFailed;

    /** {@code listener}: null for counters only. */
    ProgressReporter(Consumer<BatchProgress> listener, OptionalLong total) {
        this.listener = listener;
        this.total = total;
    }

    void start() {
        if (listener != null) {
            CallbackThreads.EXECUTOR.execute(this::run);
        }
    }

    void submitted(int inputs) {
        submitted.addAndGet(inputs);
    }

    /** {@code inputs} more inputs have their outcomes, {@code failures} of them failed. */
    void completed(int inputs, int failures) {
        completed.addAndGet(inputs); // before failed: a snapshot reads failed first, so it never sees more failed
        if (failures > 0) {
            failed.addAndGet(failures);
        }
    }

    /** The batch has ended, or its stream was closed: the last report goes out. Idempotent. */
    void finish() {
        if (finished.compareAndSet(false, true)) {
            LockSupport.unpark(thread);
        }
    }

    BatchProgress snapshot(boolean last) {
        long failedNow = failed.get(); // read before completed, so that failed <= completed
        return new BatchProgress(completed.get(), failedNow, submitted.get(), total, System.nanoTime() - startNs, last);
    }

    private void run() {
        thread = Thread.currentThread();
        long next = System.nanoTime() + PERIOD_NS;
        while (!finished.get()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            report(snapshot(false));
            next = System.nanoTime() + PERIOD_NS;
        }
        report(snapshot(true));
        thread = null;
    }

    private void report(BatchProgress progress) {
        try {
            listener.accept(progress);
        } catch (RuntimeException | Error e) {
            if (!listenerFailed) { // once: a broken listener must not flood the log ten times a second
                listenerFailed = true;
                LOG.warn("procpool: a batch progress listener threw; the batch goes on", e);
            }
        }
    }
}
