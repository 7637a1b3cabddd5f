package dev.procpool.internal.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 * {@link #IDLE_PERIOD_MS} ms while all are idle. On Linux it reads each worker's tree from its threads'
 * {@code children} files ({@link #descendantsOf}): 0.3 ms a look for two idle workers, whatever else runs. Elsewhere,
 * or where the kernel lacks those files, it scans the whole process table ({@link ProcessHandle#descendants()}), whose
 * cost grows with the machine's processes: 0.7-0.9 ms with 70 processes, 25 ms with 1,070, which at 4 looks a second
 * took a tenth of a core. A process started less than a period before its worker died is not seen; a
 * {@link ProcessHandle} carries its process's start time, so a pid the OS reuses is never ended by mistake.
 */
final class DescendantWatch {
    static final long PERIOD_MS = 250;
    static final long IDLE_PERIOD_MS = 2_000;
    /** Whether workers' trees are read from {@code /proc/<pid>/task/<tid>/children}; decided once. */
    static final boolean CHILDREN_FILES = Platform.listsChildrenPerThread(Platform.current()) && childrenFilesReadable();
    /** A bound on one look, for a task that forks without end. */
    private static final int MAX_DESCENDANTS = 100_000;

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
            if (CHILDREN_FILES) {
                for (WorkerProcess worker : WATCHED) {
                    worker.forgetEndedProcesses();
                    for (long pid : descendantsOf(worker.pid())) {
                        ProcessHandle.of(pid).ifPresent(worker::startedProcess);
                    }
                }
            } else {
                record(WATCHED, ProcessHandle.current().descendants().toList());
            }
        } catch (RuntimeException e) {
            // a process that ends while it is being looked at; the next tick sees the rest
        }
    }

    /**
     * The pids below {@code pid}, read from the {@code children} file of each of its threads, then of theirs (Linux):
     * a few reads per process in the tree. A process or thread that ends meanwhile is passed over, as is one started
     * meanwhile (the next look sees it).
     */
    static List<Long> descendantsOf(long pid) {
        List<Long> found = new ArrayList<>();
        Deque<Long> parents = new ArrayDeque<>(List.of(pid));
        while (!parents.isEmpty() && found.size() < MAX_DESCENDANTS) {
            long parent = parents.poll();
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(parent), "task"))) {
                for (Path thread : threads) {
                    String children;
                    try {
                        children = Files.readString(thread.resolve("children"));
                    } catch (IOException e) {
                        continue; // the thread has ended
                    }
                    for (long child : Platform.parseChildren(children)) {
                        found.add(child);
                        parents.add(child);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process has ended
            }
        }
        return found;
    }

    private static boolean childrenFilesReadable() {
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path thread : threads) {
                return Files.isReadable(thread.resolve("children"));
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: not Linux after all
        }
        return false;
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
