package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.TaskOptions;
import dev.procpool.TaskTimeoutException;
import dev.procpool.it.fixtures.LaneEchoTask;
import dev.procpool.it.fixtures.LaneProbeTask;
import dev.procpool.it.fixtures.RingWantedTask;
import dev.procpool.it.fixtures.SleepingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new worker serves its first tasks over the start-up lane while both sides open their queues, then switches
 * to the queues. Tasks submitted at once, before the worker is up, are sent across that switch: each must run
 * once and be answered, the ones before it over the lane and the ones after it over the queues.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(300)
class StartupLaneTest {
    @TempDir
    Path marks;

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows before 10 1803 has no Unix-domain sockets: no lane")
    void tasksSubmittedBeforeTheWorkerIsUp_crossTheSwitch_eachRunsOnceAndAnswers() throws Exception {
        int tasks = 1_500; // 1 ms each: longer than a worker takes to open its queues, even on a loaded machine
        List<String> answers = new ArrayList<>();
        try (ProcessPoolExecutor pool = Pools.quietPool(1).retries(0).build()) {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                futures.add(pool.submit(new LaneProbeTask(marks, i, 1)));
            }
            for (Future<String> future : futures) {
                answers.add(future.get(Pools.WORKER_BOUND.toSeconds() * 4, TimeUnit.SECONDS));
            }
        }
        for (int i = 0; i < tasks; i++) {
            assertEquals(i, Integer.parseInt(answers.get(i).split(" ")[0]), "answers in the order of the tasks");
        }
        try (Stream<Path> started = Files.list(marks)) {
            assertEquals(tasks, started.count(), "every task started once");
        }
        assertEquals(" lane", answers.get(0).substring(answers.get(0).indexOf(' ')), "the first task went over the lane");
        int firstOnQueue = answers.indexOf(answers.stream().filter(a -> a.endsWith(" queue")).findFirst().orElse(null));
        assertTrue(firstOnQueue > 0, "later tasks went over the queues: " + answers.get(tasks - 1));
        assertTrue(answers.subList(firstOnQueue, tasks).stream().allMatch(a -> a.endsWith(" queue")),
                "once on the queues, the worker stays there");
    }

    /**
     * A payload too long for the lane's length field (over 2 GiB; here the bound is lowered to 64 KiB through an
     * internal switch, on both sides) travels as a file named on the lane, task and result alike, and arrives whole.
     * Before, such a task failed when it happened to be sent while its worker was still on its lane.
     */
    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows before 10 1803 has no Unix-domain sockets: no lane")
    void payloadsOverTheLanesInlineBound_travelAsFiles_bothWays() throws Exception {
        String property = "procpool.internal.laneInlineMaxBytes";
        byte[] data = new byte[200_000];
        new Random(13).nextBytes(data);
        Object[] answer;
        System.setProperty(property, "65536");
        try (ProcessPoolExecutor pool = Pools.quietPool(1).retries(0).jvmOptions(List.of("-D" + property + "=65536"))
                .build()) {
            answer = pool.submit(new LaneEchoTask(data)).get(Pools.WORKER_BOUND.toSeconds() * 2, TimeUnit.SECONDS);
        } finally {
            System.clearProperty(property);
        }
        assertEquals("lane", answer[1], "the task went over the lane");
        assertArrayEquals(LaneEchoTask.twiceReversed(data), (byte[]) answer[0]);
    }

    /**
     * Once a worker is on its queues, its lane is its doorbell: while every worker computes, the scheduler asks
     * each to ring when it answers, and parks. Here its safety-net wake-up is ten minutes away, so only the ring
     * can bring the answer in time. Each task waits until the parent has asked for a ring, so the answer comes
     * while the parent is parked.
     */
    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows before 10 1803 has no Unix-domain sockets: no lane")
    void whileWorkersCompute_theSchedulerParks_andTheWorkersRingWhenTheyAnswer() throws Exception {
        String property = "procpool.internal.ringParkMaxMs";
        System.setProperty(property, Long.toString(TimeUnit.MINUTES.toMillis(10)));
        try (ProcessPoolExecutor pool = Pools.quietPool(1).retries(0).build()) {
            System.clearProperty(property);
            Pools.awaitQueuesInUse(pool);
            for (int i = 0; i < 3; i++) {
                assertTrue(Pools.valueOf(pool.submit(new RingWantedTask())), "the parent asked for a ring, task " + i);
            }
        } finally {
            System.clearProperty(property);
        }
    }

    /**
     * With time limits too, the scheduler sleeps while its worker computes, once it has seen the task start: it
     * parks until the limit ends. With its safety-net wake-up ten minutes away, a task over its limit of 500 ms
     * fails in time only if that deadline wakes the scheduler.
     */
    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows before 10 1803 has no Unix-domain sockets: no lane")
    void withTimeLimits_theSchedulerParksUntilTheFirstLimitEnds() throws Exception {
        String property = "procpool.internal.ringParkMaxMs";
        System.setProperty(property, Long.toString(TimeUnit.MINUTES.toMillis(10)));
        try (ProcessPoolExecutor pool = Pools.quietPool(1).retries(0).timeLimit(Duration.ofMinutes(10)).build()) {
            System.clearProperty(property);
            Pools.awaitQueuesInUse(pool);
            assertTrue(Pools.valueOf(pool.submit(new RingWantedTask())), "the parent asked for a ring under a limit");

            Future<Long> overLimit = pool.submit(new SleepingTask(TimeUnit.MINUTES.toMillis(1)),
                    TaskOptions.defaults().timeLimit(Duration.ofMillis(500)));
            assertInstanceOf(TaskTimeoutException.class, Pools.failureOf(overLimit));
        } finally {
            System.clearProperty(property);
        }
    }
}
