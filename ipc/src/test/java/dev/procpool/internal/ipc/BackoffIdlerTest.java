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

        long elapsedNs = timeIdles(idler, 1000);

        assertFalse(idler.isParking());
        assertTrue(elapsedNs < TimeUnit.SECONDS.toNanos(1), () -> "1000 spins took " + elapsedNs + " ns");
    }

    @Test
    void yieldPhase_idleReturnsAtOnce_notParking() {
        BackoffIdler idler = new BackoffIdler(0, HOUR_NS, HOUR_NS, HOUR_NS);

        long elapsedNs = timeIdles(idler, 1000);

        assertFalse(idler.isParking());
        assertTrue(elapsedNs < TimeUnit.SECONDS.toNanos(1), () -> "1000 yields took " + elapsedNs + " ns");
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
        BackoffIdler idler = new BackoffIdler(0, 0, ms(20), ms(40));

        long firstNs = timeIdles(idler, 1);
        long secondNs = timeIdles(idler, 1);
        long nextThreeNs = timeIdles(idler, 3);

        assertTrue(idler.isParking());
        assertTrue(firstNs >= ms(20), () -> "first park " + firstNs + " ns");
        assertTrue(secondNs >= ms(40), () -> "second park " + secondNs + " ns");
        assertTrue(nextThreeNs >= ms(120), () -> "next three parks " + nextThreeNs + " ns");
        // doubling without the bound would take 80 + 160 + 320 ms
        assertTrue(nextThreeNs < ms(450), () -> "next three parks " + nextThreeNs + " ns: not bounded by 40 ms");
    }

    @Test
    void reset_endsParking_andRestartsAtShortestPark() {
        BackoffIdler idler = new BackoffIdler(0, 0, ms(50), ms(1000));
        timeIdles(idler, 3); // 50 + 100 + 200 ms; the next would be 400 ms

        idler.reset();

        assertFalse(idler.isParking());
        long afterResetNs = timeIdles(idler, 1);
        assertTrue(afterResetNs >= ms(50), () -> "park after reset " + afterResetNs + " ns");
        assertTrue(afterResetNs < ms(300), () -> "park after reset " + afterResetNs + " ns: not back to 50 ms");
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
