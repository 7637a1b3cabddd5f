package dev.procpool.internal.launcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Remembers which processes each live worker has started, so that they can be ended after the worker died by
 * itself ({@code kill -9}, {@code Runtime.halt}, a native crash): the OS then hands them to another parent and
 * {@link ProcessHandle#descendants()} of the dead worker no longer finds them. One daemon thread per JVM
 * looks every {@link #PERIOD_MS} ms while some worker runs a task (and for a second after), and every
 * {@link #IDLE_PERIOD_MS} ms while all are idle, with one scan of the process table (a few ms on a busy machine: 4 scans a second cost an idle
 * parent ~1 % of a core). A process started less than a period before its worker died is not seen; a
 * {@link ProcessHandle} carries its process's start time, so a pid the OS reuses is never ended by mistake.
 */
final class DescendantWatch {
    static final long PERIOD_MS = 250;
    static final long IDLE_PERIOD_MS = 2_000;

    private static final Set<WorkerProcess> WATCHED = ConcurrentHashMap.newKeySet();
    private static ScheduledExecutorService timer;
    private static ScheduledFuture<?> ticking;
    private static long lastScanNs;

    private DescendantWatch() {
    }

    static synchronized void watch(WorkerProcess worker) {
        WATCHED.add(worker);
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "procpool-descendant-watch");
                thread.setDaemon(true);
                return thread;
            });
        }
        if (ticking == null) {
            ticking = timer.scheduleWithFixedDelay(DescendantWatch::tick, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        }
    }

    static synchronized void forget(WorkerProcess worker) {
        WATCHED.remove(worker);
        if (WATCHED.isEmpty() && ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }

    private static void tick() {
        long now = System.nanoTime();
        boolean anyBusy = WATCHED.stream().anyMatch(worker -> worker.busyLately(now));
        if (!anyBusy && now - lastScanNs < TimeUnit.MILLISECONDS.toNanos(IDLE_PERIOD_MS)) {
            return;
        }
        lastScanNs = now;
        try {
            record(WATCHED, ProcessHandle.current().descendants().toList());
        } catch (RuntimeException e) {
            // a process that ends while it is being looked at; the next tick sees the rest
        }
    }

    /** Gives each process that is not a worker to the worker it descends from. */
    static void record(Set<WorkerProcess> workers, List<ProcessHandle> processes) {
        if (workers.isEmpty()) {
            return;
        }
        Map<Long, WorkerProcess> byPid = new HashMap<>();
        for (WorkerProcess worker : workers) {
            worker.forgetEndedProcesses();
            byPid.put(worker.pid(), worker);
        }
        for (ProcessHandle process : processes) {
            if (byPid.containsKey(process.pid())) {
                continue;
            }
            Optional<ProcessHandle> ancestor = process.parent();
            while (ancestor.isPresent() && !byPid.containsKey(ancestor.get().pid())) {
                ancestor = ancestor.get().parent();
            }
            ancestor.ifPresent(worker -> byPid.get(worker.pid()).startedProcess(process));
        }
    }
}
