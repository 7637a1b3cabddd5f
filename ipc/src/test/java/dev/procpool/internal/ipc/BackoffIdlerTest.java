package dev.procpool.internal.ipc;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The idle phases: spin, then yield, then park for a period that doubles up to a bound. Durations are asserted
 * as lower bounds (a park never ends early unless unparked) and upper bounds with wide margins.
 */
class BackoffIdlerTest {
    private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);

    @Test
    void newIdler_isNotParking() {
        assertFalse(BackoffIdler.standard().isParking());
    }

    @Test
    void spinPhase_idleReturnsAtOnce_notParking() {
        BackoffIdler idler = new BackoffIdler(HOUR_NS, HOUR_NS, HOUR_NS, HOUR_NS);

        long elapsedNs = timeIdles(idler, 100);

        assertFalse(idler.isParking());
        // a park would last an hour; the bound only has to tell the two apart on a busy machine
        assertTrue(elapsedNs < TimeUnit.SECONDS.toNanos(10), () -> "100 spins took " + elapsedNs + " ns");
    }

    @Test
    void yieldPhase_idleReturnsAtOnce_notParking() {
        BackoffIdler idler = new BackoffIdler(0, HOUR_NS, HOUR_NS, HOUR_NS);

        long elapsedNs = timeIdles(idler, 100);

        assertFalse(idler.isParking());
        assertTrue(elapsedNs < TimeUnit.SECONDS.toNanos(10), () -> "100 yields took " + elapsedNs + " ns");
    }

    @Test
    void spinAndYieldOver_idleParks() {
        BackoffIdler idler = new BackoffIdler(ms(20), ms(60), ms(1), ms(1));
        long start = System.nanoTime();

        await("the parking phase").atMost(Duration.ofSeconds(2)).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    idler.idle();
                    return idler.isParking();
                });

        assertTrue(System.nanoTime() - start >= ms(60), "not before the yield phase ended");
    }

    @Test
    void parking_periodDoublesUpToBound() {
        BackoffIdler idler = new BackoffIdler(0, 0, ms(50), ms(100));

        long firstNs = timeIdles(idler, 1);
        long secondNs = timeIdles(idler, 1);
        long nextThreeNs = timeIdles(idler, 3);

        assertTrue(idler.isParking());
        assertTrue(firstNs >= ms(50), () -> "first park " + firstNs + " ns");
        assertTrue(secondNs >= ms(100), () -> "second park " + secondNs + " ns");
        assertTrue(nextThreeNs >= ms(300), () -> "next three parks " + nextThreeNs + " ns");
        // doubling without the bound would take 200 + 400 + 800 ms
        assertTrue(nextThreeNs < ms(1000), () -> "next three parks " + nextThreeNs + " ns: not bounded by 100 ms");
    }

    @Test
    void reset_endsParking_andRestartsAtShortestPark() {
        BackoffIdler idler = new BackoffIdler(0, 0, ms(100), ms(10_000));
        timeIdles(idler, 3); // 100 + 200 + 400 ms; the next would be 800 ms

        idler.reset();

        assertFalse(idler.isParking());
        long afterResetNs = timeIdles(idler, 1);
        assertTrue(afterResetNs >= ms(100), () -> "park after reset " + afterResetNs + " ns");
        assertTrue(afterResetNs < ms(600), () -> "park after reset " + afterResetNs + " ns: not back to 100 ms");
    }

    @Test
    void parkedThread_unparked_wakesEarly() {
        BackoffIdler idler = new BackoffIdler(0, 0, TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(30));
        Thread poller = new Thread(idler::idle, "parked-poller");
        poller.start();
        await("the poller parks").atMost(Duration.ofSeconds(2)).until(() -> poller.getState() == Thread.State.TIMED_WAITING);

        LockSupport.unpark(poller);

        await("the poller wakes").atMost(Duration.ofSeconds(2)).until(() -> !poller.isAlive());
    }

    private static long timeIdles(BackoffIdler idler, int times) {
        long start = System.nanoTime();
        for (int i = 0; i < times; i++) {
            idler.idle();
        }
        return System.nanoTime() - start;
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
