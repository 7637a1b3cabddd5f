package dev.procpool.internal.launcher;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for background work with a bound, for a closing pool that must not leave it behind. Any thread. */
final class BoundedWait {
    private BoundedWait() {
    }

    /**
     * Waits for {@code future} until {@code deadlineNs} ({@link System#nanoTime()}) at most; how it ends does not
     * matter. False if this thread was interrupted meanwhile (its interrupt status is then clear).
     */
    static boolean until(Future<?> future, long deadlineNs) {
        try {
            future.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return false;
        } catch (ExecutionException | TimeoutException e) {
            // ended some other way, or still running: the caller goes on either way
        }
        return true;
    }
}
