package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.fixtures.PidTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Future;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A worker that is not scheduled for longer than the stall watch's bound (a machine so busy, or a pause so long,
 * that its JVM does not run) is slow, not stuck: it never looked at its queue, so it is kept, and the tasks sent
 * to it run there once it runs again. Killing it made a crash of nothing, and a task it had just started ran twice
 * (a journaled batch resumed after such a kill ran delivered inputs again). The worker is paused with SIGSTOP,
 * which only POSIX systems have.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class DescheduledWorkerTest {
    @Test
    void workerPausedLongerThanStallBound_isKeptAndRunsItsTask() throws Exception {
        assumeFalse(System.getProperty("os.name").startsWith("Windows"), "SIGSTOP");
        try (ProcessPoolExecutor pool = quietPool(1).retries(0).build()) {
            long pid = valueOf(pool.submit(new PidTask()));
            assertEquals(0, signal("STOP", pid), "kill -STOP " + pid);
            // kill returns once the signal is sent, not once every thread has stopped: a thread in a system call
            // (the worker opening its queues maps files) stops when it leaves it. In a suite run the paused worker
            // was still running, and answered the next task, 1.5 s after kill -STOP had returned
            await("the worker stopped").atMost(WORKER_BOUND).pollInterval(Duration.ofMillis(20))
                    .until(() -> isStopped(pid));
            Future<Long> waiting;
            try {
                waiting = pool.submit(new PidTask());
                // longer than the 5 s after which a worker that answers nothing while tasks wait is suspected
                await("the paused worker kept past the stall bound").during(Duration.ofSeconds(8))
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                Future<Long> sent = waiting;
                assertFalse(sent.isDone(), () -> "the task waits for its paused worker (pid " + pid + "), but it ended: "
                        + outcome(sent));
            } finally {
                signal("CONT", pid); // fails only if the worker is gone, which the assertion above reports
            }
            assertEquals(pid, valueOf(waiting), "the task ran on its worker once it ran again");
            assertEquals(pid, valueOf(pool.submit(new PidTask())), "the paused worker was not replaced");
        }
    }

    /** What a finished future holds, with the stack trace of a failure, for the assertion's message. */
    private static String outcome(Future<Long> done) {
        try {
            return "the value " + done.get();
        } catch (Exception e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return trace.toString();
        }
    }

    /** Whether the process is stopped, as ps reports it (state T on Linux and macOS). */
    private static boolean isStopped(long pid) throws IOException, InterruptedException {
        Process ps = new ProcessBuilder("ps", "-o", "stat=", "-p", Long.toString(pid)).redirectErrorStream(true).start();
        String state = new String(ps.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        return ps.waitFor() == 0 && state.startsWith("T");
    }

    /** Sends a signal with the kill command; its exit code, 0 when the process got it. */
    private static int signal(String name, long pid) throws IOException, InterruptedException {
        return new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
