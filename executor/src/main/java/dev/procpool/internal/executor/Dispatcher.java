package dev.procpool.internal.executor;

import dev.procpool.TaskSerializationException;
import dev.procpool.internal.ipc.ChannelBrokenException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The line of tasks waiting for a worker, and how they are handed out: to the least loaded worker, up to
 * {@link #DEPTH} ahead of its answers; an idle worker takes back a task sent ahead to a busy one; a task whose
 * worker is gone goes back to the front of the line. Every method is called on the scheduler thread.
 */
final class Dispatcher {
    /**
     * Tasks sent to a worker ahead of its answers, so that a worker finishing a short task finds the next one
     * in its queue. A task sent ahead is not started: an idle worker takes it back (see {@link #steal}), and a
     * worker's death or retirement puts it back in line.
     */
    static final int DEPTH = 16;

    private final ArrayDeque<TaskFuture<?>> pending = new ArrayDeque<>();
    private final TimeLimits timeLimits;
    private final PoolEvents events;

    Dispatcher(TimeLimits timeLimits, PoolEvents events) {
        this.timeLimits = timeLimits;
        this.events = events;
    }

    void add(TaskFuture<?> future) {
        pending.add(future);
    }

    /** Puts a task back at the front of the line: it was waiting before anything still in line. */
    void requeue(TaskFuture<?> future) {
        if (future.isDone()) {
            future.releaseTask();
        } else {
            // the worker asked to give it back (work stealing) is gone without answering: it may be asked again
            future.stealing = false;
            pending.addFirst(future);
        }
    }

    /** Tasks a gone worker had not finished go back to the front of the line, in their order. */
    void requeueAll(WorkerHandle worker) {
        TaskFuture<?> future;
        while ((future = worker.removeNewest()) != null) {
            requeue(future);
        }
    }

    int waiting() {
        return pending.size();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Hands waiting tasks to workers, then balances the workers' queues; returns how many tasks were sent. */
    int doWork(List<WorkerHandle> workers, long maxTasksPerWorker) {
        int sent = 0;
        while (!pending.isEmpty()) {
            TaskFuture<?> next = pending.peek();
            if (next.isDone()) { // cancelled while waiting
                pending.poll().releaseTask();
                continue;
            }
            WorkerHandle worker = choose(workers, maxTasksPerWorker);
            if (worker == null) {
                return sent;
            }
            pending.poll();
            try {
                worker.send(next);
                next.jfr = JfrEvents.taskSent(next, worker);
                events.taskStarted(next, worker);
                sent++;
            } catch (ChannelBrokenException e) {
                // the worker's queue, not the task, is at fault: the task waits for another worker
                pending.addFirst(next);
                worker.channelFault("its tasks queue can no longer be written (" + e.getMessage() + ")", false);
            } catch (IOException | RuntimeException e) {
                next.releaseTask();
                next.fail(new TaskSerializationException("could not hand " + next + " to " + worker + ": " + e, e));
            }
        }
        steal(workers);
        return sent;
    }

    /**
     * The worker to send the next task to: the least loaded of those accepting tasks that have room within
     * {@link #DEPTH} and have not been sent {@code maxTasksPerWorker} tasks (they retire after that many; 0
     * for no limit). Null when none can take it. The first of equally loaded workers wins.
     */
    static WorkerHandle choose(List<WorkerHandle> workers, long maxTasksPerWorker) {
        WorkerHandle best = null;
        for (WorkerHandle worker : workers) {
            if (worker.accepting() && worker.load() < DEPTH
                    && (maxTasksPerWorker <= 0 || worker.tasksSent < maxTasksPerWorker)
                    && (best == null || worker.load() < best.load())) {
                best = worker;
            }
        }
        return best;
    }

    /**
     * Nothing waits, yet a worker is idle while another has tasks queued behind the one it runs (sent ahead
     * while tasks were short): ask the busy worker to give back its last unstarted task, never interrupting it.
     */
    private static void steal(List<WorkerHandle> workers) {
        int idle = 0;
        for (WorkerHandle worker : workers) {
            if (worker.accepting() && worker.isIdle()) {
                idle++;
            }
        }
        for (int i = 0; i < workers.size() && idle > 0; i++) {
            if (workers.get(i).askBackLastUnstarted()) {
                idle--;
            }
        }
    }

    /** A task taken back from a worker: back in line if it was taken back to balance load, else freed. */
    void takenBack(TaskFuture<?> future) {
        if (!future.isDone()) {
            future.stealing = false;
            pending.addFirst(future);
        } else {
            future.releaseTask();
        }
    }

    /**
     * A user cancelled a task: forget it if it waits, else tell its worker to skip it if not started, or to
     * interrupt it if asked to.
     */
    void cancelled(TaskFuture<?> future, boolean mayInterruptIfRunning, List<WorkerHandle> workers) {
        for (WorkerHandle worker : workers) {
            if (worker.holds(future)) {
                if (worker.runningTask() != future.id()) {
                    worker.process.send(new dev.procpool.internal.ipc.Message.CancelTask(future.id(), mayInterruptIfRunning));
                } else if (mayInterruptIfRunning) {
                    timeLimits.interrupt(worker, future, true);
                }
                return;
            }
        }
        if (pending.remove(future)) {
            future.releaseTask();
        }
    }

    /** Fails every waiting task with {@code failure}: the pool cannot start workers for them. */
    void failAll(Throwable failure) {
        TaskFuture<?> future;
        while ((future = pending.poll()) != null) {
            future.releaseTask();
            future.fail(failure);
        }
    }

    /** Cancels every waiting task ({@code shutdownNow}); adds those it cancelled to {@code notStarted}. */
    void cancelAll(List<Runnable> notStarted) {
        TaskFuture<?> future;
        while ((future = pending.poll()) != null) {
            if (future.cancelQuietly()) {
                notStarted.add(future);
            }
            future.releaseTask();
        }
    }
}
