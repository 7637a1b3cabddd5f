package dev.procpool.it.observability;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.WorkerIdTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SLF4J MDC of the pool's threads holds {@code procpool.workerId} and {@code procpool.taskId} while they
 * call the listener (and log) about a worker or a task, and neither afterwards. Read with the tests' real
 * binding, slf4j-simple, whose MDC is SLF4J's basic adapter.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class PoolMdcTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void listenerCalls_aboutAWorkerOrATask_seeTheirIdsInTheMdc() throws Exception {
        // each call recorded with the MDC ids the listener saw: "method id[ detail] worker=<id> task=<id>"
        RecordingListener listener = new RecordingListener(
                () -> " worker=" + MDC.get("procpool.workerId") + " task=" + MDC.get("procpool.taskId"));
        int workerId;
        try (ProcessPoolExecutor pool = Pools.quiet(1).listener(listener).spareWorkers(0).build()) {
            Future<Integer> future = pool.submit(new WorkerIdTask());
            workerId = future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            await("the completion to reach the listener").atMost(BOUND)
                    .until(() -> listener.calls.stream().anyMatch(s -> s.startsWith("taskCompleted")));
        }
        await("the worker's exit to reach the listener").atMost(BOUND)
                .until(() -> listener.calls.stream().anyMatch(s -> s.startsWith("workerExited")));

        String submitted = listener.calls.stream().filter(s -> s.startsWith("taskSubmitted")).findFirst().orElseThrow();
        long taskId = Long.parseLong(submitted.split(" ")[1]);
        assertTrue(listener.calls.contains("workerReady " + workerId + " worker=" + workerId + " task=null"), listener.calls.toString());
        assertTrue(listener.calls.contains("taskSubmitted " + taskId + " worker=null task=" + taskId), listener.calls.toString());
        assertTrue(listener.calls.contains("taskStarted " + taskId + " worker=" + workerId + " task=" + taskId),
                listener.calls.toString());
        // after taskStarted set the worker's id on the same thread: gone again, so each call sees only its own
        assertTrue(listener.calls.contains("taskCompleted " + taskId + " worker=null task=" + taskId), listener.calls.toString());
        assertTrue(listener.calls.contains("workerExited " + workerId + " RETIRED worker=" + workerId + " task=null"), listener.calls.toString());
    }
}
