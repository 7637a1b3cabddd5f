package dev.procpool.internal.ipc;

import java.util.concurrent.locks.LockSupport;

/**
 * What a polling thread does when it found no work: spin (if asked to), then yield, then park for a period that
 * doubles up to a bound. Chronicle's own pausers silently turn into sleeping ones on machines with fewer than
 * four CPUs, so procpool uses this one everywhere. A parked thread can be woken early with
 * {@link LockSupport#unpark(Thread)}. Not thread-safe: one instance per polling thread.
 */
public final class BackoffIdler {
    private final long spinNs;
    private final long yieldNs;
    private final long minParkNs;
    private final long maxParkNs;

    private long idleSinceNs;
    private long parkNs;

    public BackoffIdler(long spinNs, long yieldNs, long minParkNs, long maxParkNs) {
        this.spinNs = spinNs;
        this.yieldNs = yieldNs;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        reset();
    }

    /**
     * The measured default: no spin, yield to 1 ms, park 50 µs doubling to 1 ms. A round trip involves three
     * threads (the caller, the scheduler, the worker); on two cores a spinning thread holds the core the woken
     * one needs. With a 50 µs spin the benchmark's round trip took 37-62 µs each way; yielding at once took
     * 8-12 µs each way. A yield costs next to nothing when a core is free, so spinning gains nothing anyway.
     */
    public static BackoffIdler standard() {
        return new BackoffIdler(0, 1_000_000, 50_000, 1_000_000);
    }

    /** Call after a poll that found work. */
    public void reset() {
        idleSinceNs = 0;
        parkNs = minParkNs;
    }

    /** Call after a poll that found nothing. */
    public void idle() {
        long now = System.nanoTime();
        if (idleSinceNs == 0) {
            idleSinceNs = now;
        }
        long idleNs = now - idleSinceNs;
        if (idleNs < spinNs) {
            Thread.onSpinWait();
        } else if (idleNs < yieldNs) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(this, parkNs);
            parkNs = Math.min(parkNs * 2, maxParkNs);
        }
    }

    /** True once the spin and yield phases are over and the thread parks between polls. */
    public boolean isParking() {
        return idleSinceNs != 0 && System.nanoTime() - idleSinceNs >= yieldNs;
    }
}
