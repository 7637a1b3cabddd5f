package dev.procpool.it.observability;

import dev.procpool.PoolListener;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.WorkerIdTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** Records, for each call, the MDC ids the listener saw: "method worker=<id> task=<id>". */
    private static final class MdcListener implements PoolListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        private void record(String method) {
            seen.add(method + " worker=" + MDC.get("procpool.workerId") + " task=" + MDC.get("procpool.taskId"));
        }

        @Override
        public void workerReady(Worker worker, Duration startTime) {
            record("workerReady " + worker.id());
        }

        @Override
        public void taskSubmitted(Task task) {
            record("taskSubmitted " + task.id());
        }

        @Override
        public void taskStarted(Task task, Worker worker) {
            record("taskStarted " + task.id() + " on " + worker.id());
        }

        @Override
        public void taskCompleted(Task task) {
            record("taskCompleted " + task.id());
        }

        @Override
        public void workerExited(Worker worker, WorkerExit exit) {
            record("workerExited " + worker.id());
        }
    }

    @Test
    void listenerCalls_aboutAWorkerOrATask_seeTheirIdsInTheMdc() throws Exception {
        MdcListener listener = new MdcListener();
        int workerId;
        try (ProcessPoolExecutor pool = Pools.quiet(1).listener(listener).spareWorkers(0).build()) {
            Future<Integer> future = pool.submit(new WorkerIdTask());
            workerId = future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            await("the completion to reach the listener").atMost(BOUND)
                    .until(() -> listener.seen.stream().anyMatch(s -> s.startsWith("taskCompleted")));
        }
        await("the worker's exit to reach the listener").atMost(BOUND)
                .until(() -> listener.seen.stream().anyMatch(s -> s.startsWith("workerExited")));

        String submitted = listener.seen.stream().filter(s -> s.startsWith("taskSubmitted")).findFirst().orElseThrow();
        long taskId = Long.parseLong(submitted.split(" ")[1]);
        assertTrue(listener.seen.contains("workerReady " + workerId + " worker=" + workerId + " task=null"), listener.seen.toString());
        assertTrue(listener.seen.contains("taskSubmitted " + taskId + " worker=null task=" + taskId), listener.seen.toString());
        assertTrue(listener.seen.contains("taskStarted " + taskId + " on " + workerId + " worker=" + workerId + " task=" + taskId),
                listener.seen.toString());
        // after taskStarted set the worker's id on the same thread: gone again, so each call sees only its own
        assertTrue(listener.seen.contains("taskCompleted " + taskId + " worker=null task=" + taskId), listener.seen.toString());
        assertTrue(listener.seen.contains("workerExited " + workerId + " worker=" + workerId + " task=null"), listener.seen.toString());
    }
}
