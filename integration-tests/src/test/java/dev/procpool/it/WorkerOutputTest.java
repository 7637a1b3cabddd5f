package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerOutput;
import dev.procpool.it.fixtures.PidTask;
import dev.procpool.it.fixtures.PrintingTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.valueOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Lines workers print reach the parent, prefixed with the worker's id, where {@link WorkerOutput} says. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class WorkerOutputTest {
    private PrintStream originalOut;
    private PrintStream originalErr;
    private final ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();

    @BeforeEach
    void captureParentStreams() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(ConsoleCopy.tee(originalOut, capturedOut));
        System.setErr(ConsoleCopy.tee(originalErr, capturedErr));
    }

    @AfterEach
    void restoreParentStreams() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void parentStreams_workerLinesArrivePrefixedWithWorkerId() throws Exception {
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.PARENT_STREAMS).build()) {
            int workerId = valueOf(pool.submit(new PrintingTask("hello on stdout", "hello on stderr")));

            await().atMost(WORKER_BOUND).until(() -> ConsoleCopy.text(capturedOut).contains("[procpool-worker-" + workerId + "] hello on stdout"));
            await().atMost(WORKER_BOUND).until(() -> ConsoleCopy.text(capturedErr).contains("[procpool-worker-" + workerId + "] hello on stderr"));
            assertFalse(ConsoleCopy.text(capturedOut).contains("hello on stderr"), "stderr lines stay on stderr");
        }
    }

    /**
     * A pool closed right after its first result tells its worker to go while the worker opens its queues (a
     * single worker opens them as soon as it is up, and that takes a few hundred milliseconds): the exit must not
     * surface as Chronicle failing to register its shutdown hook during the shutdown, printed on the way out.
     */
    @Test
    void closedRightAfterItsFirstResult_theWorkerPrintsNothing() throws Exception {
        for (int i = 0; i < 10; i++) {
            try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.PARENT_STREAMS).build()) {
                valueOf(pool.submit(new PidTask()));
            }
        }
        String printed = ConsoleCopy.text(capturedErr) + ConsoleCopy.text(capturedOut);
        assertFalse(printed.contains("[procpool-worker-"), () -> "the workers printed on their way out:\n" + printed);
    }

    @Test
    void logger_workerLinesGoToTheWorkersLogger() throws Exception {
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.LOGGER).build()) {
            int workerId = valueOf(pool.submit(new PrintingTask("logged from stdout", "logged from stderr")));

            // slf4j-simple writes every level to System.err: "<LEVEL> <logger> - <message>"
            await().atMost(WORKER_BOUND).until(() -> ConsoleCopy.text(capturedErr).contains("INFO dev.procpool.worker." + workerId + " - logged from stdout"));
            await().atMost(WORKER_BOUND).until(() -> ConsoleCopy.text(capturedErr).contains("WARN dev.procpool.worker." + workerId + " - logged from stderr"));
        }
    }

    @Test
    void discard_workerLinesGoNowhere() throws Exception {
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.DISCARD).build()) {
            valueOf(pool.submit(new PrintingTask("discarded from stdout", "discarded from stderr")));
            valueOf(pool.submit(new PrintingTask("sentinel", "sentinel"))); // later lines: the first ones had time to arrive
        }
        assertFalse(ConsoleCopy.text(capturedOut).contains("discarded from stdout"));
        assertFalse(ConsoleCopy.text(capturedErr).contains("discarded from stderr"));
    }
}
