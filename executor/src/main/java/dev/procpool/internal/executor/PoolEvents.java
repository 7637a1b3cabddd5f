package dev.procpool.internal.executor;

import dev.procpool.PoolListener;
import dev.procpool.PoolListener.Task;
import dev.procpool.PoolListener.Worker;
import dev.procpool.PoolListener.WorkerExit;
import dev.procpool.PoolStats;
import dev.procpool.WorkerCrashedException;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static dev.procpool.internal.executor.PoolLog.LOG;

/**
 * What the pool tells the outside: the counters and worker figures behind {@code stats()} and JMX, and the
 * user's {@link PoolListener}, called in order on a thread of its own ({@code procpool-events}) through a
 * bounded queue, so that a slow or failing listener never holds up the pool; each call sees the worker's and the
 * task's ids in the SLF4J MDC ({@link PoolMdc}). The task methods are called on
 * whichever thread ends a task (the scheduler's, or a canceller's); the rest on the scheduler thread.
 */
final class PoolEvents {
    /** Events a listener may fall behind by before further ones are dropped. */
    static final int MAX_PENDING_EVENTS = 10_000;
    /** While events keep coming, the events thread looks for more this often, without being woken for each. */
    private static final long BUSY_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Empty looks in a row after which the events thread asks to be woken, and how long it then sleeps at most. */
    private static final int BUSY_LOOKS = 10;
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PoolListener listener;
    private final ConcurrentLinkedQueue<Runnable> pending;
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final Thread thread;
    /** The events thread sleeps until woken: the next event must unpark it. */
    private volatile boolean sleeping;
    private final long createdNs = System.nanoTime();
    private final Set<String> failedMethods = ConcurrentHashMap.newKeySet();
    private volatile boolean dropReported;
    private volatile boolean closed;

    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    // written by the scheduler thread only
    private volatile long crashes;
    private volatile long workersStarted;
    private volatile long restarts;
    private volatile boolean aWorkerExited;
    private volatile int starting;
    private volatile int idle;
    private volatile int busy;
    private volatile int spares;
    private volatile int leaving;
    private volatile int queued;
    private volatile int running;

