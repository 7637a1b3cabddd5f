package dev.procpool.internal.executor;

import dev.procpool.SerializableCallable;
import dev.procpool.internal.executor.WorkerStatus.Leaving;
import dev.procpool.internal.executor.WorkerStatus.Phase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class DispatcherChoiceTest {
    private final Tasks tasks = new Tasks(new TaskLimits(0, 0));

    private static WorkerHandle ready(int id) {
        WorkerHandle worker = new WorkerHandle(id, Path.of("worker-" + id));
        worker.advance(Phase.READY);
        return worker;
    }

    private void load(WorkerHandle worker, int n) {
        for (int i = 0; i < n; i++) {
            worker.track(tasks.create((SerializableCallable<Integer>) () -> 1, null, false, null));
        }
    }

    @Test
    void leastLoadedReadyWorker_getsTheTask_firstOfEqualsWins() {
        WorkerHandle a = ready(1);
        WorkerHandle b = ready(2);
        WorkerHandle c = ready(3);
        load(a, 2);
        load(b, 1);
        load(c, 1);
        assertSame(b, Dispatcher.choose(List.of(a, b, c), 0));
    }

    @Test
    void startingLeavingAndSpareWorkers_getNoTasks() {
        WorkerHandle starting = new WorkerHandle(1, Path.of("w1"));
        starting.advance(Phase.STARTING);
        WorkerHandle leaving = ready(2);
        leaving.leave(Leaving.RETIRED, "resized");
        WorkerHandle spare = ready(3);
        spare.spare = true;
        assertNull(Dispatcher.choose(List.of(starting, leaving, spare), 0));
    }

    @Test
    void taskAskedBackFromAWorkerThatDied_canBeAskedBackAgainLater() {
        WorkerHandle gone = ready(1);
        load(gone, 2);
        TaskFuture<?> askedBack = gone.removeNewest();
        gone.track(askedBack);
        askedBack.stealing = true; // as askBackLastUnstarted leaves it until the worker answers
        Dispatcher dispatcher = new Dispatcher(new TimeLimits(() -> null), new PoolEvents(null));
        dispatcher.requeueAll(gone);
        assertEquals(2, dispatcher.waiting());
        assertFalse(askedBack.stealing, "a later worker may be asked to give it back too");
    }

    @Test
    void workerWithAFullQueue_getsNoMore() {
        WorkerHandle full = ready(1);
        load(full, Dispatcher.DEPTH);
        assertNull(Dispatcher.choose(List.of(full), 0));
        WorkerHandle other = ready(2);
        load(other, Dispatcher.DEPTH - 1);
        assertSame(other, Dispatcher.choose(List.of(full, other), 0));
    }

    @Test
    void workerThatWasSentItsMaxTasks_getsNoMore_itRetiresAfterThem() {
        WorkerHandle recycled = ready(1);
        load(recycled, 1);
        recycled.tasksSent = 3; // two of them answered already
        WorkerHandle busier = ready(2);
        load(busier, 2);
        assertSame(busier, Dispatcher.choose(List.of(recycled, busier), 3));
        assertSame(recycled, Dispatcher.choose(List.of(recycled, busier), 0), "0: no limit");
    }
}
