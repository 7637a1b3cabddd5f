package dev.procpool.it.observability;

import dev.procpool.PoolListener;
import dev.procpool.WorkerCrashedException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Records each call as one line, "method id[ detail][context]", in the order the pool made them; the context is
 * what the supplier given says on the calling thread at the time (empty by default).
 */
final class RecordingListener implements PoolListener {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    final List<WorkerExit> exits = new CopyOnWriteArrayList<>();
    private final Supplier<String> context;

    RecordingListener() {
        this(() -> "");
    }

    RecordingListener(Supplier<String> context) {
        this.context = context;
    }

    private void record(String line) {
        threads.add(Thread.currentThread());
        calls.add(line + context.get());
    }

    long count(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }

    @Override
    public void workerStarted(Worker worker) {
        record("workerStarted " + worker.id());
    }

    @Override
    public void workerReady(Worker worker, Duration startTime) {
        record("workerReady " + worker.id());
    }

    @Override
    public void workerExited(Worker worker, WorkerExit exit) {
        exits.add(exit);
        record("workerExited " + worker.id() + " " + exit.kind());
    }

    @Override
    public void taskSubmitted(Task task) {
        record("taskSubmitted " + task.id());
    }

    @Override
    public void taskStarted(Task task, Worker worker) {
        record("taskStarted " + task.id());
    }

    @Override
    public void taskCompleted(Task task) {
        record("taskCompleted " + task.id());
    }

    @Override
    public void taskFailed(Task task, Throwable failure) {
        record("taskFailed " + task.id() + " " + failure.getClass().getSimpleName());
    }

    @Override
    public void taskRetried(Task task, WorkerCrashedException crash) {
        record("taskRetried " + task.id() + " " + crash.exitCode());
    }
}