    /** {@code listener}: the user's, or null for none. */
    PoolEvents(PoolListener listener) {
        this.listener = listener;
        this.pending = listener == null ? null : new ConcurrentLinkedQueue<>();
        this.thread = listener == null ? null : new Thread(this::deliver, "procpool-events");
        if (thread != null) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    // ---------------------------------------------------------------- tasks

    void taskSubmitted(TaskFuture<?> task) {
        tell("taskSubmitted", PoolMdc.NONE, task.id(), l -> l.taskSubmitted(info(task)));
    }

    void taskStarted(TaskFuture<?> task, WorkerHandle worker) {
        tell("taskStarted", worker.id, task.id(), l -> l.taskStarted(info(task), info(worker)));
    }

    void countCompleted(int n) {
        completed.add(n);
    }

    void countFailed(int n) {
        failed.add(n);
    }

    void taskCompleted(TaskFuture<?> task) {
        tell("taskCompleted", PoolMdc.NONE, task.id(), l -> l.taskCompleted(info(task)));
    }

    void taskFailed(TaskFuture<?> task, Throwable failure) {
        tell("taskFailed", PoolMdc.NONE, task.id(), l -> l.taskFailed(info(task), failure));
    }

    void taskCancelled(TaskFuture<?> task) {
        cancelled.increment();
    }

    void taskRetried(TaskFuture<?> task, WorkerCrashedException crash) {
        tell("taskRetried", crash.workerId(), task.id(), l -> l.taskRetried(info(task), crash));
    }

    // ---------------------------------------------------------------- workers

    void workerStarted(WorkerHandle worker) {
        workersStarted++;
        if (aWorkerExited) {
            restarts++;
        }
        tell("workerStarted", worker.id, 0, l -> l.workerStarted(info(worker)));
    }

    void workerReady(WorkerHandle worker, Duration startTime) {
        tell("workerReady", worker.id, 0, l -> l.workerReady(info(worker), startTime));
    }

    void workerExited(WorkerHandle worker, WorkerExit exit) {
        aWorkerExited = true;
        if (exit.kind() == WorkerExit.Kind.CRASHED) {
            crashes++;
        }
        JfrEvents.workerExited(worker, exit.exitCode(), exit.kind().name(), exit.reason());
        tell("workerExited", worker.id, 0, l -> l.workerExited(info(worker), exit));
    }

    /** The scheduler's figures after one pass: workers by state, tasks waiting and in flight. */
    void publish(Iterable<WorkerHandle> workers, int waiting) {
        int s = 0;
        int i = 0;
        int b = 0;
        int sp = 0;
        int l = 0;
        int r = 0;
        for (WorkerHandle worker : workers) {
            WorkerStatus status = worker.status();
            r += worker.load();
            if (status.isLeaving()) {
                l++;
            } else if (!status.is(WorkerStatus.Phase.READY)) {
                s++;
            } else if (worker.spare) {
                sp++;
            } else if (worker.isIdle()) {
                i++;
            } else {
                b++;
            }
        }
        starting = s;
        idle = i;
        busy = b;
        spares = sp;
        leaving = l;
        running = r;
        queued = waiting;
    }

    PoolStats stats(int workers) {
        return new PoolStats(workers, starting, idle, busy, spares, leaving, queued, running, completed.sum(),
                failed.sum(), cancelled.sum(), crashes, workersStarted, restarts, dropped.sum(),
                Duration.ofNanos(System.nanoTime() - createdNs));
    }

    // ---------------------------------------------------------------- delivery

    /** Queues a listener call, to be made with the worker's and the task's ids (if known) in the MDC. */
    private void tell(String method, int workerId, long taskId, Consumer<PoolListener> call) {
        if (listener == null) {
            return;
        }
        if (pendingCount.incrementAndGet() <= MAX_PENDING_EVENTS) {
            pending.offer(() -> call(method, workerId, taskId, call));
            if (sleeping) {
                LockSupport.unpark(thread);
            }
        } else {
            pendingCount.decrementAndGet();
            dropped.increment();
            if (!dropReported) {
                dropReported = true;
                LOG.warn("procpool: the pool's listener ({}) fell {} events behind; events are dropped until it"
                        + " catches up (PoolStats.droppedEvents counts them)", listener, MAX_PENDING_EVENTS);
            }
        }
    }

    private void call(String method, int workerId, long taskId, Consumer<PoolListener> call) {
        try (PoolMdc ids = PoolMdc.of(workerId, taskId)) {
            try {
                call.accept(listener);
            } catch (RuntimeException | Error e) {
                if (failedMethods.add(method)) {
                    LOG.warn("procpool: the pool's listener ({}) threw from {}; the pool carries on (logged once"
                            + " per method)", listener, method, e);
                }
            }
        }
    }

    /** The pool has terminated: the events thread ends once it has delivered what is queued. */
    void close() {
        closed = true;
    }

    /**
     * The events thread. While events keep coming it looks for them every {@link #BUSY_PARK_NS} instead of being
     * woken for each one: a wake-up per event cost the scheduler (and a busy 2-core machine) more than the
     * listener itself, several times a trivial task's round trip (PoolObserversBench). After
     * {@link #BUSY_LOOKS} empty looks it sleeps until the next event wakes it.
     */
    private void deliver() {
        int emptyLooks = 0;
        while (!Thread.currentThread().isInterrupted()) {
            Runnable next = pending.poll();
            if (next != null) {
                pendingCount.decrementAndGet();
                next.run();
                emptyLooks = 0;
            } else if (closed) {
                return;
            } else if (emptyLooks < BUSY_LOOKS) {
                emptyLooks++;
                LockSupport.parkNanos(this, BUSY_PARK_NS);
            } else {
                sleeping = true; // then look once more: an event queued before this write finds no sleeper to wake
                if (pending.isEmpty() && !closed) {
                    LockSupport.parkNanos(this, IDLE_PARK_NS);
                }
                sleeping = false;
            }
        }
    }

    private static Task info(TaskFuture<?> task) {
        return new Task(task.id(), task.description());
    }

    private static Worker info(WorkerHandle worker) {
        return new Worker(worker.id, worker.pid());
    }
}
